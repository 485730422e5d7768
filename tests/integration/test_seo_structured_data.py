"""The JSON-LD and link-preview tags of the storefront pages, read back with extruct as a crawler reads
them, against what the page shows and what the database holds: prices, currency, availability and
ratings of products in stock, out of stock, with and without reviews, in each language."""
import json
import re
from decimal import Decimal

import pytest
from lxml import etree

from marketplace.extensions import db
from marketplace.models import ProductVariant
from marketplace.money import format_money
from marketplace.services.reviews import reviews
from tests.catalog_support import add_image, make_tree
from tests.factories import make_product, make_shop, make_user
from tests.reviews_support import bought_line
from tests.seo_support import canonical, head_tags, one, robots, structured

LANGUAGES = ("en", "vi")
IN_STOCK, OUT_OF_STOCK = "http://schema.org/InStock", "http://schema.org/OutOfStock"


def _language(code: str) -> dict:
    return {"Accept-Language": code}


def _availability(value: str) -> str:
    return value.replace("https://", "http://")  # extruct's uniform output keeps what the page says


def _page_price(response) -> str:
    tree = etree.HTML(response.get_data(as_text=True))
    return "".join(tree.xpath('//*[@data-testid="variant-price"]//text()')).strip()


def _review(product, rating: int, body: str, name: str):
    buyer = make_user(full_name=name)
    line = bought_line(product, buyer=buyer)
    return reviews.create_review(buyer, line.id, rating, body)


@pytest.fixture
def shop():
    return make_shop(name="Đà Lạt Roasters", slug="da-lat-roasters", description="Coffee roasted in Đà Lạt.")


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_product_in_stock_with_reviews(client, app, shop, code):
    tree = make_tree()
    product = make_product(shop=shop, category=tree["tees"], title="Cà phê Arabica Cầu Đất",
                           description="Rang vừa.\n\nHạt Arabica trồng ở Cầu Đất, Đà Lạt.",
                           variants=[{"price": 125050, "stock": 7, "sku": "ARA-250"}])
    add_image(product)
    _review(product, 5, "Thơm lắm!", "Nguyễn Văn An")
    _review(product, 4, "Good beans", "Lê Thị Bình")
    db.session.flush()
    db.session.refresh(product)

    page = client.get(f"/p/{product.id}/ca-phe-arabica-cau-dat", headers=_language(code))
    assert page.status_code == 200
    found = structured(page)
    data = one(found, "Product")
    offer = data["offers"]
    variant = product.variants[0]
    assert data["name"] == product.title and data["brand"]["name"] == shop.name
    assert offer["@type"] == "Offer" and offer["sku"] == "ARA-250"
    assert offer["priceCurrency"] == app.config["CURRENCY"] == "USD"
    assert Decimal(offer["price"]) * 100 == variant.price and offer["price"] == "1250.50"
    with app.test_request_context(headers=_language(code)):
        app.preprocess_request()
        assert _page_price(page) == format_money(variant.price)  # the page shows the same price
    assert _availability(offer["availability"]) == IN_STOCK and variant.stock > 0
    assert offer["seller"]["name"] == shop.name
    rating = data["aggregateRating"]
    assert rating["reviewCount"] == product.review_count == 2
    assert rating["ratingValue"] == "%.1f" % product.average_rating == "4.5"
    assert rating["ratingValue"] in page.get_data(as_text=True)  # the page's own figure
    assert sorted(r["reviewRating"]["ratingValue"] for r in data["review"]) == ["4", "5"]
    assert {r["author"]["name"] for r in data["review"]} == {"Nguyễn A.", "Lê B."}
    assert data["image"][0].startswith("http://localhost/media/products/")
    crumbs = one(found, "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs][1:] == ["Thời trang", "Áo", "Áo thun", product.title]
    og = found["og"]
    assert og["og:type"] == "product" and og["product:price:currency"] == "USD" and og["product:price:amount"] == "1250.50"
    assert og["og:description"] == "Rang vừa. Hạt Arabica trồng ở Cầu Đất, Đà Lạt."
    assert og["og:locale"] == {"en": "en_US", "vi": "vi_VN"}[code]
    assert robots(page) is None
    assert f'<html lang="{code}">' in page.get_data(as_text=True)


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_product_out_of_stock_without_reviews_is_noindex(client, app, shop, code):
    product = make_product(shop=shop, title="Sold out mug", variants=[{"price": 900, "stock": 0}])
    page = client.get(f"/p/{product.id}", headers=_language(code))
    found = structured(page)
    data = one(found, "Product")
    assert _availability(data["offers"]["availability"]) == OUT_OF_STOCK
    assert data["offers"]["price"] == "9.00"
    assert "aggregateRating" not in data and "review" not in data
    assert robots(page) == "noindex, follow"  # nothing left to buy: a thin page
    badge = etree.HTML(page.get_data(as_text=True)).xpath('//*[@data-testid="variant-stock"]//text()')
    assert "".join(badge).strip() == {"en": "Out of stock", "vi": "Hết hàng"}[code]


def test_several_variants_are_an_aggregate_offer_with_each_offer(client, shop):
    product = make_product(shop=shop, title="Áo thun", variants=[
        {"price": 15000, "stock": 0, "sku": "TEE-S", "name": "S"},
        {"price": 19900, "stock": 3, "sku": "TEE-M", "name": "M"},
        {"price": 17500, "stock": 9, "sku": "TEE-L", "name": "L"}])
    found = structured(client.get(f"/p/{product.id}/ao-thun"))
    offers = one(found, "Product")["offers"]
    assert offers["@type"] == "AggregateOffer" and offers["offerCount"] == 3
    assert (offers["lowPrice"], offers["highPrice"]) == ("150.00", "199.00")
    assert _availability(offers["availability"]) == IN_STOCK
    by_sku = {o["sku"]: o for o in offers["offers"]}
    assert _availability(by_sku["TEE-S"]["availability"]) == OUT_OF_STOCK
    assert by_sku["TEE-M"]["price"] == "199.00" and by_sku["TEE-M"]["url"].endswith(
        f"?variant={db.session.get(ProductVariant, _variant_id(product, 'TEE-M')).id}")
    assert found["og"]["product:price:amount"] == "199.00"  # the variant the page shows first: M, in stock


def _variant_id(product, sku):
    return next(v.id for v in product.variants if v.sku == sku)


def test_vnd_prices_have_no_decimals(client, app, shop):
    app.config["CURRENCY"] = "VND"
    try:
        product = make_product(shop=shop, variants=[{"price": 1250000, "stock": 2}])
        offer = one(structured(client.get(f"/p/{product.id}", headers=_language("vi"))), "Product")["offers"]
    finally:
        app.config["CURRENCY"] = "USD"
    assert (offer["price"], offer["priceCurrency"]) == ("1250000", "VND")


def test_a_title_cannot_close_the_script_element(client, shop):
    product = make_product(shop=shop, title='Evil </script><script>alert(1)</script> & "quotes"',
                           description="</SCRIPT><!-- \u2028")
    page = client.get(f"/p/{product.id}")
    html = page.get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert blocks and all("<" not in block and ">" not in block for block in blocks)
    data = one(structured(page), "Product")
    assert data["name"] == product.title  # the escapes are JSON's own: the data is unchanged
    assert json.loads(blocks[0])["name"] == product.title
    assert "alert(1)</script>" not in html.split("<body", 1)[0].replace("&lt;", "<").split("ld+json")[0]


def test_the_csp_still_allows_no_inline_script(client, shop):
    page = client.get(f"/p/{make_product(shop=shop).id}")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # every executable <script> is a file; the JSON-LD blocks are data the browser never runs
    for script in head_tags(page).xpath("//script"):
        assert script.get("src") or script.get("type") == "application/ld+json"


def test_the_share_picture_is_the_preview(client, shop):
    product = make_product(shop=shop, title="Phin")
    image = add_image(product)
    image.share_key = image.storage_key.replace(".webp", "-share.jpg")
    db.session.flush()
    og = structured(client.get(f"/p/{product.id}"))["og"]
    assert og["og:image"] == f"http://localhost/media/{image.share_key}"
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")


def test_a_picture_without_its_share_picture_falls_back_to_itself(client, shop):
    product = make_product(shop=shop)
    image = add_image(product)
    og = structured(client.get(f"/p/{product.id}"))["og"]
    assert og["og:image"] == f"http://localhost/media/{image.storage_key}" and og["og:image:width"] == "400"


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_shop_page_is_an_online_store_with_its_rating(client, shop, code):
    product = make_product(shop=shop)
    _review(product, 5, "", "An Nguyen")
    _review(product, 4, "", "Binh Le")
    page = client.get(f"/s/{shop.slug}", headers=_language(code))
    found = structured(page)
    store = one(found, "OnlineStore")
    assert store["name"] == shop.name and store["url"] == f"http://localhost/s/{shop.slug}"
    assert store["aggregateRating"]["ratingValue"] == "4.5" and store["aggregateRating"]["reviewCount"] == 2
    assert "4.5" in page.get_data(as_text=True)
    assert found["og"]["og:description"] == "Coffee roasted in Đà Lạt."
    assert canonical(page) == f"http://localhost/s/{shop.slug}"


def test_category_pages_have_breadcrumbs_and_item_lists_search_pages_none(client, shop):
    tree = make_tree()
    first = make_product(shop=shop, category=tree["tees"], title="Áo thun trắng")
    second = make_product(shop=shop, category=tree["tops"], title="Áo sơ mi")
    found = structured(client.get("/c/ao"))
    crumbs = one(found, "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Thời trang", "Áo"]
    assert crumbs[-1]["item"] == "http://localhost/c/ao"
    items = one(found, "ItemList")["itemListElement"]
    assert {i["url"] for i in items} == {f"http://localhost/p/{first.id}/ao-thun-trang", f"http://localhost/p/{second.id}/ao-so-mi"}
    assert [i["position"] for i in items] == [1, 2]

    assert "application/ld+json" not in client.get("/search?q=áo").get_data(as_text=True)  # noindex


def test_the_home_page_is_a_website_with_a_search_action(client):
    found = structured(client.get("/", headers=_language("vi")))
    site = one(found, "WebSite")
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://localhost/search?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
