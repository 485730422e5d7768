"""Storefront pages through the client: home, category, search, suggestions, product, shop."""
import re

import pytest

from marketplace.extensions import db
from marketplace.models import ProductStatus, ShopStatus
from marketplace.services.catalog import storefront_cache
from tests.catalog_support import add_image, htmx, make_tree, product_at
from tests.factories import login, make_category, make_product, make_shop


def html_of(response) -> str:
    return response.get_data(as_text=True)


def card_titles(html: str) -> list[str]:
    return re.findall(r'class="product-card-title"><a href="[^"]*">([^<]+)</a>', html)


def next_link(html: str) -> str | None:
    match = re.search(r'id="load-more">\s*<a [^>]*href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_home_shows_top_categories_best_sellers_and_new_arrivals(client):
    t = make_tree()
    product_at(1, title="Old bestseller", sold=900, category=t["tees"])
    product_at(9, title="Brand new", sold=0, category=t["tees"])
    make_product(title="Hidden thing", status=ProductStatus.HIDDEN)
    html = html_of(client.get("/"))
    assert 'href="/c/thoi-trang"' in html and 'href="/c/ao-thun"' not in html
    assert 'href="/c/dien-tu"' not in html  # nothing to buy in it yet: hidden (test_empty_categories.py)
    best = html[html.index('id="best-sellers-heading"'):html.index('id="new-arrivals-heading"')]
    newest = html[html.index('id="new-arrivals-heading"'):]
    assert card_titles(best)[0] == "Old bestseller" and card_titles(newest)[0] == "Brand new"
    assert "Hidden thing" not in html


def test_category_page_lists_descendants_with_breadcrumbs_and_subcategories(client):
    t = make_tree()
    product_at(1, title="Áo thun trắng", category=t["tees"])
    product_at(2, title="Điện thoại X", category=t["electronics"])
    html = html_of(client.get("/c/ao"))
    assert card_titles(html) == ["Áo thun trắng"]
    assert 'aria-label="Breadcrumb"' in html and 'href="/c/thoi-trang">Thời trang</a>' in html
    assert 'href="/c/ao-thun"' in html  # subcategory chip
    assert client.get("/c/no-such-category").status_code == 404


def test_category_filters_and_sorts_as_a_plain_get_form(client):
    category = make_category(slug="tra")
    product_at(1, title="Cheap", price=500, rating="4.5", category=category)
    product_at(2, title="Middle", price=1500, rating="3.0", category=category)
    product_at(3, title="Dear", price=5000, rating="4.9", stock=0, category=category)
    titles = lambda qs: card_titles(html_of(client.get(f"/c/tra?{qs}")))  # noqa: E731
    assert titles("sort=price_asc") == ["Cheap", "Middle", "Dear"]
    assert titles("sort=price_desc") == ["Dear", "Middle", "Cheap"]
    assert titles("sort=top_rated") == ["Dear", "Cheap", "Middle"]
    assert titles("min_price=10&max_price=20") == ["Middle"]  # typed in dollars, stored in cents
    assert titles("min_rating=4&in_stock=y&sort=price_asc") == ["Cheap"]
    page = html_of(client.get("/c/tra?min_price=10"))
    assert 'name="min_price"' in page and 'value="10"' in page  # the form keeps what was chosen


def test_invalid_filters_are_shown_next_to_the_field_with_422(client):
    make_category(slug="tra")
    response = client.get("/c/tra?min_price=abc&max_price=1")
    html = html_of(response)
    assert response.status_code == 422
    assert 'id="min_price-error"' in html and "Some filters need fixing" in html
    response = client.get("/c/tra?min_price=20&max_price=10", headers=htmx("results"))
    assert response.status_code == 422 and "at least the min price" in html_of(response)
    assert "<html" not in html_of(response)


def test_filter_change_with_htmx_returns_only_the_results(client):
    category = make_category(slug="tra")
    product_at(1, title="Trà xanh", category=category)
    response = client.get("/c/tra?sort=price_asc", headers=htmx("results"))
    html = html_of(response)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and card_titles(html) == ["Trà xanh"]
    page = html_of(client.get("/c/tra"))
    assert 'hx-get="/c/tra"' in page and 'hx-target="#results"' in page and 'hx-push-url="true"' in page


def test_load_more_works_as_a_link_and_as_an_htmx_append(client):
    category = make_category(slug="ca-phe")
    for minute in range(30):
        product_at(minute, title=f"Cà phê {minute:02d}", category=category)
    first = html_of(client.get("/c/ca-phe?sort=newest"))
    assert card_titles(first) == [f"Cà phê {m:02d}" for m in range(29, 5, -1)]
    link = next_link(first)
    assert link and "sort=newest" in link and "cursor=" in link
    plain = html_of(client.get(link))  # no JavaScript: the next page as a full page
    assert "<html" in plain and card_titles(plain) == [f"Cà phê {m:02d}" for m in range(5, -1, -1)]
    fragment = client.get(link, headers=htmx("load-more"))
    body = html_of(fragment)
    assert fragment.status_code == 200 and "<html" not in body and 'id="results"' not in body
    assert card_titles(body) == [f"Cà phê {m:02d}" for m in range(5, -1, -1)]
    assert next_link(body) is None  # last page: no new button
    assert 'hx-target="#load-more"' in first and 'hx-swap="outerHTML"' in first


@pytest.mark.parametrize("cursor", ["garbage", "eyJhIjoxfQ", "WyJuZXdlc3QiLCJ4IiwieSJd"])
def test_invalid_cursor_is_a_clear_error_not_a_500(client, cursor):
    make_category(slug="tra")
    response = client.get(f"/c/tra?cursor={cursor}")
    assert response.status_code == 422 and "no longer valid" in html_of(response)


def test_nul_bytes_in_the_url_are_refused_cleanly(client):
    make_category(slug="tra")
    for url in ("/c/tra?cursor=%00", "/s/%00", "/search?q=%00", "/search/suggest?q=a%00b"):
        assert client.get(url).status_code == 400, url


def test_category_page_statement_count_does_not_grow_with_the_page(client, count_queries):
    category = make_category(slug="many")
    shops = [make_shop() for _ in range(4)]
    for minute in range(48):
        product = product_at(minute, category=category, shop=shops[minute % 4])
        add_image(product)
        add_image(product, position=1)
    client.get("/c/many?limit=12")  # warm the category tree cache
    counts = {}
    for limit in (12, 48):
        with count_queries() as queries:
            response = client.get(f"/c/many?limit={limit}&in_stock=y")
        assert response.status_code == 200 and len(card_titles(html_of(response))) == limit
        counts[limit] = len(queries)
    assert counts[12] == counts[48] <= 10


def test_category_page_statement_count_for_a_logged_in_buyer(client, count_queries):
    from tests.factories import make_user

    buyer = make_user()
    login(client, buyer)
    category = make_category(slug="many")
    for minute in range(48):
        add_image(product_at(minute, category=category))
    client.get("/c/many?limit=12")
    counts = []
    for limit in (12, 48):
        storefront_cache.clear()  # the listing itself is read each time: its statements don't grow with the page
        with count_queries() as queries:
            assert client.get(f"/c/many?limit={limit}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10, counts


@pytest.mark.parametrize("status, shop_status", [
    (ProductStatus.DRAFT, ShopStatus.ACTIVE), (ProductStatus.HIDDEN, ShopStatus.ACTIVE),
    (ProductStatus.DELETED, ShopStatus.ACTIVE), (ProductStatus.ACTIVE, ShopStatus.SUSPENDED),
])
def test_invisible_products_are_absent_everywhere_and_their_page_is_404(client, status, shop_status):
    def world():
        category = make_category()
        shop = make_shop(status=shop_status)
        make_product(title="Kem dưỡng ẩm", category=category)
        return make_product(title="Kem chống nắng", category=category, shop=shop, status=status)

    product = world()
    for url in ("/", f"/c/{product.category.slug}", "/search?q=kem", "/search/suggest?q=kem"):
        assert "Kem chống nắng" not in html_of(client.get(url)), url
    assert "Kem dưỡng ẩm" in html_of(client.get("/search?q=kem"))
    if shop_status == ShopStatus.ACTIVE:
        shop_page = client.get(f"/s/{product.shop.slug}")
        assert shop_page.status_code == 200 and "Kem chống nắng" not in html_of(shop_page)
    else:
        assert client.get(f"/s/{product.shop.slug}").status_code == 404
    # An error page rolls back the request's transaction (here: the test's data), so rebuild between 404s.
    assert client.get(f"/p/{world().id}").status_code == 404
    assert client.get(f"/p/{world().id}/variants/panel").status_code == 404


def test_search_page_is_accent_insensitive_and_keeps_filters(client):
    product_at(1, title="Áo thun cotton basic", price=1000)
    product_at(2, title="Áo thun oversize", price=3000)
    html = html_of(client.get("/search?q=ao+thun&sort=price_desc"))
    assert card_titles(html) == ["Áo thun oversize", "Áo thun cotton basic"]
    assert "Results for “ao thun”" in html and 'value="ao thun"' in html
    empty = client.get("/search?q=")
    assert empty.status_code == 200 and "Type what you are looking for" in html_of(empty)
    none = html_of(client.get("/search?q=xyzzy"))
    assert "No results for “xyzzy”" in none and "Check the spelling" in none


@pytest.mark.parametrize("q", ["'; DROP TABLE products; --", "%", "\\", "a' OR '1'='1"])
def test_hostile_search_text_returns_normally(client, q):
    from urllib.parse import quote

    make_product(title="Tai nghe")
    assert client.get(f"/search?q={quote(q)}").status_code == 200
    assert client.get(f"/search/suggest?q={quote(q)}").status_code == 200
    assert client.get("/search/suggest?q=tai").status_code == 200 and "Tai nghe" in html_of(client.get("/search/suggest?q=tai"))


def test_suggestions_fragment_is_an_accessible_listbox(client):
    product = product_at(1, title="Cà phê Arabica rang xay 500g", sold=3)
    response = client.get("/search/suggest?q=ca+ph", headers={"HX-Request": "true"})
    html = html_of(response)
    assert response.status_code == 200 and "<html" not in html
    assert 'role="option"' in html and f"/p/{product.id}/ca-phe-arabica-rang-xay-500g" in html
    assert 'href="/search?q=ca+ph"' in html
    assert html_of(client.get("/search/suggest?q=zzzz")).strip() == ""
    home = html_of(client.get("/"))
    assert 'role="combobox"' in home and 'hx-get="/search/suggest"' in home and 'aria-controls="nav-search-suggestions"' in home
    assert 'hx-trigger="input changed delay:250ms"' in home and 'role="listbox"' in home


def test_product_page_has_breadcrumbs_gallery_and_variant_picker(client):
    t = make_tree()
    product = make_product(title="Áo thun cotton basic", category=t["tees"], description="Vải mềm.\n\nGiặt máy.",
                           variants=[{"price": 1500, "stock": 0, "name": "Đỏ / M", "options": {"Màu": "Đỏ", "Size": "M"}},
                                     {"price": 1900, "stock": 3, "name": "Xanh / L"}])
    first = add_image(product, position=0)
    second = add_image(product, position=1)
    product.variants[1].image_id = second.id
    db.session.flush()
    response = client.get(f"/p/{product.id}/ao-thun-cotton-basic")
    html = html_of(response)
    assert response.status_code == 200
    assert 'href="/c/ao">Áo</a>' in html and "Vải mềm." in html and "<p>Giặt máy.</p>" in html
    assert html.count('name="variant"') == 2 and 'hx-target="#variant-panel"' in html
    # the first variant in stock is preselected, with its picture as the main image
    assert "$19.00" in html and "Only 3 left" in html and second.storage_key in html
    assert f'data-gallery-src="/media/{first.storage_key}"' in html
    chosen = html_of(client.get(f"/p/{product.id}?variant={product.variants[0].id}"))
    assert "$15.00" in chosen and "Out of stock" in chosen
    assert client.get(f"/p/{product.id}?variant=nonsense").status_code == 200


def test_variant_panel_fragment_swaps_price_stock_and_image(client):
    product = make_product(variants=[{"price": 1500, "stock": 0, "name": "Đỏ"}, {"price": 2500, "stock": 12, "name": "Xanh"}])
    image = add_image(product)
    product.variants[0].image_id = image.id
    db.session.flush()
    response = client.get(f"/p/{product.id}/variants/panel?variant={product.variants[0].id}",
                          headers=htmx("variant-panel"))
    html = html_of(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="variant-panel"') and "$15.00" in html and "Out of stock" in html
    assert 'id="main-image"' in html and 'hx-swap-oob="true"' in html and image.storage_key in html
    assert f"variant={product.variants[0].id}" in response.headers["HX-Replace-Url"]
    other = html_of(client.get(f"/p/{product.id}/variants/panel?variant={product.variants[1].id}"))
    assert "$25.00" in other and "In stock: 12" in other


def test_shop_page_lists_only_that_shops_products(client):
    shop = make_shop(name="Tiệm của Bình", slug="tiem-cua-binh", description="Đồ handmade")
    product_at(1, title="Mine", shop=shop)
    product_at(2, title="Someone else's")
    html = html_of(client.get("/s/tiem-cua-binh"))
    assert "Tiệm của Bình" in html and card_titles(html) == ["Mine"] and 'name="shop"' not in html
    fragment = client.get("/s/tiem-cua-binh?sort=price_asc", headers=htmx("results"))
    assert card_titles(html_of(fragment)) == ["Mine"] and "<html" not in html_of(fragment)
    assert client.get("/s/nope").status_code == 404


@pytest.fixture
def limited_client(app):
    """A separate app with a tiny search limit; the shared limiter instance is restored after
    (see tests/integration/test_account_rate_limits.py for why)."""
    from marketplace import create_app
    from marketplace.extensions import limiter
    from tests.conftest import CsrfClient, make_test_config

    saved = dict(vars(limiter))
    limited = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True,
                                          RATELIMIT_STORAGE_URI="memory://", RATELIMIT_SEARCH="2 per minute",
                                          RATELIMIT_API="1000 per minute"))
    limited.test_client_class = CsrfClient
    try:
        yield limited.test_client()
    finally:
        vars(limiter).clear()
        vars(limiter).update(saved)
        with limited.app_context():
            db.engine.dispose()


def test_search_pages_and_api_are_rate_limited(limited_client):
    statuses = [limited_client.get("/search?q=x").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    api = [limited_client.get("/api/v1/products/search?q=x") for _ in range(3)]
    assert [r.status_code for r in api] == [200, 200, 429]
    assert api[-1].get_json()["error"]["code"] == "rate_limited" and int(api[-1].headers["Retry-After"]) > 0
