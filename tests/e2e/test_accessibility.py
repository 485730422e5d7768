"""axe-core on the pages people use, on a phone and a desktop: no serious or critical violation.

Pages covered (PAGES below): home, category, search, product, cart, checkout, the orders and an order, login
(also as a heart sends a visitor there: "Log in to save products for later."),
register, the seller dashboard, the seller's product form, the seller's balance and statements, the
admin dashboard, the admin's payouts, commission and trial balance pages, the 404 page, an unpaid
online checkout's page (its payment box: "Pay now", the time left, "Cancel the orders"), and the
returns pages (the buyer's form, list and return; the seller's list and return, and the order with its
returns; the admin's queues).
"""
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from marketplace.extensions import db
from marketplace.models import CheckoutPayment, OrderStatus, Role
from marketplace.models.base import utcnow
from marketplace.services.returns import returns
from tests.factories import PASSWORD, make_address, make_category, make_order, make_product, make_shop, make_user

pytestmark = pytest.mark.e2e

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
SERIOUS = {"serious", "critical"}


def _world(live_app) -> dict:
    from marketplace.services.cart import cart

    with live_app.app_context():
        category = make_category(name="Áo thun", slug="ao-thun")
        seller = make_user(role=Role.SELLER, full_name="Trần Bình")
        shop = make_shop(owner=seller, name="Tiệm của Bình")
        products = [make_product(shop=shop, category=category, title=f"Áo thun {n}",
                                 variants=[{"price": 150_00, "stock": 9, "name": "Đen / M"},
                                           {"price": 160_00, "stock": 0, "name": "Trắng / L"}]) for n in range(3)]
        buyer = make_user(full_name="Lê Mai")
        make_address(buyer, is_default=True)
        order = make_order(buyer=buyer, product=products[1], status=OrderStatus.SHIPPING)
        unpaid = make_order(buyer=buyer, product=products[2], status=OrderStatus.AWAITING_PAYMENT)
        db.session.add(CheckoutPayment(buyer_id=buyer.id, checkout_id=unpaid.checkout_id, provider="sandbox",
                                       status="PENDING", amount=unpaid.total, currency=unpaid.currency,
                                       hold_until=utcnow() + timedelta(minutes=15), attempt=1,
                                       provider_reference="sbx_axe"))
        cart.add_item(buyer, products[0].variants[0].id, 2)
        admin = make_user(role=Role.ADMIN, full_name="Ada Admin")
        delivered = make_order(buyer=buyer, product=products[2], quantity=2, status=OrderStatus.DELIVERED,
                               delivered_at=utcnow())
        returned = returns.request_return(buyer, delivered.id, {delivered.items[0].id: 1}, "DAMAGED", "Vỡ")
        db.session.commit()
        return {"product": f"/p/{products[0].id}", "order": f"/orders/{order.id}",
                "unpaid": f"/checkout/done/{unpaid.checkout_id}",
                "buyer": buyer.email, "seller": seller.email, "admin": admin.email,
                "return_form": f"/orders/{delivered.id}/return", "return": returned.id,
                "seller_order": f"/seller/orders/{delivered.id}"}


def _log_in(page, login: str) -> None:
    page.goto("/account/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _serious(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:3]}"
            for v in violations if v["impact"] in SERIOUS]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_pages_pass_axe(browser, live_server, live_app, viewport):
    world = _world(live_app)
    pages = {
        None: ["/", "/c/ao-thun", "/search?q=ao+thun", world["product"], "/account/login",
               "/account/login?next=/c/ao-thun&why=save", "/account/register",
               "/no-such-page"],
        world["buyer"]: ["/cart", "/checkout", "/orders", world["order"], world["unpaid"], world["return_form"], "/returns",
                         f"/returns/{world['return']}"],
        world["seller"]: ["/seller/", "/seller/products/new", "/seller/balance", "/seller/statements", "/seller/returns",
                          f"/seller/returns/{world['return']}", world["seller_order"]],
        world["admin"]: ["/admin/", "/admin/payouts", "/admin/commission", "/admin/ledger", "/admin/returns",
                         f"/admin/returns/{world['return']}", "/admin/refunds"],
    }
    found = {}
    for who, paths in pages.items():
        context = browser.new_context(base_url=live_server, viewport=VIEWPORTS[viewport])
        context.set_default_timeout(10_000)
        page = context.new_page()
        if who:
            _log_in(page, who)
        for path in paths:
            page.goto(path)
            problems = _serious(page)
            if problems:
                found[path] = problems
        context.close()
    assert found == {}
