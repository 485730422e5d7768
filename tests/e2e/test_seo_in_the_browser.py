"""What a crawler and a chat app read, in a real Chromium under the site's CSP: the product page's JSON-LD
parses to the product the page shows (a title that tries to close the script element included), its
share tags are there, and the page raises no console error or CSP violation."""
import json

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from tests.e2e.support import watch_console
from tests.factories import make_category, make_product, make_shop

pytestmark = pytest.mark.e2e

TITLE = 'Ấm trà </script><script>document.title="pwned"</script>'


def test_a_product_pages_structured_data_in_the_browser(page, live_app):
    with live_app.app_context():
        product = make_product(shop=make_shop(name="Trà Thái Nguyên"), category=make_category(name="Trà", slug="tra"),
                               title=TITLE, variants=[{"price": 12_345, "stock": 4}])
        db.session.commit()
        product_id = product.id
    errors = watch_console(page)
    page.goto(f"/p/{product_id}?lang=vi")
    expect(page.locator("h1")).to_have_text(TITLE)
    assert page.title().startswith(TITLE)  # no injected script ran
    blocks = page.locator('script[type="application/ld+json"]').all_text_contents()
    product_data = next(data for data in map(json.loads, blocks) if data["@type"] == "Product")
    assert product_data["name"] == TITLE
    assert product_data["offers"]["price"] == "123.45" and product_data["offers"]["availability"].endswith("InStock")
    assert page.locator('meta[property="og:title"]').get_attribute("content").startswith(TITLE)
    assert page.locator('link[rel="alternate"][hreflang="en"]').get_attribute("href").endswith("?lang=en")
    assert errors == []
