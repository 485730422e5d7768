"""The catalog JSON API: categories, products (filters, sorts, cursor), search, details, variants."""
import uuid

import pytest

from marketplace.extensions import db
from marketplace.models import ProductStatus, ShopStatus
from tests.catalog_support import add_image, make_tree, product_at
from tests.factories import make_category, make_product, make_shop


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["items"]]


def test_categories_tree(client):
    make_tree()
    body = client.get("/api/v1/categories").get_json()
    fashion = next(c for c in body["items"] if c["slug"] == "thoi-trang")
    assert fashion["parent_id"] is None and fashion["children"][0]["name"] == "Áo"
    assert fashion["children"][0]["children"][0]["slug"] == "ao-thun"


def test_products_list_shape_filters_and_sorts(client):
    t = make_tree()
    shop = make_shop(name="Tiệm của Bình")
    cheap = product_at(1, title="Áo thun trắng", price=500, rating="4.5", category=t["tees"], shop=shop)
    add_image(cheap)
    product_at(2, title="Áo khoác", price=2500, rating="3.0", stock=0, category=t["tops"])
    product_at(3, title="Tai nghe", price=9900, rating="5.0", category=t["electronics"])
    body = client.get("/api/v1/products?category=thoi-trang&sort=price_asc").get_json()
    assert [i["title"] for i in body["items"]] == ["Áo thun trắng", "Áo khoác"] and body["next_cursor"] is None
    item = body["items"][0]
    assert item["id"] == str(cheap.id) and item["min_price"] == 500 and item["currency"] == "USD"
    assert item["shop"] == {"id": str(shop.id), "name": "Tiệm của Bình", "slug": shop.slug}
    assert item["thumb_url"].startswith("/media/") and item["average_rating"] == 4.5
    assert titles(client.get(f"/api/v1/products?category={t['tops'].id}&sort=price_desc")) == ["Áo khoác", "Áo thun trắng"]
    assert titles(client.get("/api/v1/products?min_price=1000&max_price=3000")) == ["Áo khoác"]
    assert titles(client.get("/api/v1/products?min_rating=4&sort=top_rated")) == ["Tai nghe", "Áo thun trắng"]
    assert titles(client.get(f"/api/v1/products?shop_id={shop.id}")) == ["Áo thun trắng"]
    assert titles(client.get("/api/v1/products?in_stock=true&category=ao")) == ["Áo thun trắng"]


def test_products_cursor_walks_every_row_once(client):
    category = make_category(slug="tied")
    made = {product_at(0, price=700, category=category).id for _ in range(30)}
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/products?category=tied&sort=price_asc&limit=8" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).get_json()
        seen += [uuid.UUID(i["id"]) for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 4 and len(seen) == 30 and set(seen) == made


@pytest.mark.parametrize("query, field", [
    ("limit=0", "limit"), ("limit=49", "limit"), ("min_price=-1", "min_price"), ("min_rating=6", "min_rating"),
    ("sort=cheapest", "sort"), ("shop_id=not-a-uuid", "shop_id"), ("in_stock=maybe", "in_stock"),
    ("min_price=500&max_price=100", "_"), ("colour=red", "colour"), ("category=no-such-category", "category"),
    ("cursor=garbage", "cursor"), ("sort=relevance", "sort"),
])
def test_invalid_query_parameters_are_422_in_the_spec_shape(client, query, field):
    response = client.get(f"/api/v1/products?{query}")
    body = response.get_json()
    assert response.status_code == 422, body
    assert body["error"]["code"] in ("validation_error", "category_not_found", "invalid_cursor")
    assert body["error"]["message"] and field in body["error"]["fields"]


def test_search_ranks_titles_first_folds_accents_and_pages(client):
    make_product(title="Bình giữ nhiệt", description="uống cà phê mỗi sáng")
    make_product(title="Cà phê Arabica rang xay 500g", description="")
    make_product(title="Café sữa đá", description="")
    assert titles(client.get("/api/v1/products/search?q=ca+phe")) == ["Cà phê Arabica rang xay 500g", "Bình giữ nhiệt"]
    assert titles(client.get("/api/v1/products/search?q=cafe")) == ["Café sữa đá"]
    first = client.get("/api/v1/products/search?q=ca+phe&limit=1").get_json()
    second = client.get(f"/api/v1/products/search?q=ca+phe&limit=1&cursor={first['next_cursor']}").get_json()
    assert [first["items"][0]["title"], second["items"][0]["title"]] == ["Cà phê Arabica rang xay 500g", "Bình giữ nhiệt"]
    assert titles(client.get("/api/v1/products/search?q=ca+phe&sort=newest&limit=48"))
    missing = client.get("/api/v1/products/search")
    assert missing.status_code == 422 and "q" in missing.get_json()["error"]["fields"]


@pytest.mark.parametrize("q", ["'; DROP TABLE products; --", "%", "\\", "%00"])
def test_hostile_search_returns_normally(client, q):
    from urllib.parse import quote

    make_product(title="Tai nghe")
    assert client.get(f"/api/v1/products/search?q={quote(q)}").status_code == 200
    assert titles(client.get("/api/v1/products/search?q=tai+nghe")) == ["Tai nghe"]


def test_product_detail_and_variants(client):
    t = make_tree()
    shop = make_shop(name="Tiệm của Bình")
    product = make_product(title="Áo thun cotton", category=t["tees"], shop=shop, variants=[
        {"price": 1500, "stock": 0, "name": "Đỏ / M", "options": {"Màu": "Đỏ", "Size": "M"}, "sku": "AT-DO-M"},
        {"price": 1900, "stock": 4, "name": "Xanh / L", "options": {"Màu": "Xanh", "Size": "L"}},
    ])
    image = add_image(product)
    product.variants[1].image_id = image.id
    db.session.flush()
    body = client.get(f"/api/v1/products/{product.id}").get_json()
    assert body["id"] == str(product.id) and body["currency"] == "USD" and body["min_price"] == 1500
    assert body["shop"]["name"] == "Tiệm của Bình" and body["category"]["slug"] == "ao-thun"
    assert [c["name"] for c in body["breadcrumbs"]] == ["Thời trang", "Áo", "Áo thun"]
    assert body["images"][0]["url"] == f"/media/{image.storage_key}" and body["images"][0]["thumb_url"]
    first, second = body["variants"]
    assert first == {"id": str(product.variants[0].id), "sku": "AT-DO-M", "name": "Đỏ / M",
                     "options": {"Màu": "Đỏ", "Size": "M"}, "currency": "USD", "price": 1500, "stock": 0,
                     "in_stock": False, "image_id": None}
    assert second["image_id"] == str(image.id) and second["in_stock"] is True
    variants = client.get(f"/api/v1/products/{product.id}/variants").get_json()
    assert [v["price"] for v in variants["items"]] == [1500, 1900]


@pytest.mark.parametrize("status, shop_status", [
    (ProductStatus.DRAFT, ShopStatus.ACTIVE), (ProductStatus.HIDDEN, ShopStatus.ACTIVE),
    (ProductStatus.DELETED, ShopStatus.ACTIVE), (ProductStatus.ACTIVE, ShopStatus.SUSPENDED),
])
def test_invisible_products_are_absent_from_the_api(client, status, shop_status):
    category = make_category(slug="kem")
    make_product(title="Kem dưỡng ẩm", category=category)
    hidden = make_product(title="Kem chống nắng", category=category, status=status,
                          shop=make_shop(status=shop_status))
    assert titles(client.get("/api/v1/products?category=kem")) == ["Kem dưỡng ẩm"]
    assert titles(client.get("/api/v1/products/search?q=kem")) == ["Kem dưỡng ẩm"]
    response = client.get(f"/api/v1/products/{hidden.id}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "product_not_found"
    make_product(title="again", status=status, shop=make_shop(status=shop_status))  # the 404 rolled back


def test_unknown_product_ids_are_404(client):
    for url in (f"/api/v1/products/{uuid.uuid4()}", f"/api/v1/products/{uuid.uuid4()}/variants"):
        response = client.get(url)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "product_not_found"
    assert client.get("/api/v1/products/not-a-uuid").status_code == 404


def test_catalog_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/categories", "/api/v1/products", "/api/v1/products/search",
                 "/api/v1/products/{product_id}", "/api/v1/products/{product_id}/variants"):
        assert "get" in paths[path], path
    params = {p["name"] for p in paths["/api/v1/products"]["get"]["parameters"]}
    assert {"category", "min_price", "max_price", "min_rating", "shop_id", "in_stock", "sort", "cursor", "limit"} <= params
