"""A shopper in a real browser: browse a category, filter, load more, search without accents,
open a product and switch variants (price and stock change without a reload)."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from tests.factories import make_category, make_product, make_shop

pytestmark = pytest.mark.e2e

TITLE = "Áo thun cotton basic"


@pytest.fixture
def catalog_world(live_app):
    with live_app.app_context():
        fashion = make_category(name="Thời trang", slug="thoi-trang")
        tees = make_category(parent=make_category(parent=fashion, name="Áo", slug="ao"), name="Áo thun", slug="ao-thun")
        shop = make_shop(name="Tiệm của Bình")
        start = datetime(2026, 1, 1, tzinfo=timezone.utc)
        for n in range(30):  # $5.00, $6.00, ... $34.00: two pages, newest first
            product = make_product(shop=shop, category=tees, title=f"Áo mẫu {n:02d}", description="",
                                   variants=[{"price": 500 + n * 100, "stock": 0 if n % 10 == 3 else 5}])
            product.created_at = start + timedelta(hours=n)
        star = make_product(shop=shop, category=tees, title=TITLE, description="Vải cotton 100%.", variants=[
            {"price": 1500, "stock": 3, "name": "Đỏ / M", "options": {"Màu": "Đỏ", "Size": "M"}},
            {"price": 1900, "stock": 12, "name": "Xanh / L", "options": {"Màu": "Xanh", "Size": "L"}},
        ])
        star.created_at = start - timedelta(days=1)
        db.session.commit()
        return {"star": star.id}


def test_browse_filter_load_more_search_and_switch_variants(page, catalog_world):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    cards = page.locator("#product-grid article")

    # Browse: home -> top category (its subcategories' products included), newest first.
    page.goto("/")
    page.get_by_role("link", name="Thời trang", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Thời trang")
    expect(cards).to_have_count(24)
    expect(cards.first).to_contain_text("Áo mẫu 29")

    # Filter with htmx: sort and a minimum price re-render only the results and update the URL.
    page.evaluate("window.__samePage = true")
    page.get_by_label("Sort by").select_option("price_asc")
    expect(page).to_have_url(re.compile(r"sort=price_asc"))
    expect(cards.first).to_contain_text("Áo mẫu 00")
    page.get_by_label("Min price").fill("10")
    page.get_by_label("Min price").press("Enter")
    expect(page).to_have_url(re.compile(r"min_price=10"))
    expect(cards.first).to_contain_text("Áo mẫu 05")  # $10.00
    expect(cards).to_have_count(24)  # $10 and up: 25 samples + the $15 star = 26, one page of 24 first
    # Load more appends the rest in place.
    page.get_by_role("link", name="Load more").click()
    expect(cards).to_have_count(26)
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    titles = cards.locator("h3").all_inner_texts()
    assert len(set(titles)) == 26 and titles[-1] == "Áo mẫu 29"
    page.get_by_label("In stock only").check()
    expect(page).to_have_url(re.compile(r"in_stock=y"))
    expect(cards).to_have_count(24)  # "Áo mẫu 13" and "Áo mẫu 23" are sold out
    expect(page.locator("#product-grid")).not_to_contain_text("Áo mẫu 13")
    assert page.evaluate("window.__samePage") is True  # all of it without a page load

    # Search without accents from the header, with suggestions on the way.
    search_box = page.get_by_role("combobox", name="Search products")
    search_box.fill("ao thun cot")
    option = page.get_by_role("option", name=TITLE)
    expect(option).to_be_visible()
    expect(search_box).to_have_attribute("aria-expanded", "true")
    search_box.fill("ao thun cotton")
    search_box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=ao\+thun\+cotton"))
    expect(cards.first).to_contain_text(TITLE)
    page.locator("main").get_by_role("link", name=TITLE, exact=True).click()

    # The product page: the first variant in stock is shown; switching updates price and stock in place.
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.get_by_label("Breadcrumb")).to_contain_text("Áo thun")
    price, stock = page.locator("[data-testid=variant-price]"), page.locator("[data-testid=variant-stock]")
    expect(price).to_have_text("$15.00")
    expect(stock).to_contain_text("Only 3 left")
    page.evaluate("window.__samePage = true")
    page.locator("#variant-picker label", has_text="Xanh / L").click()
    expect(price).to_have_text("$19.00")
    expect(stock).to_contain_text("In stock: 12")
    expect(page).to_have_url(re.compile(r"variant="))
    page.locator("#variant-picker label", has_text="Đỏ / M").click()
    expect(price).to_have_text("$15.00")
    assert page.evaluate("window.__samePage") is True

    assert errors == []
