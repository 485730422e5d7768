"""A seller withdraws what their delivered sales earned and an admin pays it: the seller on a phone
without JavaScript asks for the payout of the available balance; the admin, on a desktop, approves
it and marks it paid with the bank's reference; the seller sees it paid and the balance moved."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Role
from marketplace.money import format_money
from marketplace.services.ledger import settlement
from tests.e2e.support import log_in, watch_console
from tests.factories import make_user
from tests.ledger_support import after_settlement_days, delivered_order, seller_shop

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(live_app):
    with live_app.app_context():
        admin = make_user(role=Role.ADMIN, full_name="Ada Admin", email="ada.admin@example.com")
        shop = seller_shop(name="Gốm Bát Tràng")
        order = delivered_order(shop, prices=(250_00, 120_00))
        settlement.settle_due(after_settlement_days(live_app, order))
        earned = order.total - sum(item.commission for item in order.items)
        db.session.commit()
        return {"admin": admin.email, "seller": shop.owner.email, "earned": format_money(earned, "USD")}


def test_a_seller_withdraws_and_the_admin_pays(browser, live_server, world):
    seller_context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    seller = seller_context.new_page()
    seller.set_default_timeout(10_000)
    log_in(seller, world["seller"])
    seller.goto("/seller/balance")
    expect(seller.locator("[data-figure=available]")).to_have_text(world["earned"])
    seller.get_by_role("link", name=f"Withdraw {world['earned']}").click()
    expect(seller.get_by_role("heading", level=1)).to_have_text("Withdraw your available balance?")
    expect(seller.locator("main")).to_contain_text("Vietcombank")
    seller.get_by_role("button", name=f"Withdraw {world['earned']}").click()
    expect(seller).to_have_url(re.compile(r"/seller/balance$"))
    expect(seller.locator("[data-figure=available]")).to_have_text("$0.00")
    expect(seller.locator("[data-figure=in_transit]")).to_have_text(world["earned"])

    admin_context = browser.new_context(base_url=live_server, viewport=DESKTOP)
    admin = admin_context.new_page()
    admin.set_default_timeout(10_000)
    errors = watch_console(admin)
    log_in(admin, world["admin"])
    admin.goto("/admin/payouts")
    row = admin.locator("#payouts-rows tr", has_text="Gốm Bát Tràng")
    expect(row).to_contain_text(world["earned"])
    row.get_by_role("link", name="Approve").click()
    admin.get_by_role("button", name="Approve").click()
    expect(admin.locator("#flashes")).to_contain_text("Payout approved.")
    row = admin.locator("#payouts-rows tr", has_text="Gốm Bát Tràng")
    row.get_by_role("link", name="Mark paid").click()
    admin.get_by_role("button", name="Mark paid").click()  # without the bank's reference: refused
    expect(admin.locator("main")).to_contain_text("reference")
    errors.remove("Failed to load resource: the server responded with a status of 422 (UNPROCESSABLE ENTITY)")
    admin.get_by_label("Bank transfer reference").fill("VCB-20261207-0042")
    admin.get_by_role("button", name="Mark paid").click()
    expect(admin.locator("#flashes")).to_contain_text("Payout marked paid.")
    expect(admin.locator("#payouts-rows tr", has_text="Gốm Bát Tràng")).to_contain_text("VCB-20261207-0042")
    assert errors == []

    seller.goto("/seller/balance")
    expect(seller.locator("[data-figure=in_transit]")).to_have_text("$0.00")
    expect(seller.locator("[data-figure=paid_out]")).to_have_text(world["earned"])
    expect(seller.locator("main")).to_contain_text("Reference VCB-20261207-0042")
