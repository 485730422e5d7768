"""A shopper keeps products and shops for later: the heart on a card with JavaScript (pressed in place,
no reload) and without (a plain form post), both on "Saved"; Follow on a shop page, the shop on
"Followed shops"."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from tests.e2e.support import log_in, watch_console
from tests.factories import make_category, make_product, make_shop, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def saved_world(live_app):
    with live_app.app_context():
        kettles = make_category(name="Ấm đun", slug="am-dun")
        shop = make_shop(name="Tiệm Trà Sen")
        for title in ("Ấm sứ trắng", "Ấm gang đen", "Ấm thủy tinh"):
            make_product(shop=shop, category=kettles, title=title)
        buyer = make_user(full_name="Lan Buyer")
        db.session.commit()
        return {"buyer": buyer.email, "shop_slug": shop.slug}


def assert_accessible(page, selector: str) -> None:
    """axe finds nothing wrong in the parts of the page this feature adds."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"include": [[selector]]})
    assert results.violations_count == 0, results.generate_report()


def heart(page, title: str):
    return page.get_by_role("button", name=re.compile(rf"^(Save {title}|Remove {title} from saved)$"))


def test_save_from_cards_with_and_without_javascript_then_follow_a_shop(page, browser, live_server, saved_world):
    errors = watch_console(page)
    log_in(page, saved_world["buyer"])

    # With JavaScript: the heart on a card turns pressed in place, without a page load.
    page.goto("/c/am-dun")
    page.evaluate("window.__samePage = true")
    white = heart(page, "Ấm sứ trắng")
    expect(white).to_have_attribute("aria-pressed", "false")
    white.click()
    pressed = page.get_by_role("button", name="Remove Ấm sứ trắng from saved")
    expect(pressed).to_have_attribute("aria-pressed", "true")
    expect(pressed).to_be_focused()  # htmx puts the focus back on the swapped button
    assert page.evaluate("window.__samePage") is True
    assert_accessible(page, ".heart-form")

    # Without JavaScript: the same heart is a plain form post that comes back to the listing.
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        no_js = context.new_page()
        log_in(no_js, saved_world["buyer"])
        no_js.goto("/c/am-dun")
        heart(no_js, "Ấm gang đen").click()
        expect(no_js).to_have_url(re.compile(r"/c/am-dun$"))
        expect(no_js.get_by_role("button", name="Remove Ấm gang đen from saved")).to_have_attribute(
            "aria-pressed", "true")
        expect(no_js.get_by_role("alert").filter(has_text="Saved “Ấm gang đen”")).to_be_visible()
    finally:
        context.close()

    # Both on "Saved", reached from the user menu.
    page.locator("#user-menu").click()
    page.get_by_role("link", name="Saved", exact=True).click()
    expect(page.locator("h1")).to_have_text("Saved")
    grid = page.locator("#saved-items")
    expect(grid.locator("article")).to_have_count(2)
    expect(grid).to_contain_text("Ấm sứ trắng")
    expect(grid).to_contain_text("Ấm gang đen")
    expect(grid).not_to_contain_text("Ấm thủy tinh")
    assert_accessible(page, "main")

    # Follow the shop from its page; it shows on "Followed shops".
    page.goto(f"/s/{saved_world['shop_slug']}")
    follow = page.get_by_role("button", name="Follow Tiệm Trà Sen")
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(page.get_by_role("button", name="Following Tiệm Trà Sen")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("followers")).to_have_text("1 follower")
    page.reload()  # it holds; and axe reads the colours after Bootstrap's transition, not during it
    expect(page.get_by_role("button", name="Following Tiệm Trà Sen")).to_have_attribute("aria-pressed", "true")
    assert_accessible(page, ".follow-form")
    page.locator("#user-menu").click()
    page.get_by_role("link", name="Followed shops").click()
    expect(page.locator("h1")).to_have_text("Followed shops")
    shop = page.get_by_test_id("followed-shop")
    expect(shop).to_have_count(1)
    expect(shop).to_contain_text("Tiệm Trà Sen")
    expect(shop).to_contain_text("3 products")
    assert_accessible(page, "main")
    assert errors == []
