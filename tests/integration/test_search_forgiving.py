"""The search page forgives typos, counts its facets, remembers recent searches; the suggestions too."""
import re
from html import unescape

import pytest

from marketplace.catalog.search_views import SEARCHES_COOKIE
from marketplace.services.catalog import facets, recent_searches
from marketplace.services.core import rollups
from tests.catalog_support import htmx, product_at
from tests.factories import make_category


def html_of(response) -> str:
    return response.get_data(as_text=True)


def card_titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'class="product-card-title"><a href="[^"]*">([^<]+)</a>', html)]


def hoodies(n: int, **fields) -> list:
    return [product_at(k, title=f"Áo hoodie nỉ {k}", sold=k, **fields) for k in range(n)]


# ---- typos ----------------------------------------------------------------------------------

def test_no_results_shows_the_corrected_words_and_a_way_back_to_the_typed_ones(client):
    hoodies(3)
    html = html_of(client.get("/search?q=hodie"))
    assert len(card_titles(html)) == 3
    assert "Showing results for <strong>hoodie</strong>." in html
    assert 'href="/search?q=hodie&amp;exact=1">hodie</a>' in html
    exact = html_of(client.get("/search?q=hodie&exact=1"))
    assert "No results for “hodie”" in exact and "Showing results for" not in exact
    assert '<input type="hidden" name="exact" value="1">' in exact  # a filter change keeps it


def test_a_few_results_offer_the_corrected_words_instead(client):
    product_at(1, title="Hodie giá rẻ")  # a seller's own typo: one result
    hoodies(6)
    html = html_of(client.get("/search?q=hodie"))
    assert card_titles(html) == ["Hodie giá rẻ"]
    assert 'Did you mean <a href="/search?q=hoodie"><strong>hoodie</strong></a>?' in html


def test_enough_results_are_left_alone(client):
    for k in range(5):
        product_at(k, title=f"Hodie {k}")
    hoodies(9)
    html = html_of(client.get("/search?q=hodie"))
    assert len(card_titles(html)) == 5 and 'data-testid="spelling-notice"' not in html


def test_load_more_after_a_correction_goes_on_with_the_corrected_words(client):
    hoodies(30)
    html = html_of(client.get("/search?q=hodie"))
    more = re.search(r'id="load-more">\s*<a [^>]*href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "q=hoodie" in more and "cursor=" in more
    assert len(card_titles(html_of(client.get(more)))) == 6


def test_typo_tolerant_suggestions_say_what_they_are_for(client):
    hoodies(2)
    html = html_of(client.get("/search/suggest?q=hodi", headers={"HX-Request": "true"}))
    assert "Áo hoodie nỉ 1" in html and "Suggestions for “hoodie”" in html
    assert 'href="/search?q=hoodie"' in html
    assert 'data-testid="suggestions-corrected"' not in html_of(client.get("/search/suggest?q=hood"))


def test_the_notice_speaks_vietnamese(client):
    hoodies(2)
    html = html_of(client.get("/search?q=hodie", headers={"Accept-Language": "vi"}))
    assert "Hiển thị kết quả cho <strong>hoodie</strong>." in html and "Vẫn tìm" in html


# ---- facets ---------------------------------------------------------------------------------

@pytest.fixture
def shelves():
    tees, hoodie_shelf = make_category(name="Áo thun", slug="ao-thun"), make_category(name="Áo khoác", slug="ao-khoac")
    product_at(1, title="Áo thun basic", price=900, rating="4.5", category=tees)
    product_at(2, title="Áo thun form rộng", price=1000, rating="3.2", category=tees)
    product_at(3, title="Áo thun in hình", price=3000, rating="0", category=tees)
    product_at(4, title="Áo hoodie nỉ", price=6000, rating="4.0", category=hoodie_shelf)
    product_at(5, title="Quần short", price=1000, rating="5", category=tees)  # not an "áo"
    return tees, hoodie_shelf


def facet(html: str, heading: str) -> list[tuple[str, str]]:
    """(label, count) of one facet's values."""
    block = html[html.index(f'id="facet-{heading}-heading"'):]
    block = block[:block.index("</section>")]
    return [(unescape(re.sub(r"<[^>]+>", "", label)).strip(), count)
            for label, count in re.findall(r'<span(?: class="me-auto")?>(.*?)</span>\s*<span[^>]*>(\d+)', block)]


def test_the_page_loads_its_facets_after_the_results_or_inline_without_javascript(client, shelves):
    html = html_of(client.get("/search?q=ao&min_rating=3"))
    assert 'hx-get="/search/facets?q=ao&amp;min_rating=3" hx-trigger="load"' in html and "facet-total" not in html
    assert 'href="/search?q=ao&amp;min_rating=3&amp;counts=1">Show how many products each filter finds' in html
    inline = html_of(client.get("/search?q=ao&min_rating=3&counts=1"))
    assert 'data-testid="facet-total">3 products found' in inline and "hx-trigger" not in inline.split('id="facets"')[1][:200]


def test_facet_counts_for_categories_price_bands_and_ratings(client, shelves):
    html = html_of(client.get("/search/facets?q=ao", headers=htmx("facets")))
    assert html.strip().startswith('<div id="facets"') and "<html" not in html
    assert 'data-testid="facet-total">4 products found' in html
    assert facet(html, "category") == [("Áo thun", "3"), ("Áo khoác", "1")]
    assert facet(html, "price") == [("Up to $10.00", "2"), ("$10.00 – $25.00", "1"), ("$25.00 – $50.00", "1"),
                                    ("$50.00 – $100.00", "1"), ("From $100.00", "0")]  # $10.00 is in both bands
    assert facet(html, "rating") == [("4★ & up", "2"), ("3★ & up", "3"), ("2★ & up", "3"), ("1★ & up", "3")]
    assert 'href="/search?q=ao&amp;min_price=10&amp;max_price=25"' in html


def test_each_facet_counts_under_the_other_filters_and_its_link_narrows(client, shelves):
    page = html_of(client.get("/search?q=ao&category=ao-thun&min_rating=3"))
    assert set(card_titles(page)) == {"Áo thun basic", "Áo thun form rộng"}
    assert '<input type="hidden" name="category" value="ao-thun">' in page
    html = html_of(client.get("/search/facets?q=ao&category=ao-thun&min_rating=3", headers=htmx("facets")))
    assert 'data-testid="facet-total">2 products found' in html
    assert facet(html, "category") == [("Áo thun", "2"), ("Áo khoác", "1")]  # the rating still applies
    assert facet(html, "rating")[:2] == [("4★ & up", "1"), ("3★ & up", "2")]  # the category still applies
    assert 'aria-current="true"' in html and 'href="/search?q=ao&amp;min_rating=3"' in html  # unpick the category


def test_past_the_counted_products_every_count_is_at_least(client, shelves, monkeypatch):
    monkeypatch.setattr(facets, "COUNTED", 2)
    facets._statement.cache_clear()
    try:
        html = html_of(client.get("/search/facets?q=ao", headers=htmx("facets")))
    finally:
        facets._statement.cache_clear()
    assert 'data-testid="facet-total">2+ products found' in html and re.search(r">\d\+</span>", html)


def test_an_htmx_filter_change_swaps_the_facets_out_of_band(client, shelves):
    html = html_of(client.get("/search?q=ao&min_price=40", headers=htmx("results")))
    assert html.strip().startswith('<div id="results"') and 'hx-swap-oob="true"' in html
    assert 'hx-get="/search/facets?q=ao&amp;min_price=40"' in html
    assert 'data-testid="facet-total">1 product found' in html_of(client.get("/search/facets?q=ao&min_price=40"))
    more = html_of(client.get("/search?q=ao", headers=htmx("load-more")))
    assert 'id="facets"' not in more


def test_an_unknown_category_is_a_filter_to_fix(client, shelves):
    response = client.get("/search?q=ao&category=nope")
    assert response.status_code == 422 and "Pick a category from the list." in html_of(response)


# ---- recent searches --------------------------------------------------------------------------

def cookie(client):
    found = client.get_cookie(SEARCHES_COOKIE)
    return recent_searches.parse(found.value) if found else []


def test_searches_are_remembered_newest_first_and_shown_when_the_box_is_empty(client):
    hoodies(1)
    for q in ("áo", "tai nghe", "ao", "hodie"):
        assert client.get("/search", query_string={"q": q}).status_code == 200
    assert cookie(client) == ["hodie", "ao", "tai nghe"]
    empty = html_of(client.get("/search"))
    assert 'data-testid="recent-searches"' in empty and 'href="/search?q=tai+nghe"' in empty
    options = html_of(client.get("/search/suggest?q=", headers={"HX-Request": "true"}))
    assert options.count('role="option"') == 4 and "Clear recent searches" in options  # 3 searches + clear


def test_the_empty_search_page_is_cached_per_visitor_s_searches(client, app):
    client.get("/search?q=ao")
    other = app.test_client()
    assert 'data-testid="recent-searches"' in html_of(client.get("/search"))
    assert 'data-testid="recent-searches"' not in html_of(other.get("/search"))


def test_a_cached_results_page_still_remembers_the_search(client, app):
    hoodies(1)
    rollups.include_pending()  # the test's rows in the cache versions now, as a commit would
    client.get("/search?q=hoodie")
    other = app.test_client()
    response = other.get("/search?q=hoodie")
    assert response.headers.get("X-Cache") == "HIT" and cookie(other) == ["hoodie"]


def test_clearing_forgets_them_without_and_with_javascript(client):
    client.get("/search?q=ao")
    response = client.post("/search/recent/clear")
    assert response.status_code == 303 and response.headers["Location"].endswith("/search")
    assert cookie(client) == [] and 'data-testid="recent-searches"' not in html_of(client.get("/search"))
    client.get("/search?q=ao")
    response = client.post("/search/recent/clear", headers=htmx("nav-search-suggestions"))
    assert response.status_code == 200 and html_of(response) == "" and cookie(client) == []
    assert client.post("/search/recent/clear", csrf=False).status_code in (400, 403)
