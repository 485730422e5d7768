"""An admin reviews pending shops before opening them: on a desktop with JavaScript (the confirm
step is a dialog) and on a phone without it (the confirm step is a page); one shop is approved,
another rejected with a reason the owner reads."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Role, ShopStatus
from marketplace.services.catalog import product_images
from marketplace.services.core.images import store_image
from tests.e2e.support import log_in, watch_console
from tests.factories import make_product, make_shop, make_user
from tests.reviews_support import png_bytes

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(live_app):
    with live_app.app_context():
        admin = make_user(role=Role.ADMIN, full_name="Ada Admin", email="ada.admin@example.com")
        owners = [make_user(full_name="Lan Nguyễn", email="lan@example.com", is_verified=True),
                  make_user(full_name="Minh Trần", email="minh@example.com")]
        pottery = make_shop(owner=owners[0], status=ShopStatus.PENDING, name="Gốm Bát Tràng",
                            description="Handmade pottery, fired twice.")
        pottery.logo_key = store_image(png_bytes((30, 80, 160), (64, 64)), "logos", field="logo",
                                       thumbnail=False).key
        kettle = make_product(shop=pottery, title="Ấm trà men lam", variants=[{"price": 125000, "stock": 3}])
        product_images.add_image(pottery, kettle, png_bytes((20, 120, 90), (120, 90)))
        shady = make_shop(owner=owners[1], status=ShopStatus.PENDING, name="Cheap Brands 4U",
                          description="Designer bags at 5% of the price.")
        make_product(shop=shady, title="Túi hiệu giá rẻ")
        db.session.commit()
        return {"admin": admin.email, "pottery": str(pottery.id), "shady": str(shady.id)}


def open_context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server, **options)
    context.set_default_timeout(10_000)
    return context


def review_page(page, shop_id: str, owner: str, product: str) -> None:
    """From the queue to the shop's review page, where its owner and products are."""
    page.goto("/admin/shops?status=PENDING")
    page.locator(f"#shop-{shop_id}").get_by_role("link", name=re.compile("Review")).click()
    expect(page.locator("#shop-owner")).to_contain_text(owner)
    expect(page.locator("#shop-products")).to_contain_text(product)


def test_with_javascript_on_a_desktop_the_admin_approves_through_the_dialog(browser, live_server, world):
    context = open_context(browser, live_server, viewport=DESKTOP)
    page = context.new_page()
    errors = watch_console(page)
    log_in(page, world["admin"])

    review_page(page, world["pottery"], "Lan Nguyễn", "Ấm trà men lam")
    expect(page.locator("#shop-description")).to_contain_text("Handmade pottery")
    expect(page.locator("#shop-products img")).to_have_count(1)
    assert page.locator("#shop-profile img").evaluate("img => img.naturalWidth") > 0  # the logo is served
    page.locator("#shop-actions").get_by_role("button", name="Approve").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Lan Nguyễn is told that their shop is open.")
    dialog.get_by_role("link", name="Cancel").click()  # changed their mind: nothing happens
    expect(dialog).to_be_hidden()
    expect(page.locator("#shop-status")).to_contain_text("Pending")

    page.locator("#shop-actions").get_by_role("button", name="Approve").click()
    dialog.get_by_role("button", name="Approve the shop").click()
    expect(page.locator("#flashes")).to_contain_text("“Gốm Bát Tràng” is approved and open.")
    expect(page).to_have_url(re.compile(f"/admin/shops/{world['pottery']}$"))
    expect(page.locator("#shop-status")).to_contain_text("Active")
    expect(page.locator("#shop-history")).to_contain_text("Approved a shop")
    assert errors == []
    context.close()


def test_without_javascript_on_a_phone_the_admin_approves_and_rejects_through_pages(browser, live_server, world):
    context = open_context(browser, live_server, java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    log_in(page, world["admin"])

    review_page(page, world["pottery"], "Lan Nguyễn", "Ấm trà men lam")
    page.locator("#shop-actions").get_by_role("button", name="Approve").click()
    expect(page).to_have_url(re.compile(f"/admin/shops/{world['pottery']}/approve"))
    expect(page.get_by_role("heading", name="Approve “Gốm Bát Tràng”?")).to_be_visible()
    page.get_by_role("button", name="Approve the shop").click()
    expect(page).to_have_url(re.compile(f"/admin/shops/{world['pottery']}$"))
    expect(page.locator("#flashes")).to_contain_text("is approved and open")
    expect(page.locator("#shop-status")).to_contain_text("Active")

    # The other one sells fakes: rejected, with the reason its owner will read.
    review_page(page, world["shady"], "Minh Trần", "Túi hiệu giá rẻ")
    page.locator("#shop-actions").get_by_role("button", name="Reject").click()
    page.get_by_role("button", name="Reject the shop").click()  # forgot the reason
    expect(page.get_by_label("Reason (the owner reads it)")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main")).to_contain_text("Give a reason")
    page.get_by_label("Reason (the owner reads it)").fill("Counterfeit designer goods")
    page.get_by_role("button", name="Reject the shop").click()
    expect(page.locator("#flashes")).to_contain_text("“Cheap Brands 4U” is rejected.")
    expect(page.locator("#shop-status")).to_contain_text("Counterfeit designer goods")
    expect(page.locator("#shop-history")).to_contain_text("Rejected a shop")

    # Nothing is cut off on the phone: the page is no wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
