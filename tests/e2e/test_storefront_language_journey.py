"""A shopper whose browser speaks no language of the shop gets the marketplace's default, Vietnamese:
search, add to the cart, find it in "Giỏ hàng"; then the footer's switcher turns the shop English,
without leaving the page."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from tests.e2e.support import watch_console
from tests.factories import make_product, make_shop

pytestmark = pytest.mark.e2e


@pytest.fixture
def vietnamese_by_default(live_app):
    babel = live_app.extensions["babel"]
    saved = live_app.config["DEFAULT_LOCALE"], babel.default_locale
    live_app.config["DEFAULT_LOCALE"] = babel.default_locale = "vi"
    yield
    live_app.config["DEFAULT_LOCALE"], babel.default_locale = saved


@pytest.fixture
def tea_shop(live_app):
    with live_app.app_context():
        shop = make_shop(name="Trà Thái Nguyên")
        make_product(shop=shop, title="Trà móc câu", variants=[{"price": 1200, "stock": 8, "name": ""}])
        db.session.commit()


def test_search_add_to_cart_in_vietnamese_then_switch_to_english(browser, live_server, tea_shop, vietnamese_by_default):
    context = browser.new_context(base_url=live_server, locale="ja-JP", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = watch_console(page)
    try:
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        search = page.get_by_placeholder("Tìm sản phẩm và shop")
        search.fill("tra moc cau")  # without accents
        # the suggestions answer first: Enter while their request is out cancels it, which htmx logs as an error
        expect(page.locator("#nav-search-suggestions")).to_contain_text("Trà móc câu")
        search.press("Enter")
        page.get_by_role("link", name="Trà móc câu").first.click()
        page.get_by_role("button", name="Thêm vào giỏ hàng").first.click()
        expect(page.get_by_role("status").filter(has_text="Đã thêm vào giỏ hàng.")).to_be_visible()
        page.get_by_role("link", name="Xem giỏ hàng").click()
        expect(page.locator("main h1")).to_have_text("Giỏ hàng")
        expect(page.locator("#cart-content")).to_contain_text("Trà móc câu")

        page.locator("footer").get_by_role("button", name="English").click()
        expect(page).to_have_url(re.compile(r"/cart$"))
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("main h1")).to_have_text("Your cart")
        expect(page.locator("footer").get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
        assert errors == []
    finally:
        context.close()
