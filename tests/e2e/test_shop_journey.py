"""A shop's first day in a real browser: register, get approved, list a product, be found without accents."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Role
from tests.e2e.support import log_in, watch_console
from tests.factories import make_category, make_user
from tests.seller_support import image_bytes

pytestmark = pytest.mark.e2e

TITLE = "Áo khoác Đà Lạt"


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        seller = make_user(full_name="Lan Seller", email="lan.seller@example.com")
        admin = make_user(role=Role.ADMIN, full_name="Ada Admin", email="ada.shops@example.com")
        make_category(name="Thời trang")
        db.session.commit()
        return {"seller": seller.email, "admin": admin.email}


def test_register_approve_list_publish_and_find_without_accents(page, new_page, people, live_server):
    seller_errors = watch_console(page)

    # 1. A verified user opens a shop; it waits for approval.
    log_in(page, people["seller"])
    page.goto("/seller/register")
    page.get_by_label("Shop name").fill("Lan's Đà Lạt Shop")
    page.get_by_label("Description").fill("Áo len và áo khoác ấm")
    page.get_by_role("button", name="Open my shop").click()
    expect(page.locator("#shop-status")).to_contain_text("Waiting for approval")
    expect(page.locator("#shop-status")).to_contain_text("/s/lans-da-lat-shop")

    # 2. An admin approves it from the queue, in place (after its confirm dialog).
    admin = new_page()
    admin_errors = watch_console(admin)
    log_in(admin, people["admin"])
    admin.goto("/admin/shops?status=PENDING")
    row = admin.locator("tr[data-shop-id]", has_text="Lan's Đà Lạt Shop")
    row.get_by_role("button", name="Approve").click()
    admin.get_by_role("dialog").get_by_role("button", name="Approve the shop").click()
    expect(row).to_contain_text("is approved and open")
    expect(row.locator(".badge")).to_have_text("Active")

    # 3. The seller lists a product with two variants (an option grid made without a reload) and an image.
    page.goto("/seller/products/new")
    expect(page.locator("#shop-status-banner")).to_have_count(0)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Category").select_option(label="Thời trang")
    page.get_by_label("Description").fill("Áo khoác lông cừu cho mùa đông Đà Lạt.")
    page.get_by_label("Option 1", exact=True).fill("Màu")
    page.get_by_label("Values of option 1").fill("Đỏ, Xanh, Đen")
    page.get_by_role("button", name="Make the rows").click()
    expect(page.locator("[data-variant-row]")).to_have_count(3)
    page.locator("#variants-0-sku").fill("AK-DO")
    page.locator("#variants-0-price").fill("25.00")
    page.locator("#variants-0-stock").fill("5")
    page.locator("#variants-1-sku").fill("AK-XANH")
    page.locator("#variants-1-price").fill("19.50")
    page.locator("#variants-1-stock").fill("3")
    page.get_by_label("Values of option 1").fill("Đỏ, Xanh")
    page.get_by_role("button", name="Make the rows").click()
    expect(page.locator("[data-variant-row]")).to_have_count(2)
    expect(page.locator("#variants-1-sku")).to_have_value("AK-XANH")
    page.locator("#images").set_input_files([{"name": "jacket.jpg", "mimeType": "image/jpeg",
                                             "buffer": image_bytes("JPEG", size=(800, 600))}])
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".alert-success")).to_contain_text("saved as a draft")
    expect(page.locator("#product-status")).to_have_text("Draft")
    expect(page.locator("#product-images img")).to_have_count(1)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#product-status")).to_have_text("Active")
    page.goto("/seller/products")
    listing = page.locator("tr[data-product-id]", has_text=TITLE)
    expect(listing).to_contain_text("$19.50 – $25.00")
    expect(listing).to_contain_text("8")
    expect(listing.locator("img")).to_have_count(1)

    # 4. A shopper searches without accents, opens it and switches variants.
    shopper = new_page()
    shopper_errors = watch_console(shopper)
    shopper.goto("/")
    search_box = shopper.get_by_role("combobox", name="Search products")
    search_box.fill("ao khoac da lat")
    search_box.press("Enter")
    expect(shopper).to_have_url(re.compile(r"/search\?q=ao\+khoac\+da\+lat"))
    # its card shows the seller's picture (products.thumb_key, set by the database when it was saved)
    picture = shopper.locator(".product-card-slot", has_text=TITLE).first.locator("img").first
    expect(picture).not_to_have_attribute("src", re.compile("placeholder"))
    shopper.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    shopper.locator("main").get_by_role("link", name=TITLE).first.click()
    expect(shopper.locator("h1")).to_have_text(TITLE)
    shopper.locator("#variant-picker label", has_text="Xanh").click()
    expect(shopper.locator("[data-testid=variant-price]")).to_have_text("$19.50")
    shopper.locator("#variant-picker label", has_text="Đỏ").click()
    expect(shopper.locator("[data-testid=variant-price]")).to_have_text("$25.00")

    assert seller_errors == [] and admin_errors == [] and shopper_errors == []
