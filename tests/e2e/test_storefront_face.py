"""The storefront on a phone and a desktop, with and without JavaScript: the header always offers search
and the cart, the menu and the filters open without a script, and Back after "Load more" returns to
every item loaded, where the shopper was."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models.base import utcnow
from tests.factories import PASSWORD, make_category, make_product, make_shop, make_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _catalog(live_app, products: int = 3) -> dict:
    with live_app.app_context():
        category = make_category(name="Áo thun", slug="ao-thun")
        shop = make_shop(name="Tiệm Áo Đẹp")
        now = utcnow()
        for n in range(products):
            product = make_product(shop=shop, category=category, title=f"Áo thun số {n:02d}",
                                   variants=[{"price": 100_00 + n, "stock": 20}])
            product.created_at = now - timedelta(minutes=n)
        buyer = make_user(full_name="Vũ Thị Hoa")
        db.session.commit()
        return {"buyer": buyer.email}


def _context(browser, live_server, viewport, javascript=True):
    context = browser.new_context(base_url=live_server, viewport=viewport, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    return context


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_phone_header_always_has_search_and_the_cart_and_the_menu_opens(browser, live_server, live_app, javascript):
    data = _catalog(live_app)
    context = _context(browser, live_server, PHONE, javascript)
    page = context.new_page()
    page.goto("/")
    header = page.get_by_role("banner")
    expect(header.get_by_role("combobox", name="Search products")).to_be_visible()
    expect(header.locator("#nav-cart")).to_be_visible()
    expect(header.get_by_role("link", name="Log in")).to_be_hidden()  # folded into the menu on a phone

    # search from the header, open a product, add it to the cart: the header count says so
    header.get_by_role("combobox", name="Search products").fill("ao thun")
    header.get_by_role("combobox", name="Search products").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=ao"))
    page.get_by_role("link", name="Áo thun số 00", exact=True).click()
    page.get_by_test_id("buy-bar").get_by_role("button", name="Add to cart").click()  # the bar that stays on screen
    expect(page.locator("#nav-cart-badge")).to_have_text(re.compile(r"^1"))
    expect(page.locator("#nav-cart-badge")).to_be_visible()
    page.locator("#nav-cart").click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.get_by_text("Áo thun số 00").first).to_be_visible()

    # the menu is a <details>: it opens with or without a script and leads to logging in
    page.get_by_role("banner").locator("summary[aria-label='Menu']").click()
    page.get_by_role("banner").get_by_role("link", name="Log in").click()
    page.fill("#login", data["buyer"])
    page.fill("#password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.get_by_role("banner").locator("summary[aria-label='Menu']").click()
    menu = page.get_by_role("banner").get_by_role("navigation", name="Menu")
    expect(menu).to_contain_text("Vũ Thị Hoa")
    menu.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_filters_fold_away_and_open(browser, live_server, live_app, javascript):
    _catalog(live_app)
    context = _context(browser, live_server, PHONE, javascript)
    page = context.new_page()
    page.goto("/c/ao-thun")
    price = page.get_by_label("Min price")
    expect(price).to_be_hidden()  # the products come first
    page.get_by_text("Filters and sorting").click()
    expect(price).to_be_visible()
    page.get_by_label("Sort by").select_option(label="Price: high to low")
    if not javascript:
        page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"sort=price_desc"))
    expect(page.locator("#product-grid article").first).to_contain_text("Áo thun số 02")
    context.close()


def test_desktop_filters_are_a_sidebar(browser, live_server, live_app):
    _catalog(live_app)
    context = _context(browser, live_server, DESKTOP)
    page = context.new_page()
    page.goto("/c/ao-thun")
    expect(page.get_by_label("Min price")).to_be_visible()
    context.close()


def test_back_after_load_more_keeps_every_item_and_the_place(browser, live_server, live_app):
    _catalog(live_app, products=60)
    context = _context(browser, live_server, DESKTOP)
    page = context.new_page()
    page.goto("/c/ao-thun")
    cards = page.locator("#product-grid article")
    expect(cards).to_have_count(24)
    more = page.get_by_role("link", name="Load more")
    box, grid = more.bounding_box(), page.locator("#product-grid").bounding_box()
    assert abs((box["x"] + box["width"] / 2) - (grid["x"] + grid["width"] / 2)) < 4  # centred under the grid
    more.click()
    expect(cards).to_have_count(48)
    expect(page).to_have_url(re.compile(r"/c/ao-thun\?pages=2$"))
    target = page.get_by_role("link", name="Áo thun số 40", exact=True)
    target.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 1000
    target.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Áo thun số 40")
    page.go_back()
    expect(cards).to_have_count(48)
    expect(page.get_by_role("link", name="Áo thun số 40", exact=True)).to_be_in_viewport()
    assert abs(page.evaluate("window.scrollY") - scrolled) < 200
    context.close()


def test_load_more_without_javascript_is_the_next_page(browser, live_server, live_app):
    _catalog(live_app, products=30)
    context = _context(browser, live_server, PHONE, javascript=False)
    page = context.new_page()
    page.goto("/c/ao-thun")
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("#product-grid article")).to_have_count(6)
    expect(page.locator("#product-grid article").first).to_contain_text("Áo thun số 24")
    context.close()


def test_the_404_page_offers_search_and_home(browser, live_server, live_app):
    _catalog(live_app)
    context = _context(browser, live_server, PHONE)
    page = context.new_page()
    response = page.goto("/nothing/here")
    assert response.status == 404
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="We couldn't find that page")).to_be_visible()
    main.get_by_role("searchbox").fill("áo")
    main.get_by_role("button", name="Search").click()
    expect(page.locator("#product-grid article")).to_have_count(3)
    context.close()


def test_a_keyboard_alone_finds_a_product_and_adds_it_to_the_cart(browser, live_server, live_app):
    _catalog(live_app)
    context = _context(browser, live_server, DESKTOP)
    page = context.new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # shown when focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))

    page.goto("/")
    search = page.get_by_role("combobox", name="Search products")
    for _ in range(6):  # skip link, brand, then the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "nav-search-input":
            break
    expect(search).to_be_focused()
    page.keyboard.type("ao thun so 01")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    link = page.get_by_role("link", name="Áo thun số 01", exact=True)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Áo thun số 01":
            break
    expect(link).to_be_focused()
    # a focused card shows it: the ring drawn around the whole card
    assert page.evaluate("getComputedStyle(document.activeElement.closest('.product-card')).boxShadow") != "none"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Áo thun số 01")
    add = page.locator("#variant-panel form.add-to-cart").get_by_role("button", name="Add to cart")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Add to cart":
            break
    expect(add).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#nav-cart-badge")).to_have_text(re.compile(r"^1"))
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_phone_buy_bar_buys_now(browser, live_server, live_app, javascript):
    data = _catalog(live_app)
    context = _context(browser, live_server, PHONE, javascript)
    page = context.new_page()
    page.goto("/account/login")
    page.fill("#login", data["buyer"])
    page.fill("#password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.goto("/search?q=ao+thun")
    page.get_by_role("link", name="Áo thun số 01", exact=True).click()
    page.get_by_test_id("buy-bar").get_by_role("button", name="Buy now").click()
    expect(page).to_have_url(re.compile(r"/checkout"))
    expect(page.get_by_role("main")).to_contain_text("Áo thun số 01")
    expect(page.locator("#nav-cart-badge")).to_be_hidden()  # the cart is left as it was: empty
    context.close()
