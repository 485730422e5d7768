"""JSON API: a POST /cart/items retried with the same Idempotency-Key adds once.

The mobile app retries an add after a timeout; without a key the retry doubled the quantity.
Setup is committed before calls that may be refused (the API rolls back on a refusal).
"""
from datetime import timedelta

from sqlalchemy import func, select, update

from marketplace.extensions import db
from marketplace.models import CartItem, CartRequest, ProductVariant
from marketplace.models.base import utcnow
from tests.cart_support import buyer_with_address, login, two_shops


def _signed_in(client):
    buyer, _ = buyer_with_address()
    (_, kettle), _ = two_shops()
    db.session.commit()
    login(client, buyer)
    return buyer, kettle.variants[0]


def _add(client, variant, quantity=1, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/cart/items", json={"variant_id": str(variant.id), "quantity": quantity},
                       headers=headers)


def _in_cart(buyer) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(CartItem.quantity), 0)).where(CartItem.user_id == buyer.id))


def test_a_retry_with_the_same_key_adds_once_and_answers_the_cart(client):
    buyer, kettle = _signed_in(client)
    first = _add(client, kettle, 2, key="add-1")
    retry = _add(client, kettle, 2, key="add-1")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.get_json() == first.get_json() and retry.get_json()["total_quantity"] == 2
    assert _in_cart(buyer) == 2
    assert _add(client, kettle, 2, key="add-2").status_code == 201  # a new key is a new add
    assert _in_cart(buyer) == 4


def test_without_a_key_every_add_adds(client):
    buyer, kettle = _signed_in(client)
    assert [_add(client, kettle).status_code for _ in range(2)] == [201, 201]
    assert _in_cart(buyer) == 2 and db.session.scalar(select(func.count()).select_from(CartRequest)) == 0


def test_a_key_reused_for_another_add_is_refused_and_adds_nothing(client):
    buyer, kettle = _signed_in(client)
    _add(client, kettle, 1, key="add-1")
    reused = _add(client, kettle, 3, key="add-1")
    error = reused.get_json()["error"]
    assert reused.status_code == 422 and error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in error["fields"]
    assert _in_cart(buyer) == 1


def test_a_refused_add_keeps_no_claim_so_its_retry_is_a_new_attempt(client):
    buyer, kettle = _signed_in(client)  # 5 in stock
    refused = _add(client, kettle, 6, key="add-1")
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "insufficient_stock"
    db.session.execute(update(ProductVariant).where(ProductVariant.id == kettle.id).values(stock=10))
    db.session.commit()
    assert _add(client, kettle, 6, key="add-1").status_code == 201
    assert _in_cart(buyer) == 6


def test_keys_are_kept_a_day(client):
    buyer, kettle = _signed_in(client)
    _add(client, kettle, 1, key="old")
    _add(client, kettle, 1, key="recent")
    db.session.execute(update(CartRequest).where(CartRequest.idempotency_key == "old")
                       .values(created_at=utcnow() - timedelta(days=1, minutes=1)))
    db.session.commit()
    _add(client, kettle, 1, key="new")  # each claim forgets the user's keys older than a day
    keys = set(db.session.scalars(select(CartRequest.idempotency_key).where(CartRequest.user_id == buyer.id)))
    assert keys == {"recent", "new"}


def test_the_key_is_documented_in_the_openapi_document(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/cart/items"]["post"]
    names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
    assert "Idempotency-Key" in names and "200" in operation["responses"]
