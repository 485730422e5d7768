"""Browser journeys of the cart and checkout: (a) a guest cart from two shops merges at login,
a voucher is refused then applied, and two orders are placed; (b) the last unit goes to
another browser first and checkout names the line and why, placing nothing."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Order, ProductVariant, User, VoucherKind
from marketplace.services.cart import cart
from tests.factories import PASSWORD, make_address, make_product, make_shop, make_user, make_voucher

pytestmark = pytest.mark.e2e


def _watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def _log_in(page, login: str) -> None:
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _orders_of(live_app, email: str) -> list[Order]:
    with live_app.app_context():
        buyer = db.session.scalar(select(User).where(User.email == email))
        orders = db.session.scalars(select(Order).where(Order.buyer_id == buyer.id)).all()
        db.session.remove()
        return orders


def test_guest_cart_merges_at_login_and_checks_out_two_shops(page, live_app):
    with live_app.app_context():
        buyer = make_user(email="an.nguyen@example.com", full_name="Nguyễn Văn An")
        make_address(buyer, is_default=True, line1="12 Lê Lợi")
        lamp_shop, tea_shop = make_shop(name="Đèn Hội An"), make_shop(name="Trà Thái Nguyên")
        lamp = make_product(shop=lamp_shop, title="Đèn lồng lụa", variants=[{"stock": 3, "price": 1500}])
        tea = make_product(shop=tea_shop, title="Trà xanh", variants=[{"stock": 20, "price": 800}])
        make_voucher(lamp_shop, code="LANTERN20", kind=VoucherKind.PERCENT, value=20)
        make_voucher(tea_shop, code="TEA5", kind=VoucherKind.FIXED, value=500)
        cart.add_item(buyer, lamp.variants[0].id, 2)  # already in the account cart from another day
        ids = {"lamp": lamp.id, "tea": tea.id, "lamp_variant": lamp.variants[0].id, "lamp_shop": lamp_shop.id}
        db.session.commit()
    errors = _watch_console(page)

    # A guest adds from two shops; the badge follows without a reload.
    page.goto(f"/p/{ids['lamp']}")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_text("Added to your cart.")).to_be_visible()
    expect(page.locator("#nav-cart-badge")).to_have_attribute("data-count", "2")  # items: the 2 lanterns
    page.goto(f"/p/{ids['tea']}")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#nav-cart-badge")).to_have_attribute("data-count", "3")

    # On the cart page a quantity change updates the line, the shop subtotal and the totals in place.
    page.goto("/cart")
    tea_line = page.locator("li[id^=cart-line-]", has_text="Trà xanh")
    tea_line.get_by_label("Quantity of Trà xanh").fill("3")
    tea_line.get_by_label("Quantity of Trà xanh").press("Tab")
    expect(page.locator("li[id^=cart-line-]", has_text="Trà xanh")).to_contain_text("$24.00")
    expect(page.locator("#cart-subtotal")).to_contain_text("$54.00")

    # Logging in merges: 2 + 2 lanterns capped at the 3 in stock, and the buyer is told.
    page.get_by_role("link", name="Check out").click()
    expect(page).to_have_url(re.compile("/account/login"))
    _log_in(page, "an.nguyen@example.com")
    expect(page).to_have_url(re.compile("/checkout$"))
    expect(page.locator("#flashes")).to_contain_text("Only 3 of Đèn lồng lụa (Variant 1) available")
    lamp_section = page.locator("section", has=page.get_by_role("heading", name="Đèn Hội An"))
    expect(lamp_section).to_contain_text("× 3")

    # A voucher of the other shop is refused with the reason, then the right one applies.
    lamp_section.get_by_label("Shop voucher").fill("TEA5")
    lamp_section.get_by_role("button", name="Apply").click()
    expect(lamp_section.locator("[data-voucher-error]")).to_have_text("TEA5 is not a voucher of this shop.")
    lamp_section = page.locator("section", has=page.get_by_role("heading", name="Đèn Hội An"))
    lamp_section.get_by_label("Shop voucher").fill("lantern20")
    lamp_section.get_by_label("Shop voucher").press("Enter")  # applies, does not place the order
    expect(lamp_section.locator("[data-voucher-applied]")).to_contain_text("LANTERN20 applied: −$9.00")
    fee = live_app.config["SHIPPING_FEE"]
    expect(page.locator("#checkout-grand-total")).to_have_text(f"${(4500 - 900 + 2400 + 2 * fee) / 100:.2f}")

    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile("/checkout/done/"))
    expect(page.locator("#placed-orders [data-order-number]")).to_have_count(2)
    expect(page.locator("#placed-orders")).to_contain_text("voucher LANTERN20")
    expect(page.locator("#nav-cart-badge")).to_have_attribute("data-count", "0")

    orders = _orders_of(live_app, "an.nguyen@example.com")
    assert sorted((o.subtotal, o.discount) for o in orders) == [(2400, 0), (4500, 900)]
    with live_app.app_context():
        assert db.session.get(ProductVariant, ids["lamp_variant"]).stock == 0
    assert errors == []


def test_the_last_unit_goes_to_another_browser_first(page, new_page, live_app):
    with live_app.app_context():
        shop = make_shop(name="Gốm Bát Tràng")
        vase = make_product(shop=shop, title="Bình gốm men lam", variants=[{"stock": 1, "price": 9900}])
        cup = make_product(shop=shop, title="Chén trà", variants=[{"stock": 10, "price": 500}])
        for email in ("slow@example.com", "fast@example.com"):
            buyer = make_user(email=email)
            make_address(buyer, is_default=True)
            cart.add_item(buyer, vase.variants[0].id, 1)
            cart.add_item(buyer, cup.variants[0].id, 2)
        vase_variant = vase.variants[0].id
        db.session.commit()

    # The slow buyer opens checkout; meanwhile the fast buyer, in another browser, buys the vase.
    page.goto("/account/login?next=/checkout")
    _log_in(page, "slow@example.com")
    expect(page).to_have_url(re.compile("/checkout$"))
    other = new_page()
    other.goto("/account/login?next=/checkout")
    _log_in(other, "fast@example.com")
    other.get_by_role("button", name="Place order").click()
    expect(other.locator("#placed-orders [data-order-number]")).to_have_count(1)

    page.get_by_role("button", name="Place order").click()
    error = page.locator("#checkout-error")
    expect(error).to_have_text("Bình gốm men lam (Variant 1) is sold out: remove it from your cart.")
    expect(page.locator("li[data-error=true]")).to_contain_text("Bình gốm men lam")
    assert _orders_of(live_app, "slow@example.com") == []
    with live_app.app_context():
        assert db.session.get(ProductVariant, vase_variant).stock == 0
        assert db.session.scalar(select(func.sum(ProductVariant.stock))) == 8  # only the fast buyer's 2 cups

    # Unticking the vase, the slow buyer still gets the cups.
    page.locator("li[data-error=true]").get_by_role("checkbox").uncheck()
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("#placed-orders [data-order-number]")).to_have_count(1)
    assert [o.subtotal for o in _orders_of(live_app, "slow@example.com")] == [1000]
