"""robots.txt and the sitemaps: the index and its gzip-compressed children validate against the sitemap
protocol's XSD (tests/seo_schemas), a catalogue larger than one child splits, hidden things never
appear, lastmod moves when a product changes, and a child is served from the cache after the first
request, until the catalogue changes."""
import gzip
from datetime import datetime

import pytest
from lxml import etree

from marketplace.extensions import db
from marketplace.models import ProductStatus, ShopStatus
from marketplace.services.catalog import products as product_service
from tests.catalog_support import make_tree
from tests.factories import make_product, make_shop
from tests.seo_support import SITEMAP_NS, locs, path_of, schema, sitemap_xml

PAST = datetime(2025, 3, 1, 8, 30, 0)


@pytest.fixture
def small_pages(app):
    app.config["SITEMAP_MAX_URLS"] = 3
    yield 3
    app.config["SITEMAP_MAX_URLS"] = 50_000


def _index(client) -> etree._Element:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    tree = etree.fromstring(response.get_data())
    schema("siteindex.xsd").assertValid(tree)
    return tree


def _children(client) -> dict[str, etree._Element]:
    children = {}
    for url in locs(_index(client)):
        tree = sitemap_xml(client.get(path_of(url)))
        schema("sitemap-with-alternates.xsd").assertValid(tree)
        children[path_of(url)] = tree
    return children


def _all_locs(client) -> list[str]:
    return [loc for tree in _children(client).values() for loc in locs(tree)]


@pytest.fixture
def catalogue():
    tree = make_tree()
    shop = make_shop(name="Open", slug="open-shop")
    shown = [make_product(shop=shop, category=tree["tees"], title=f"Shown {n}") for n in range(7)]
    hidden = [
        make_product(shop=shop, category=tree["tees"], title="A draft", status=ProductStatus.DRAFT),
        make_product(shop=shop, category=tree["tees"], title="Hidden by admin", status=ProductStatus.HIDDEN),
        make_product(shop=shop, category=tree["tees"], title="Deleted", status=ProductStatus.DELETED),
        make_product(shop=make_shop(slug="suspended-shop", status=ShopStatus.SUSPENDED), category=tree["electronics"],
                     title="Of a suspended shop"),
        make_product(shop=make_shop(slug="pending-shop", status=ShopStatus.PENDING), category=tree["electronics"],
                     title="Of a pending shop"),
        make_product(shop=shop, category=tree["tees"], title="Sold out", variants=[{"stock": 0}]),
    ]
    make_shop(slug="empty-shop")  # open, nothing listed: its page is noindex
    return {"tree": tree, "shop": shop, "shown": shown, "hidden": hidden}


def test_a_catalogue_larger_than_one_child_sitemap_splits(client, catalogue, small_pages):
    index = _index(client)
    children = [path_of(url) for url in locs(index)]
    assert children == ["/sitemaps/pages-1.xml.gz", "/sitemaps/categories-1.xml.gz", "/sitemaps/shops-1.xml.gz",
                        "/sitemaps/products-1.xml.gz", "/sitemaps/products-2.xml.gz", "/sitemaps/products-3.xml.gz"]
    trees = _children(client)
    sizes = [len(locs(trees[f"/sitemaps/products-{n}.xml.gz"])) for n in (1, 2, 3)]
    assert sizes == [3, 3, 1]
    listed = [loc for n in (1, 2, 3) for loc in locs(trees[f"/sitemaps/products-{n}.xml.gz"])]
    expected = sorted(catalogue["shown"], key=lambda p: p.id)  # keyset order: by id
    assert listed == [f"http://localhost/p/{p.id}/shown-{p.title.split()[-1]}" for p in expected]
    assert client.get("/sitemaps/products-4.xml.gz").status_code == 404
    assert client.get("/sitemaps/products-0.xml.gz").status_code == 404
    assert client.get("/sitemaps/bogus-1.xml.gz").status_code == 404


def test_hidden_things_never_appear(client, catalogue):
    everything = " ".join(_all_locs(client))
    for product in catalogue["hidden"]:
        assert str(product.id) not in everything
    for slug in ("suspended-shop", "pending-shop", "empty-shop"):
        assert f"/s/{slug}" not in everything
    assert "/s/open-shop" in everything
    # the category of only hidden products is not listed; the tees' ancestors are
    assert "/c/dien-tu" not in everything
    assert {"http://localhost/c/thoi-trang", "http://localhost/c/ao", "http://localhost/c/ao-thun"} <= set(everything.split())


def test_each_url_names_its_language_versions(client, catalogue):
    tree = _children(client)["/sitemaps/products-1.xml.gz"]
    url = tree.find("s:url", SITEMAP_NS)
    loc = url.findtext("s:loc", namespaces=SITEMAP_NS)
    links = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP_NS)}
    assert links == {"vi": f"{loc}?lang=vi", "en": f"{loc}?lang=en", "x-default": loc}


def test_lastmod_comes_from_the_rows_and_moves_when_a_product_changes(client, catalogue):
    product = catalogue["shown"][0]
    for item in catalogue["shown"]:
        item.updated_at = PAST
    db.session.flush()
    before = _lastmods(client)
    assert before[product.id] == "2025-03-01T08:30:00+00:00"

    product_service.update_product(catalogue["shop"], product, title="Renamed tee")
    db.session.flush()
    after = _lastmods(client)
    assert after[product.id] > before[product.id]
    assert all(after[p.id] == before[p.id] for p in catalogue["shown"][1:])
    loc = _product_locs(client)[product.id]
    assert loc == f"http://localhost/p/{product.id}/renamed-tee"  # the current slug, straight away
    index = _index(client)
    assert max(index.xpath("//s:lastmod/text()", namespaces=SITEMAP_NS)) == after[product.id]


def _product_urls(client):
    tree = sitemap_xml(client.get("/sitemaps/products-1.xml.gz"))
    return tree.findall("s:url", SITEMAP_NS)


def _lastmods(client) -> dict:
    import uuid
    return {uuid.UUID(url.findtext("s:loc", namespaces=SITEMAP_NS).split("/p/")[1].split("/")[0]):
            url.findtext("s:lastmod", namespaces=SITEMAP_NS) for url in _product_urls(client)}


def _product_locs(client) -> dict:
    import uuid
    return {uuid.UUID(url.findtext("s:loc", namespaces=SITEMAP_NS).split("/p/")[1].split("/")[0]):
            url.findtext("s:loc", namespaces=SITEMAP_NS) for url in _product_urls(client)}


def test_a_child_is_served_from_the_cache_until_the_catalogue_changes(client, catalogue):
    first = client.get("/sitemaps/products-1.xml.gz")
    second = client.get("/sitemaps/products-1.xml.gz")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert first.get_data() == second.get_data()
    assert client.get("/sitemap.xml").headers["X-Cache"] == "MISS"
    assert client.get("/sitemap.xml").headers["X-Cache"] == "HIT"

    make_product(shop=catalogue["shop"], category=catalogue["tree"]["tees"], title="New arrival")
    db.session.flush()
    third = client.get("/sitemaps/products-1.xml.gz")
    assert third.headers["X-Cache"] == "MISS"
    assert "new-arrival" in gzip.decompress(third.get_data()).decode()


def test_the_site_url_setting_makes_every_address(client, app, catalogue):
    app.config["SITE_URL"] = "https://cho-pho.example"
    try:
        assert all(url.startswith("https://cho-pho.example/") for url in locs(_index(client)))
        assert all(loc.startswith("https://cho-pho.example/") for loc in _all_locs(client))
        assert "Sitemap: https://cho-pho.example/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)
    finally:
        app.config["SITE_URL"] = ""


def test_an_empty_marketplace_has_a_valid_index(client):
    children = [path_of(url) for url in locs(_index(client))]
    assert children == ["/sitemaps/pages-1.xml.gz"]
    home = sitemap_xml(client.get(children[0]))
    assert locs(home) == ["http://localhost/"]


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for path in ("/cart", "/checkout", "/account/", "/seller", "/admin", "/api/", "/orders", "/search/"):
        assert f"Disallow: {path}" in lines
    for name in ("sort", "min_price", "max_price", "min_rating", "in_stock", "category", "shop"):
        assert f"Disallow: /*?*{name}=" in lines  # a listing or search narrowed by a filter
    assert "Disallow: /search" not in lines  # a plain search may be crawled (its page says noindex when thin)
    assert "Sitemap: http://localhost/sitemap.xml" in lines
