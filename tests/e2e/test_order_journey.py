"""An order's life in two browsers: a guest fills a cart from two shops, logs in, applies a
voucher and places two orders; the seller confirms, ships and delivers one from the seller
center; the buyer follows the timeline and confirms receipt."""
import re
import uuid

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Order, OrderStatus, ProductVariant
from tests.factories import PASSWORD, make_address, make_product, make_shop, make_user

pytestmark = pytest.mark.e2e


def _place_an_order(live_app) -> dict:
    """A buyer's PENDING order placed through the real cart and checkout services."""
    from marketplace.services.cart import cart
    from marketplace.services.ordering import checkout

    with live_app.app_context():
        buyer = make_user(phone="+84909990001", full_name="Lê Thị Mai")
        address = make_address(buyer, is_default=True, line1="45 Nguyễn Huệ")
        shop = make_shop(name="Cửa hàng Áo Dài")
        product = make_product(shop=shop, title="Áo dài lụa", variants=[{"stock": 5, "price": 250000}])
        variant_id = product.variants[0].id
        cart.add_item(buyer, variant_id, 2)
        placed = checkout.place_orders(buyer, address.id, "COD", idempotency_key=uuid.uuid4().hex)
        order = placed.orders[0]
        data = {"buyer": buyer.email, "seller": shop.owner.email, "order_id": order.id,
                "number": order.number, "variant_id": variant_id}
        db.session.commit()
    return data


def _log_in(page, login: str) -> None:
    page.goto("/account/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile("/account/login"))
    expect(page.locator("#user-menu")).to_be_attached()


def _watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def _two_shops(live_app) -> dict:
    """A verified buyer with a default address, two shops with one product each, a voucher in shop A."""
    from marketplace.models import VoucherKind
    from tests.factories import make_voucher

    with live_app.app_context():
        buyer = make_user(phone="+84909990002", full_name="Phạm Minh Châu")
        make_address(buyer, is_default=True, line1="7 Đồng Khởi")
        shop_a = make_shop(name="Cửa hàng Áo Dài")
        shop_b = make_shop(name="Trà Thái Nguyên")
        dress = make_product(shop=shop_a, title="Áo dài lụa", variants=[{"stock": 5, "price": 25000}])
        tea = make_product(shop=shop_b, title="Trà xanh", variants=[{"stock": 9, "price": 4000}])
        make_voucher(shop_a, code="GIAM10", kind=VoucherKind.PERCENT, value=10, usage_limit=5)
        data = {"buyer": buyer.email, "buyer_phone": buyer.phone, "seller": shop_a.owner.email,
                "shop_a": shop_a.name, "shop_b": shop_b.name, "dress": dress.id, "tea": tea.id,
                "dress_variant": dress.variants[0].id, "tea_variant": tea.variants[0].id}
        db.session.commit()
    return data


def test_from_guest_cart_to_completed_order(page, new_page, live_app, sent_messages):
    data = _two_shops(live_app)
    buyer_errors = _watch_console(page)

    # A guest fills a cart from two shops, then logs in to check out.
    for product_id in (data["dress"], data["tea"]):
        page.goto(f"/p/{product_id}")
        page.get_by_role("button", name="Add to cart").click()
        expect(page.get_by_text("Added to your cart.")).to_be_visible()
    page.goto("/cart")
    page.get_by_role("link", name="Check out").click()
    expect(page).to_have_url(re.compile("/account/login"))
    page.fill("#login", data["buyer"])
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Checkout: the guest cart came along; a voucher for shop A; place both orders at once.
    expect(page).to_have_url(re.compile("/checkout$"))
    expect(page.get_by_text("Áo dài lụa")).to_be_visible()
    expect(page.get_by_text("Trà xanh")).to_be_visible()
    shop_a = page.locator("section", has=page.get_by_role("heading", name=data["shop_a"]))
    shop_a.get_by_label("Shop voucher").fill("giam10")
    shop_a.get_by_role("button", name="Apply").click()
    expect(page.locator("[data-voucher-applied]")).to_contain_text("GIAM10 applied")
    page.get_by_role("button", name="Place order").click()
    placed = page.locator("#placed-orders [data-order-number]")
    expect(placed).to_have_count(2)
    expect(page.locator("#placed-orders")).to_contain_text("voucher GIAM10")
    page.get_by_role("link", name="See my orders").click()
    expect(page.locator("#order-list [data-order-number]")).to_have_count(2)

    with live_app.app_context():
        from sqlalchemy import select

        from marketplace.models import Shop, Voucher

        order = db.session.scalars(
            select(Order).join(Shop, Shop.id == Order.shop_id).where(Shop.name == data["shop_a"])
        ).one()
        number, order_id = order.number, order.id
        assert order.discount == 2500 and order.voucher_code == "GIAM10"
        assert db.session.scalar(select(Voucher.used_count).where(Voucher.code == "GIAM10")) == 1
        assert db.session.get(ProductVariant, data["dress_variant"]).stock == 4

    # The seller of shop A works the order from the list: each action re-renders the row in place.
    seller_page = new_page()
    seller_errors = _watch_console(seller_page)
    _log_in(seller_page, data["seller"])
    seller_page.goto("/seller/orders?status=PENDING")
    row = seller_page.locator(f"#order-row-{order_id}")
    expect(row).to_contain_text("Áo dài lụa")
    expect(seller_page.locator("#order-tabs")).to_contain_text("To confirm 1")
    row.get_by_role("button", name="Confirm order").click()
    expect(row.locator("[data-status]").first).to_have_attribute("data-status", "CONFIRMED")
    expect(row).to_contain_text(f"Order {number} confirmed.")
    expect(seller_page.locator("#order-tabs")).to_contain_text("To ship 1")  # counts refreshed out of band
    row.get_by_label("Tracking number").fill("GHN-8842")
    row.get_by_role("button", name="Ship").click()
    expect(row.locator("[data-status]").first).to_have_attribute("data-status", "SHIPPING")
    expect(row).to_contain_text("Tracking: GHN-8842")

    # Then from the order page: the panel re-renders in place.
    row.get_by_role("link", name=f"Order {number}").click()
    expect(seller_page).to_have_url(re.compile(f"/seller/orders/{order_id}$"))
    seller_page.get_by_role("button", name="Mark delivered").click()
    panel = seller_page.locator("#order-panel")
    expect(panel.locator("[data-status]").first).to_have_attribute("data-status", "DELIVERED")
    expect(panel).to_contain_text("No action needed.")
    assert seller_errors == []

    # The buyer sees the whole timeline and confirms receipt.
    page.goto("/orders")
    card = page.locator(f"[data-order-number='{number}']")
    expect(card.locator("[data-status]")).to_have_attribute("data-status", "DELIVERED")
    card.get_by_role("link", name="View order").click()
    timeline = page.get_by_role("list", name="Order history")
    for step in ("Order placed", "Confirmed by the shop", "Handed to the carrier", "Tracking number: GHN-8842",
                 "Delivered"):
        expect(timeline).to_contain_text(step)
    expect(page.get_by_text("7 Đồng Khởi")).to_be_visible()
    page.get_by_role("button", name="I received this order").click()
    panel = page.locator("#order-panel")
    expect(panel.locator("[data-status]").first).to_have_attribute("data-status", "COMPLETED")
    expect(panel.locator("[data-status]").first).to_have_text("Completed")
    expect(timeline).to_contain_text("Receipt confirmed")
    assert buyer_errors == []

    with live_app.app_context():
        order = db.session.get(Order, order_id)
        assert order.status is OrderStatus.COMPLETED and order.completed_at is not None
        assert order.items[0].quantity == 1
    # One SMS when it shipped, one when it was delivered.
    assert [m.to for m in sent_messages.messages if m.to == data["buyer_phone"]] == [data["buyer_phone"]] * 2


def test_a_stale_page_shows_the_conflict_in_place(page, new_page, live_app):
    """The buyer cancels while the seller's page still offers Confirm: the seller sees why, in place."""
    data = _place_an_order(live_app)
    _log_in(page, data["seller"])
    page.goto(f"/seller/orders/{data['order_id']}")

    buyer_page = new_page()
    _log_in(buyer_page, data["buyer"])
    buyer_page.goto(f"/orders/{data['order_id']}")
    buyer_page.get_by_text("Cancel this order").click()
    buyer_page.get_by_label("Why are you cancelling? (optional)").fill("Ordered the wrong size")
    buyer_page.get_by_role("button", name="Cancel order").click()
    expect(buyer_page.locator("#order-panel [data-status]").first).to_have_attribute("data-status", "CANCELLED")

    page.get_by_role("button", name="Confirm order").click()
    panel = page.locator("#order-panel")
    expect(panel).to_contain_text("This order is CANCELLED; it can no longer be confirmed.")
    expect(panel.locator("[data-status]").first).to_have_attribute("data-status", "CANCELLED")
    expect(panel).to_contain_text("Ordered the wrong size")
    with live_app.app_context():
        assert db.session.get(ProductVariant, data["variant_id"]).stock == 5
