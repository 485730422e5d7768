"""A seller lists a product with a 2 x 3 option grid and two pictures, in a real browser: the first
try has mistakes, every one is shown at once, and fixing them needs no second pick of the pictures.
On a desktop with JavaScript (htmx swaps the grid and the refused form) and on a phone without it
(every button is a plain submit)."""
import os
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Product
from tests.e2e.support import log_in, watch_console
from tests.factories import make_category, make_shop, make_user
from tests.seller_support import image_bytes

pytestmark = pytest.mark.e2e

TITLE = "Áo thun Hội An"
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder: keep a picture of each step (for a person to look at)


@pytest.fixture
def seller(live_app):
    with live_app.app_context():
        owner = make_user(full_name="Mai Seller", email="mai.seller@example.com")
        make_shop(owner=owner, name="Mai's Shop")
        make_category(name="Thời trang")
        db.session.commit()
        return owner.email


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True, caret="initial")


@pytest.mark.parametrize("javascript, viewport", [(True, {"width": 1366, "height": 900}),
                                                  (False, {"width": 390, "height": 844})],
                         ids=["desktop-js", "phone-no-js"])
def test_a_grid_of_six_variants_and_two_pictures_survives_a_refused_first_try(
        browser, live_server, live_app, seller, javascript, viewport):
    context = browser.new_context(base_url=live_server, java_script_enabled=javascript, viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = watch_console(page)
    name = "desktop" if javascript else "phone"

    # A seller signs in and lands in the seller center.
    log_in(page, seller)
    expect(page).to_have_url(re.compile(r"/seller/dashboard$"))

    # Two options make six rows; the prices and stock are set for every row at once.
    page.goto("/seller/products/new")
    expect(page.get_by_label("Title")).to_have_attribute("aria-required", "true")
    expect(page.get_by_label("Category")).to_have_attribute("required", "")
    page.get_by_label("Option 1", exact=True).fill("Màu")
    page.get_by_label("Values of option 1").fill("Đỏ, Xanh, Đen")
    page.get_by_label("Option 2", exact=True).fill("Size")
    page.get_by_label("Values of option 2").fill("S, M")
    page.get_by_label("Description").fill("Cotton, in three colours.")
    if javascript:
        page.evaluate("window.stillThisPage = true")
    page.get_by_role("button", name="Make the rows").click()
    rows = page.locator("[data-variant-row]")
    expect(rows).to_have_count(6)
    if javascript:  # htmx swapped the grid alone: no page load
        assert page.evaluate("window.stillThisPage === true")
        expect(page.locator("#variant-grid-caption")).to_be_focused()
    expect(page.locator("#variant-grid-caption")).to_contain_text("6 variants")
    expect(rows.nth(0).locator("th")).to_contain_text("Đỏ / S")
    expect(rows.nth(5).locator("th")).to_contain_text("Đen / M")
    expect(page.get_by_label("Description")).to_have_value("Cotton, in three colours.")  # kept by the round
    page.get_by_label("Price for every row").fill("12.50")
    page.get_by_label("Stock for every row").fill("4")
    page.get_by_role("button", name="Apply to every row").click()
    expect(page.locator("#variants-5-price")).to_have_value("12.50")
    expect(page.locator("#variants-5-stock")).to_have_value("4")
    for n, sku in enumerate(["AT-DO-S", "AT-DO-M", "AT-XANH-S", "AT-XANH-M", "AT-DEN-S", ""]):
        page.locator(f"#variants-{n}-sku").fill(sku)
    page.locator("#variants-2-price").fill("-3")
    page.locator("#images").set_input_files([
        {"name": "front.jpg", "mimeType": "image/jpeg", "buffer": image_bytes("JPEG", size=(800, 600))},
        {"name": "back.png", "mimeType": "image/png", "buffer": image_bytes("PNG", size=(600, 800), color=(0, 90, 200))},
    ])
    shot(page, f"{name}-1-filled")

    # The first try: no title, no category, a missing SKU and a negative price, all at once.
    page.get_by_role("button", name="Save and publish").click()
    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("There are 4 things to fix")
    expect(summary.get_by_role("link", name="Title: Enter a title")).to_be_visible()
    expect(summary.get_by_role("link", name="Category: Choose a category")).to_be_visible()
    expect(summary.get_by_role("link", name="Xanh / S — Price: The price must be more than zero")) \
        .to_be_visible()
    expect(summary.get_by_role("link", name="Đen / M — SKU: Enter a SKU")).to_be_visible()
    expect(page.locator("#variants-2-price-error")).to_have_text("The price must be more than zero.")
    expect(page.locator("#variants-2-price")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title-error")).to_be_visible()
    expect(page.locator("[data-kept-image] img")).to_have_count(2)
    expect(page.locator("#variants-0-sku")).to_have_value("AT-DO-S")
    if javascript:
        expect(summary).to_be_focused()
    shot(page, f"{name}-2-refused")

    # Fixing them: the pictures are not chosen again.
    summary.get_by_role("link", name="Title: Enter a title").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Category").select_option(label="Thời trang")
    page.locator("#variants-2-price").fill("13.00")
    page.locator("#variants-5-sku").fill("AT-DEN-M")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.locator(".alert-success")).to_contain_text("is published")
    expect(page.locator("#product-images img")).to_have_count(2)
    expect(page.locator("[data-variant-row]")).to_have_count(6)
    expect(page.get_by_label("Option 1", exact=True)).to_have_value("Màu")
    expect(page.get_by_label("Values of option 2")).to_have_value("S, M")
    shot(page, f"{name}-3-saved")
    with live_app.app_context():
        product = db.session.scalars(db.select(Product).where(Product.title == TITLE)).one()
        assert sorted((v.name, v.price, v.stock) for v in product.variants) == sorted(
            [("Đỏ / S", 1250, 4), ("Đỏ / M", 1250, 4), ("Xanh / S", 1300, 4), ("Xanh / M", 1250, 4),
             ("Đen / S", 1250, 4), ("Đen / M", 1250, 4)])
        assert len(product.images) == 2
    # The refused round is a 422 by design (the browser logs it); nothing else may complain.
    assert [e for e in errors if "status of 422" not in e] == [], errors
    context.close()
