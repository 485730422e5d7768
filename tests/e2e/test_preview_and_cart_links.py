"""In a real browser: a seller previews a draft of a pending shop and switches its variants in
place; a shopper clicks through from a cart line to the product, its variant chosen."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import ProductStatus, Role, ShopStatus
from marketplace.services.cart import cart
from tests.e2e.support import log_in, watch_console
from tests.factories import make_category, make_product, make_shop, make_user

pytestmark = pytest.mark.e2e

COLOURS = [{"name": "Red", "price": 1000, "stock": 3}, {"name": "Blue", "price": 2500, "stock": 4}]


def test_a_seller_previews_a_draft_and_switches_its_variants(page, live_app):
    with live_app.app_context():
        seller = make_user(role=Role.SELLER, email="preview.seller@example.com")
        shop = make_shop(owner=seller, status=ShopStatus.PENDING)
        draft = make_product(shop=shop, category=make_category(), title="Draft lantern",
                             status=ProductStatus.DRAFT, variants=COLOURS)
        db.session.commit()
        draft_id = draft.id
    errors = watch_console(page)
    log_in(page, "preview.seller@example.com")
    page.goto("/seller/products")
    page.locator(f'tr[data-product-id="{draft_id}"]').get_by_role("link", name="Preview").click()

    expect(page.get_by_test_id("preview-banner")).to_contain_text(
        "Preview: this product is not public yet (Draft; shop pending approval).")
    expect(page.get_by_test_id("own-product")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("add to cart", re.I))).to_have_count(0)
    page.locator("label", has_text="Blue").click()
    expect(page.get_by_test_id("variant-price")).to_have_text("$25.00")
    expect(page).to_have_url(re.compile(rf"/seller/products/{draft_id}/preview\?variant="))
    assert errors == []


def test_a_shopper_clicks_a_cart_line_through_to_its_product_and_variant(page, live_app):
    with live_app.app_context():
        buyer = make_user(email="cart.links@example.com")
        shop = make_shop(name="Lantern House")
        product = make_product(shop=shop, category=make_category(), title="Paper lantern", variants=COLOURS)
        blue = next(v for v in product.variants if v.name == "Blue")
        cart.add_item(buyer, blue.id, 1)
        db.session.commit()
        slug, blue_id = shop.slug, blue.id
    log_in(page, "cart.links@example.com")
    page.goto("/cart")
    page.get_by_role("link", name="Lantern House").click()
    expect(page).to_have_url(re.compile(rf"/s/{slug}$"))
    page.go_back()
    page.get_by_role("link", name="Paper lantern").click()
    expect(page.get_by_role("heading", name="Paper lantern")).to_be_visible()
    expect(page.locator("#variant-picker input:checked")).to_have_attribute("value", str(blue_id))
    expect(page.get_by_test_id("variant-price")).to_have_text("$25.00")
