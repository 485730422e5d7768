"""JSON API for reviews: list (filters, cursor), create, edit, errors in the SPEC shape, OpenAPI."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from marketplace.extensions import db
from marketplace.models import OrderStatus, Product, ProductStatus
from marketplace.services.reviews import reviews
from tests.factories import make_user
from tests.reviews_support import bought_line, login, seller_with_product

BASE = datetime(2024, 5, 1, tzinfo=timezone.utc)


def publish(product, ratings):
    made = []
    for i, rating in enumerate(ratings):
        line = bought_line(product)
        review = reviews.create_review(line.order.buyer, line.id, rating, f"Review {i}")
        review.created_at = BASE + timedelta(minutes=i)
        made.append(review)
    db.session.flush()
    return made


def error(response):
    return response.get_json()["error"]


def test_list_reviews_with_filters_and_cursor(client):
    _, _, product = seller_with_product()
    made = publish(product, [5, 4, 5, 1, 5])
    body = client.get(f"/api/v1/products/{product.id}/reviews?limit=2").get_json()
    assert [item["id"] for item in body["items"]] == [str(made[4].id), str(made[3].id)]
    assert body["summary"] == {"average": 4.0, "count": 5, "stars": {"5": 3, "4": 1, "3": 0, "2": 0, "1": 1}}
    item = body["items"][0]
    assert set(item) >= {"id", "product_id", "order_item_id", "rating", "body", "has_images", "images",
                         "author_name", "seller_reply", "created_at", "editable_until"}
    ids, cursor = [i["id"] for i in body["items"]], body["next_cursor"]
    while cursor:
        page = client.get(f"/api/v1/products/{product.id}/reviews?limit=2&cursor={cursor}").get_json()
        ids += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert ids == [str(r.id) for r in reversed(made)]
    five = client.get(f"/api/v1/products/{product.id}/reviews?rating=5").get_json()
    assert [i["rating"] for i in five["items"]] == [5, 5, 5] and five["next_cursor"] is None
    assert client.get(f"/api/v1/products/{product.id}/reviews?with_images=true").get_json()["items"] == []


@pytest.mark.parametrize("query,field", [("rating=6", "rating"), ("rating=abc", "rating"),
                                         ("cursor=zzz", "cursor"), ("limit=500", "limit")])
def test_list_bad_query_is_422(client, query, field):
    _, _, product = seller_with_product()
    response = client.get(f"/api/v1/products/{product.id}/reviews?{query}")
    assert response.status_code == 422 and field in error(response)["fields"]


def test_list_of_an_invisible_product_is_404(client):
    _, _, product = seller_with_product(status=ProductStatus.DRAFT)
    response = client.get(f"/api/v1/products/{product.id}/reviews")
    assert response.status_code == 404 and error(response)["code"] == "not_found"


def test_create_review(client):
    _, _, product = seller_with_product()
    line = bought_line(product)
    login(client, line.order.buyer)
    response = client.post("/api/v1/reviews", json={"order_item_id": str(line.id), "rating": 4, "body": "Tốt"})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["rating"], body["body"], body["product_id"], body["has_images"]) == (4, "Tốt", str(product.id), False)
    db.session.expire_all()
    assert db.session.get(Product, product.id).review_count == 1
    again = client.post("/api/v1/reviews", json={"order_item_id": str(line.id), "rating": 1})
    assert again.status_code == 409 and error(again)["code"] == "already_reviewed"


def test_create_needs_login_and_csrf(client):
    _, _, product = seller_with_product()
    line = bought_line(product)
    payload = {"order_item_id": str(line.id), "rating": 4}
    assert client.post("/api/v1/reviews", json=payload).status_code == 401
    login(client, line.order.buyer)
    response = client.post("/api/v1/reviews", json=payload, csrf=False)
    assert response.status_code == 400 and error(response)["code"] == "csrf_failed"


def test_a_buyer_without_a_delivered_order_gets_403_with_the_reason(client):
    _, _, product = seller_with_product()
    line = bought_line(product, status=OrderStatus.CONFIRMED)
    login(client, line.order.buyer)
    response = client.post("/api/v1/reviews", json={"order_item_id": str(line.id), "rating": 5})
    assert response.status_code == 403
    assert error(response)["code"] == "order_not_delivered" and "delivered" in error(response)["message"]
    login(client, make_user())
    response = client.post("/api/v1/reviews", json={"order_item_id": str(line.id), "rating": 5})
    assert response.status_code == 403 and error(response)["code"] == "not_the_buyer"
    response = client.post("/api/v1/reviews", json={"order_item_id": str(uuid.uuid4()), "rating": 5})
    assert response.status_code == 404


@pytest.mark.parametrize("payload,field", [
    ({"rating": 0}, "rating"), ({"rating": 6}, "rating"), ({"rating": "x"}, "rating"), ({}, "rating"),
    ({"rating": 5, "body": "b" * 2001}, "body"), ({"rating": 5, "surprise": 1}, "surprise"),
])
def test_create_with_bad_input_is_422_with_the_field(client, payload, field):
    _, _, product = seller_with_product()
    line = bought_line(product)
    login(client, line.order.buyer)
    response = client.post("/api/v1/reviews", json={"order_item_id": str(line.id), **payload})
    assert response.status_code == 422 and field in error(response)["fields"]
    db.session.expire_all()
    assert db.session.get(Product, product.id).review_count == 0


def test_update_review(client):
    _, _, product = seller_with_product()
    line = bought_line(product)
    review = reviews.create_review(line.order.buyer, line.id, 2, "Meh")
    login(client, line.order.buyer)
    response = client.put(f"/api/v1/reviews/{review.id}", json={"rating": 5})
    assert response.status_code == 200 and response.get_json()["rating"] == 5
    assert response.get_json()["body"] == "Meh"
    db.session.expire_all()
    assert str(db.session.get(Product, product.id).average_rating) == "5.00"
    bad = client.put(f"/api/v1/reviews/{review.id}", json={"rating": 9})
    assert bad.status_code == 422 and "rating" in error(bad)["fields"]


def test_update_by_someone_else_is_404_and_after_30_days_403(client):
    _, _, product = seller_with_product()
    line = bought_line(product)
    review = reviews.create_review(line.order.buyer, line.id, 2, "Meh")
    login(client, make_user())
    assert client.put(f"/api/v1/reviews/{review.id}", json={"rating": 5}).status_code == 404
    db.session.execute(text("UPDATE reviews SET created_at = now() - interval '40 days' WHERE id = :id"),
                       {"id": review.id})
    login(client, line.order.buyer)
    response = client.put(f"/api/v1/reviews/{review.id}", json={"body": "Late edit"})
    assert response.status_code == 403 and error(response)["code"] == "edit_window_closed"


def test_openapi_documents_the_review_calls(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert "get" in paths["/api/v1/products/{product_id}/reviews"]
    assert "post" in paths["/api/v1/reviews"] and "put" in paths["/api/v1/reviews/{review_id}"]
    schemas = document["components"]["schemas"]
    assert any(name.startswith("ReviewCreateIn") for name in schemas)
    assert any(name.startswith("ReviewListOut") for name in schemas)
