"""JSON API: GET /orders, GET /orders/{id}, POST /orders/{id}/cancel, POST /orders/{id}/confirm-receipt."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Order, OrderStatus, ProductVariant, Voucher
from marketplace.models.base import utcnow
from marketplace.services.ordering import orders as order_service
from tests.factories import make_order, make_product, make_user
from tests.orders_support import login, make_voucher, placed_order

S = OrderStatus


@pytest.fixture
def buyer(client):
    user = make_user()
    login(client, user)
    return user


def _status(order):
    db.session.expire_all()
    return db.session.get(Order, order.id).status


def test_every_call_needs_a_session(client):
    order = make_order()
    db.session.commit()
    for method, url in [("get", "/api/v1/orders"), ("get", f"/api/v1/orders/{order.id}"),
                        ("post", f"/api/v1/orders/{order.id}/cancel"),
                        ("post", f"/api/v1/orders/{order.id}/confirm-receipt")]:
        response = getattr(client, method)(url, json={} if method == "post" else None)
        assert response.status_code == 401, url
        assert response.get_json()["error"]["code"] == "unauthorized"
    assert _status(order) is S.PENDING


def test_list_pages_with_cursor_and_filters_by_status(client, buyer):
    product = make_product()
    start = utcnow() - timedelta(hours=1)
    made = [make_order(buyer, product, created_at=start + timedelta(minutes=i)) for i in range(5)]
    shipped = make_order(buyer, product, status=S.SHIPPING, created_at=start + timedelta(minutes=30))
    make_order(make_user(), product)  # someone else's
    first = client.get("/api/v1/orders?limit=4").get_json()
    assert [o["id"] for o in first["items"]] == [str(o.id) for o in [shipped] + made[::-1][:3]]
    second = client.get(f"/api/v1/orders?limit=4&cursor={first['next_cursor']}").get_json()
    assert [o["id"] for o in second["items"]] == [str(o.id) for o in made[::-1][3:]]
    assert second["next_cursor"] is None
    only = client.get("/api/v1/orders?status=SHIPPING").get_json()
    assert [o["id"] for o in only["items"]] == [str(shipped.id)]


def test_list_items_have_the_order_shape(client, buyer):
    order = make_order(buyer, quantity=2)
    item = client.get("/api/v1/orders").get_json()["items"][0]
    assert item["number"] == order.number and item["status"] == "PENDING"
    assert item["shop"] == {"id": str(order.shop_id), "name": order.shop.name}
    assert (item["subtotal"], item["total"], item["currency"]) == (order.subtotal, order.total, "USD")
    assert item["items"][0]["quantity"] == 2 and item["items"][0]["sku"] == order.items[0].sku
    assert item["shipping_address"]["line1"] == "12 Lê Lợi"
    assert [e["to_status"] for e in item["events"]] == ["PENDING"]
    assert item["tracking_number"] is None and item["cancel_reason"] is None


@pytest.mark.parametrize(("query", "field"), [
    ("status=LOST", "status"), ("cursor=%%%", "cursor"), ("limit=0", "limit"), ("limit=500", "limit"),
])
def test_bad_list_query_is_422_with_the_field(client, buyer, query, field):
    response = client.get(f"/api/v1/orders?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_get_one_order_with_its_timeline(client, buyer):
    order = make_order(buyer, status=S.PENDING)
    order_service.confirm_order(order.shop.owner, order.id)
    order_service.ship_order(order.shop.owner, order.id, "VN-55")
    db.session.commit()
    body = client.get(f"/api/v1/orders/{order.id}").get_json()
    assert body["status"] == "SHIPPING" and body["tracking_number"] == "VN-55"
    assert [(e["from_status"], e["to_status"]) for e in body["events"]] == [
        (None, "PENDING"), ("PENDING", "CONFIRMED"), ("CONFIRMED", "SHIPPING")]
    assert body["events"][2]["note"] == "Tracking number: VN-55"


@pytest.mark.parametrize("suffix", ["", "/cancel", "/confirm-receipt"])
def test_another_users_order_is_404(client, buyer, suffix):
    order = make_order(make_user(), status=S.DELIVERED if suffix == "/confirm-receipt" else S.PENDING)
    db.session.commit()
    call = client.get if not suffix else (lambda url: client.post(url, json={}))
    response = call(f"/api/v1/orders/{order.id}{suffix}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert call(f"/api/v1/orders/{uuid.uuid4()}{suffix}").status_code == 404
    assert _status(order) in (S.PENDING, S.DELIVERED)


def test_cancel_restocks_returns_the_voucher_and_answers_the_order(client, buyer):
    product = make_product(variants=[{"stock": 10}])
    voucher = make_voucher(product.shop)
    order = placed_order(buyer, product, 3, voucher=voucher)
    response = client.post(f"/api/v1/orders/{order.id}/cancel", json={"reason": "Found it cheaper"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "CANCELLED" and body["cancel_reason"] == "Found it cheaper"
    assert body["events"][-1]["to_status"] == "CANCELLED"
    assert db.session.scalar(select(ProductVariant.stock).where(ProductVariant.id == product.variants[0].id)) == 10
    assert db.session.scalar(select(Voucher.used_count).where(Voucher.id == voucher.id)) == 0


def test_cancel_without_a_body_is_fine(client, buyer):
    order = make_order(buyer)
    response = client.post(f"/api/v1/orders/{order.id}/cancel")
    assert response.status_code == 200 and response.get_json()["cancel_reason"] is None


def test_cancel_after_shipping_is_409_with_the_message(client, buyer):
    order = make_order(buyer, status=S.SHIPPING)
    db.session.commit()
    response = client.post(f"/api/v1/orders/{order.id}/cancel", json={"reason": "late"})
    assert response.status_code == 409
    assert response.get_json()["error"] == {
        "code": "transition_not_allowed", "message": "This order is SHIPPING; it can no longer be cancelled.",
        "fields": {}}
    assert _status(order) is S.SHIPPING


@pytest.mark.parametrize("body", [{"reason": "x" * 501}, {"reason": 5}, {"why": "extra field"}])
def test_bad_cancel_body_is_422_with_fields(client, buyer, body):
    order = make_order(buyer)
    db.session.commit()
    response = client.post(f"/api/v1/orders/{order.id}/cancel", json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]
    assert _status(order) is S.PENDING


def test_unsafe_calls_need_the_csrf_token(client, buyer):
    order = make_order(buyer, status=S.DELIVERED)
    db.session.commit()
    assert client.post(f"/api/v1/orders/{order.id}/confirm-receipt", csrf=False).status_code == 400
    assert _status(order) is S.DELIVERED


def test_confirm_receipt(client, buyer):
    order = make_order(buyer, status=S.DELIVERED)
    db.session.commit()
    response = client.post(f"/api/v1/orders/{order.id}/confirm-receipt")
    assert response.status_code == 200 and response.get_json()["status"] == "COMPLETED"
    again = client.post(f"/api/v1/orders/{order.id}/confirm-receipt")
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == "This order is COMPLETED; it can no longer be marked as received."


def test_openapi_documents_the_order_calls(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/orders"]
    assert {"/api/v1/orders/{order_id}", "/api/v1/orders/{order_id}/cancel",
            "/api/v1/orders/{order_id}/confirm-receipt"} <= set(paths)


def test_order_lines_carry_their_review_id_once_written(client, buyer, count_queries):
    delivered = make_order(buyer, status=S.DELIVERED)
    pending = make_order(buyer)
    db.session.commit()
    [line] = client.get(f"/api/v1/orders/{delivered.id}").get_json()["items"]
    assert line["review_id"] is None  # not written yet: the app offers "write a review"
    written = client.post("/api/v1/reviews", json={"order_item_id": line["id"], "rating": 4, "body": "Solid."})
    assert written.status_code == 201
    review_id = written.get_json()["id"]
    assert client.get(f"/api/v1/orders/{delivered.id}").get_json()["items"][0]["review_id"] == review_id
    with count_queries() as queries:
        listed = client.get("/api/v1/orders").get_json()["items"]
    by_id = {o["id"]: o["items"][0]["review_id"] for o in listed}
    assert by_id == {str(delivered.id): review_id, str(pending.id): None}
    # one statement for the review ids of the whole page, whatever its length
    assert sum("FROM reviews" in q for q in queries) == 1
