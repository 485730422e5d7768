"""Browser journey of a return, end to end: a buyer pays online on the sandbox page, the order is
delivered, the buyer returns one line with a photo, the seller accepts, the buyer gives the tracking
number, the seller confirms receipt, and the buyer is refunded through the sandbox; the seller's
pending balance moves by the line's share (read from the ledger)."""
import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import LedgerAccount, LedgerEntry, Order, Refund, User
from marketplace.services.cart import cart
from marketplace.services.ordering import orders
from tests.e2e.support import log_in, watch_console
from tests.factories import make_address, make_product, make_shop, make_user
from tests.reviews_support import png_bytes

pytestmark = pytest.mark.e2e


def _world(live_app):
    with live_app.app_context():
        buyer = make_user(email="lan@example.com", full_name="Nguyễn Lan")
        make_address(buyer, is_default=True)
        seller = make_user(email="hoa@example.com", full_name="Phạm Hoa")
        shop = make_shop(owner=seller, name="Gốm Bát Tràng")
        bowl = make_product(shop=shop, title="Bát gốm", variants=[{"stock": 6, "price": 1500}])
        cart.add_item(buyer, bowl.variants[0].id, 2)
        ids = {"buyer": buyer.id, "seller": seller.id, "shop": shop.id}
        db.session.commit()
        db.session.remove()
    return ids


def _deliver(live_app, ids):
    with live_app.app_context():
        seller = db.session.get(User, ids["seller"])
        order = db.session.scalar(select(Order).where(Order.buyer_id == ids["buyer"]))
        orders.confirm_order(seller, order.id)
        orders.ship_order(seller, order.id, "VN123")
        orders.deliver_order(seller, order.id)
        db.session.commit()
        order_id = order.id
        db.session.remove()
    return order_id


def _pending(live_app, shop_id) -> int:
    with live_app.app_context():
        total = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0))
                                  .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
                                  .where(LedgerAccount.kind == "SHOP_PENDING", LedgerAccount.shop_id == shop_id))
        db.session.remove()
    return -int(total)


def _refund_status(live_app):
    with live_app.app_context():
        status = db.session.scalar(select(Refund.status))
        db.session.remove()
    return status


def test_a_buyer_returns_a_line_and_is_refunded_through_the_sandbox(page, new_page, live_app):
    ids = _world(live_app)
    errors = watch_console(page)
    log_in(page, "lan@example.com")
    page.goto("/checkout")
    page.get_by_label("Pay online now").check()
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile(r"/pay/sandbox/sbx_"))
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page).to_have_url(re.compile(r"/checkout/done/"))
    order_id = _deliver(live_app, ids)
    pending = _pending(live_app, ids["shop"])
    assert pending > 0

    page.goto(f"/orders/{order_id}")
    page.get_by_role("link", name="Return items").click()
    page.get_by_label(re.compile("Bát gốm")).fill("1")
    page.get_by_label("Arrived damaged").check()
    page.get_by_label("What is wrong? (optional)").fill("Một chiếc bị mẻ")
    page.locator("#images").set_input_files([{"name": "bat.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.get_by_role("button", name="Ask to return").click()
    expect(page.locator("#flashes")).to_contain_text("sent to the seller")
    expect(page.get_by_role("img", name="Photo 1")).to_be_visible()
    return_url = page.url

    seller_page = new_page()
    log_in(seller_page, "hoa@example.com")
    seller_page.goto("/seller/returns")
    seller_page.get_by_role("link", name=re.compile("Return R")).click()
    seller_page.get_by_role("button", name="Accept the return").click()
    expect(seller_page.locator("#flashes")).to_contain_text("Return accepted")

    page.goto(return_url)
    page.get_by_label("Tracking number").fill("GHN-778")
    page.get_by_role("button", name="I sent it back").click()
    expect(page.get_by_test_id("return-tracking")).to_have_text("GHN-778")

    seller_page.reload()
    seller_page.get_by_label("Put the units back on sale").check()
    seller_page.get_by_role("button", name="I received the items").click()
    expect(seller_page.locator("#flashes")).to_contain_text("the buyer is refunded")

    for _ in range(200):  # the sandbox refund is sent once the receipt's response is out (a loaded CI box: 5 s was short)
        if _refund_status(live_app) == "PAID":
            break
        time.sleep(0.1)
    assert _refund_status(live_app) == "PAID"
    page.goto(f"/orders/{order_id}")
    expect(page.get_by_test_id("order-refund")).to_contain_text("Refunded")
    expect(page.get_by_test_id("order-refund")).to_contain_text("$15.00")
    assert pending - _pending(live_app, ids["shop"]) == 1500 - 75  # the unit less its 5 % commission
    assert errors == []
