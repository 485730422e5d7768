"""Clean, stable addresses: a canonical on every page (filters and sorts to the plain listing, later pages
to themselves), the language versions at `?lang=`, noindex on thin pages, 301 from a renamed product's
old slug, descriptions and unique titles; and the same head in a page served from the page cache."""
import re

import pytest
from lxml import etree

from marketplace.extensions import db
from marketplace.services.catalog import products as product_service
from tests.catalog_support import make_tree
from tests.factories import login, make_product, make_shop, make_user
from tests.seo_support import alternates, canonical, robots, structured


@pytest.fixture
def catalogue():
    tree = make_tree()
    shop = make_shop(name="Hà Nội Tees", slug="ha-noi-tees", description="")
    products = [make_product(shop=shop, category=tree["tees"], title=f"Áo thun {n}", description=f"Cotton tee number {n}.")
                for n in range(3)]
    return {"tree": tree, "shop": shop, "products": products}


def _title(response) -> str:
    return etree.HTML(response.get_data(as_text=True)).findtext("head/title")


def test_a_product_page_is_canonical_without_its_variant_and_names_its_languages(client, catalogue):
    product = catalogue["products"][0]
    plain = f"http://localhost/p/{product.id}/ao-thun-0"
    page = client.get(f"/p/{product.id}/ao-thun-0?variant={product.variants[0].id}")
    assert canonical(page) == plain
    assert alternates(page) == {"vi": plain + "?lang=vi", "en": plain + "?lang=en", "x-default": plain}
    assert canonical(client.get(f"/p/{product.id}")) == plain  # the address without a slug points at it
    assert _title(page) == "Áo thun 0 · Hà Nội Tees · Chợ Phố" or _title(page).startswith("Áo thun 0 · Hà Nội Tees ·")
    description = etree.HTML(page.get_data(as_text=True)).xpath('//meta[@name="description"]/@content')
    assert description == ["Cotton tee number 0."]


@pytest.mark.parametrize("code, words", [("vi", "Hết hàng"), ("en", "Out of stock")])
def test_lang_in_the_address_shows_that_language_and_is_its_own_canonical(client, catalogue, code, words):
    product = make_product(shop=catalogue["shop"], title="Mũ", variants=[{"stock": 0}])
    other = "en" if code == "vi" else "vi"
    page = client.get(f"/p/{product.id}/mu?lang={code}", headers={"Accept-Language": other})
    html = page.get_data(as_text=True)
    assert f'<html lang="{code}">' in html and words in html
    assert canonical(page) == f"http://localhost/p/{product.id}/mu?lang={code}"
    assert "locale=" not in page.headers.get("Set-Cookie", "")  # for this request only: nothing remembered
    assert structured(page)["og"]["og:locale"] == {"vi": "vi_VN", "en": "en_US"}[code]


def test_lang_beats_a_signed_in_users_own_language(client, catalogue):
    user = make_user(locale="vi")
    login(client, user)
    html = client.get("/cart?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '<html lang="vi">' in client.get("/cart").get_data(as_text=True)
    assert '<html lang="vi">' in client.get("/cart?lang=xx").get_data(as_text=True)  # not a language of the site


def test_cached_copies_keep_each_languages_head(client, catalogue):
    product = catalogue["products"][1]
    path = f"/p/{product.id}/ao-thun-1"
    first_vi, first_en = client.get(path + "?lang=vi"), client.get(path + "?lang=en")
    again_vi, again_en = client.get(path + "?lang=vi"), client.get(path + "?lang=en")
    assert [r.headers.get("X-Cache") for r in (first_vi, first_en, again_vi, again_en)] == ["MISS", "MISS", "HIT", "HIT"]
    assert canonical(again_vi).endswith("?lang=vi") and canonical(again_en).endswith("?lang=en")
    assert '<html lang="vi">' in again_vi.get_data(as_text=True)
    client.get(path, headers={"Accept-Language": "vi"})  # the negotiated page, cached
    cached = client.get(path, headers={"Accept-Language": "vi"})
    assert cached.headers.get("X-Cache") == "HIT" and canonical(cached) == f"http://localhost{path}"


def test_a_renamed_product_moves_permanently_from_its_old_slug(client, catalogue):
    product = catalogue["products"][2]
    product_service.update_product(catalogue["shop"], product, title="Áo polo xanh")
    db.session.flush()
    moved = client.get(f"/p/{product.id}/ao-thun-2?variant={product.variants[0].id}")
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"/p/{product.id}/ao-polo-xanh?variant={product.variants[0].id}"
    assert client.get(f"/p/{product.id}/ao-polo-xanh").status_code == 200
    assert client.get(f"/p/{product.id}/anything-else").status_code == 301


def test_a_product_titled_like_a_sub_page_keeps_its_own_address(client, catalogue):
    product = make_product(shop=catalogue["shop"], title="Reviews")
    page = client.get(f"/p/{product.id}")
    assert canonical(page) == f"http://localhost/p/{product.id}/reviews-p"
    assert client.get(f"/p/{product.id}/reviews-p").status_code == 200


def test_listing_filters_and_sorts_canonicalise_to_the_plain_listing_and_are_noindex(client, catalogue):
    plain = client.get("/c/ao-thun")
    assert canonical(plain) == "http://localhost/c/ao-thun" and robots(plain) is None
    for query in ("sort=price_asc", "min_price=1", "in_stock=1", "min_rating=4", f"shop={catalogue['shop'].id}"):
        page = client.get(f"/c/ao-thun?{query}")
        assert canonical(page) == "http://localhost/c/ao-thun", query
        assert robots(page) == "noindex, follow", query
    first = client.get("/c/ao-thun?limit=2").get_data(as_text=True)
    cursor = re.search(r"cursor=([A-Za-z0-9_\-]+)", first).group(1)
    later = client.get(f"/c/ao-thun?cursor={cursor}&limit=2")
    assert later.status_code == 200
    assert canonical(later) == f"http://localhost/c/ao-thun?cursor={cursor}"  # a later page is a page of its own
    assert robots(later) is None
    assert robots(client.get("/c/dien-tu")) == "noindex, follow"  # nothing in it: thin


def test_search_pages_are_never_indexed_but_keep_their_words_canonical(client, catalogue):
    """Search engines ask sites to keep their own search results out of the index (the categories, shops
    and products are the pages to find): every search is noindex, and carries no JSON-LD or hreflang."""
    found = client.get("/search?q=áo thun")
    assert canonical(found) == "http://localhost/search?q=%C3%A1o+thun" and robots(found) == "noindex, follow"
    html = found.get_data(as_text=True)
    assert "application/ld+json" not in html and "hreflang" not in html
    assert 'property="og:url" content="http://localhost/search?q=%C3%A1o+thun"' in html
    assert robots(client.get("/search")) == "noindex, follow"  # empty search
    assert robots(client.get("/search?q=zzzqqq")) == "noindex, follow"  # nothing found
    narrowed = client.get("/search?q=áo&sort=price_desc")
    assert robots(narrowed) == "noindex, follow" and canonical(narrowed) == "http://localhost/search?q=%C3%A1o"
    assert _title(found) != _title(client.get("/search?q=áo"))


def test_shop_pages(client, catalogue):
    shop = catalogue["shop"]
    page = client.get(f"/s/{shop.slug}")
    assert canonical(page) == f"http://localhost/s/{shop.slug}" and robots(page) is None
    og = structured(page)["og"]
    assert og["og:title"] == shop.name and "3 products" in og["og:description"]
    narrowed = client.get(f"/s/{shop.slug}?category=ao-thun")
    assert canonical(narrowed) == f"http://localhost/s/{shop.slug}" and robots(narrowed) == "noindex, follow"
    empty = make_shop(slug="nothing-yet")
    assert robots(client.get(f"/s/{empty.slug}")) == "noindex, follow"


def test_titles_are_unique_across_the_storefront(client, catalogue):
    pages = ["/", "/c/ao-thun", "/c/ao", "/search?q=áo", f"/s/{catalogue['shop'].slug}",
             *(f"/p/{p.id}" for p in catalogue["products"])]
    titles = [_title(client.get(path)) for path in pages]
    assert len(set(titles)) == len(titles), titles


def test_every_other_page_has_a_canonical(client):
    assert canonical(client.get("/account/login")) == "http://localhost/account/login"
    assert canonical(client.get("/cart?lang=vi")) == "http://localhost/cart?lang=vi"


def test_the_sellers_preview_says_nothing_to_search_engines(client, catalogue):
    seller_page = client.get(f"/p/{catalogue['products'][0].id}")
    assert canonical(seller_page)
    # the preview (seller/product_preview.html) overrides the head: covered by test_seller_preview.py
