"""An admin's day in a real browser: approve a shop, hide a product, suspend a logged-in user, read the log."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Role, ShopStatus
from tests.e2e.support import log_in
from tests.factories import make_category, make_product, make_shop, make_user

pytestmark = pytest.mark.e2e

TITLE = "Đèn bàn gỗ sồi"
SEARCH = "/search?q=den+ban+go&sort=relevance"  # typed without accents, as people do


@pytest.fixture
def world(live_app):
    with live_app.app_context():
        admin = make_user(role=Role.ADMIN, full_name="Ada Admin", email="ada.admin@example.com")
        buyer = make_user(full_name="Bảo Buyer", email="bao.buyer@example.com")
        pending = make_shop(name="Tiệm Mới Mở", status=ShopStatus.PENDING)
        product = make_product(shop=make_shop(name="Gỗ Việt"), category=make_category(name="Nhà cửa"), title=TITLE)
        db.session.commit()
        return {"admin": admin.email, "buyer": buyer.email, "shop_id": str(pending.id),
                "product_id": str(product.id)}


def test_admin_approves_hides_suspends_and_finds_it_all_in_the_audit_log(page, new_page, world):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # The buyer is logged in in their own browser and can find the product.
    buyer = new_page()
    log_in(buyer, world["buyer"])
    buyer.goto(SEARCH)
    expect(buyer.locator("main")).to_contain_text(TITLE)

    log_in(page, world["admin"])
    page.goto("/admin/")
    expect(page.locator("#sales-chart")).to_be_visible()
    expect(page.locator("#sales-chart")).to_have_attribute("data-drawn", "true")  # Chart.js ran under the CSP

    # 1. Approve the pending shop from the queue the dashboard links to, through its confirm dialog.
    page.get_by_role("link", name=re.compile("Shops waiting for approval")).click()
    row = page.locator(f"#shop-{world['shop_id']}")
    row.get_by_role("button", name="Approve").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Approve “Tiệm Mới Mở”?")
    dialog.get_by_role("button", name="Approve the shop").click()
    expect(dialog).to_be_hidden()
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("approved")

    # 2. Hide the product with a reason: it vanishes from search at once.
    page.goto("/admin/products?q=" + TITLE)
    row = page.locator(f"#product-{world['product_id']}")
    row.get_by_role("button", name="Hide").click()
    page.get_by_role("dialog").get_by_label("Reason to hide").fill("Listing copies another shop's photos")
    page.get_by_role("dialog").get_by_role("button", name="Hide the product").click()
    expect(row).to_contain_text("Hidden")
    buyer.goto(SEARCH)
    expect(buyer.locator("main")).not_to_contain_text(TITLE)

    # 3. Suspend the buyer while their browser is open: their next page load is logged out.
    page.goto("/admin/users")
    page.get_by_label("Search users").fill(world["buyer"])
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Bảo Buyer").click()
    page.get_by_role("button", name="Suspend").click()
    page.get_by_role("dialog").get_by_label("Reason").fill("Chargeback fraud")
    page.get_by_role("dialog").get_by_role("button", name="Suspend the account").click()
    expect(page.locator("#user-status")).to_contain_text("Suspended")
    expect(page.locator("#user-status")).to_contain_text("logged out everywhere")
    buyer.goto("/orders")
    expect(buyer).to_have_url(re.compile(r"/account/login"))

    # 4. All three actions are in the audit log, newest first.
    page.goto("/admin/audit")
    actions = page.locator("#audit-rows tr[data-action]").evaluate_all("rows => rows.map(r => r.dataset.action)")
    assert actions[:3] == ["user.suspend", "product.hide", "shop.approve"]
    page.get_by_label("Action").select_option("product.hide")
    expect(page.locator("#audit-rows tr[data-action]")).to_have_count(1)
    expect(page.locator("#audit-rows")).to_contain_text("Listing copies another shop's photos")

    assert errors == []
