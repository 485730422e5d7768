"""A shopper who types badly, in a real browser: suggestions that forgive a typo, driven from the
keyboard; a search showing the corrected words' results; recent searches on an empty box, cleared."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from tests.factories import make_category, make_product, make_shop

pytestmark = pytest.mark.e2e


@pytest.fixture
def hoodie_world(live_app):
    with live_app.app_context():
        shop, category = make_shop(name="Urban Threads"), make_category(name="Áo khoác", slug="ao-khoac")
        for n in range(3):
            make_product(shop=shop, category=category, title=f"Áo hoodie nỉ {n}", description="")
        make_product(shop=shop, category=category, title="Tai nghe bluetooth", description="")
        db.session.commit()


def test_a_typo_is_forgiven_and_recent_searches_come_back_until_cleared(page, hoodie_world):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/")
    box = page.get_by_role("combobox", name="Search products")
    listbox = page.locator("#nav-search-suggestions")

    # A typo still suggests the products meant; the keyboard walks the options and opens one.
    box.fill("hodi")
    expect(listbox).to_contain_text("Suggestions for “hoodie”")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    first = page.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")

    # The search itself shows the corrected words' results, and the way back to the typed ones.
    box.fill("hodie")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=hodie"))
    expect(page.get_by_test_id("spelling-notice")).to_contain_text("Showing results for hoodie.")
    expect(page.locator("#product-grid article")).to_have_count(3)
    expect(page.get_by_test_id("facet-total")).to_have_text("3 products found")

    # Back home, the empty box offers the recent searches; Enter on one searches it again.
    page.goto("/")
    box.focus()
    recent = page.get_by_role("option", name="hodie")
    expect(recent).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=hodie"))

    # Cleared, they are gone (the empty search page says so too, without JavaScript's help).
    page.goto("/")
    box.focus()
    page.get_by_role("option", name="Clear recent searches").click()
    expect(box).to_have_attribute("aria-expanded", "false")
    page.goto("/search")
    expect(page.get_by_test_id("recent-searches")).to_have_count(0)
    assert errors == []
