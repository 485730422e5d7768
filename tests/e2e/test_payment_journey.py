"""Browser journeys of online payment on the sandbox page: (a) a checkout from two shops paid at
once, both orders paid; (b) a declined card, "Pay again", paid; (c) a buyer who leaves: after the
(short) hold, the orders are cancelled and the stock is back."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Order, OrderStatus, ProductVariant
from marketplace.services.cart import cart
from tests.e2e.support import log_in, watch_console
from tests.factories import make_address, make_product, make_shop, make_user

pytestmark = pytest.mark.e2e


def _two_shop_cart(live_app, email):
    with live_app.app_context():
        buyer = make_user(email=email, full_name="Trần Thị Bình")
        make_address(buyer, is_default=True)
        lamp = make_product(shop=make_shop(name="Đèn Hội An"), title="Đèn lồng", variants=[{"stock": 4, "price": 1500}])
        tea = make_product(shop=make_shop(name="Trà Thái"), title="Trà xanh", variants=[{"stock": 9, "price": 800}])
        cart.add_item(buyer, lamp.variants[0].id, 1)
        cart.add_item(buyer, tea.variants[0].id, 2)
        ids = {"buyer": buyer.id, "variants": (lamp.variants[0].id, tea.variants[0].id)}
        db.session.commit()
        db.session.remove()
    return ids


def _state(live_app, ids):
    with live_app.app_context():
        statuses = sorted(o.status.value for o in db.session.scalars(select(Order).where(Order.buyer_id == ids["buyer"])))
        stock = tuple(db.session.get(ProductVariant, v).stock for v in ids["variants"])
        db.session.remove()
    return statuses, stock


def _check_out_online(page, email):
    log_in(page, email)
    page.goto("/checkout")
    page.get_by_label("Pay online now").check()
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile(r"/pay/sandbox/sbx_"))
    expect(page.get_by_text("Sandbox: no real money moves")).to_be_visible()


def test_two_shops_paid_at_once(page, live_app):
    ids = _two_shop_cart(live_app, "binh@example.com")
    errors = watch_console(page)
    _check_out_online(page, "binh@example.com")
    expect(page.get_by_test_id("sandbox-amount")).to_contain_text("$37.00")  # 15 + 16 + 2 × 3 shipping
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page).to_have_url(re.compile(r"/checkout/done/"))
    expect(page.locator("#flashes")).to_contain_text("Payment received")
    expect(page.locator("#payment-box")).to_contain_text("Paid")
    assert _state(live_app, ids) == (["PENDING", "PENDING"], (3, 7))
    assert errors == []


def test_declined_then_paid_again(page, live_app):
    ids = _two_shop_cart(live_app, "binh2@example.com")
    _check_out_online(page, "binh2@example.com")
    page.get_by_role("button", name="Decline").click()
    expect(page.locator("#flashes")).to_contain_text("The payment was not completed")
    assert _state(live_app, ids)[0] == ["AWAITING_PAYMENT", "AWAITING_PAYMENT"]
    page.get_by_role("button", name="Pay again").click()
    expect(page).to_have_url(re.compile(r"/pay/sandbox/sbx_"))
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.locator("#payment-box")).to_contain_text("Paid")
    assert _state(live_app, ids)[0] == ["PENDING", "PENDING"]


def test_left_unpaid_the_orders_are_cancelled_and_the_stock_is_back(page, live_app, monkeypatch):
    monkeypatch.setitem(live_app.config, "PAYMENT_HOLD_MINUTES", 0)  # the hold ends as it starts
    ids = _two_shop_cart(live_app, "binh3@example.com")
    _check_out_online(page, "binh3@example.com")
    assert _state(live_app, ids) == (["AWAITING_PAYMENT", "AWAITING_PAYMENT"], (3, 7))
    page.goto("/orders")  # the buyer walks away from the payment page
    result = live_app.test_cli_runner().invoke(args=["payments", "expire"])
    assert "Expired 1" in result.output
    assert _state(live_app, ids) == ([OrderStatus.CANCELLED.value] * 2, (4, 9))
    page.reload()
    expect(page.get_by_text("Cancelled").first).to_be_visible()


def test_told_to_pay_by_the_holds_end_then_cancelled_without_paying(page, live_app):
    ids = _two_shop_cart(live_app, "binh4@example.com")
    errors = watch_console(page)
    _check_out_online(page, "binh4@example.com")
    flashes = page.locator("#flashes")
    expect(flashes).to_contain_text("Your 2 orders are waiting for payment: pay $37.00 by")
    expect(flashes).not_to_contain_text("placed")
    page.get_by_role("button", name="Cancel", exact=True).click()  # the sandbox's: this attempt only
    expect(page).to_have_url(re.compile(r"/checkout/done/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay to complete your order")
    assert _state(live_app, ids)[0] == ["AWAITING_PAYMENT", "AWAITING_PAYMENT"]
    page.get_by_text("Don't want to pay?").click()
    page.get_by_role("button", name="Cancel the orders without paying").click()
    expect(page.locator("#flashes")).to_contain_text("Your orders were cancelled and nothing was charged")
    expect(page.locator("#payment-box")).to_contain_text("You cancelled these orders before paying")
    assert _state(live_app, ids) == ([OrderStatus.CANCELLED.value] * 2, (4, 9))
    assert errors == []
