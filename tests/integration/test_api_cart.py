"""JSON API: cart, POST /orders (idempotent) and vouchers, with their error shapes.

Setup is committed before calls that may be refused (the API rolls back on a refusal).
"""
import uuid

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import CartItem, CheckoutRequest, Order, ProductStatus
from marketplace.services.cart import cart
from tests.cart_support import buyer_with_address, login, two_shops
from tests.factories import make_user, make_voucher


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def signed_in(client, **fields):
    buyer, address = buyer_with_address(**fields)
    shops = two_shops()
    db.session.commit()
    login(client, buyer)
    return buyer, address, shops


def test_cart_needs_a_login(client):
    response = client.get("/api/v1/cart")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_add_read_change_and_remove_lines(client):
    buyer, _, ((shop_a, kettle), (_, teapot)) = signed_in(client)
    response = client.post("/api/v1/cart/items", json={"variant_id": str(kettle.variants[0].id), "quantity": 2})
    assert response.status_code == 201
    body = response.get_json()
    assert body["currency"] == "USD" and body["subtotal"] == 4000 and body["line_count"] == 1
    shop = body["shops"][0]
    assert shop["shop"] == {"id": str(shop_a.id), "name": "Alpha Store"} and shop["subtotal"] == 4000
    line = shop["items"][0]
    assert (line["quantity"], line["unit_price"], line["line_total"], line["available"], line["flag"]) == (2, 2000, 4000, True, None)
    client.post("/api/v1/cart/items", json={"variant_id": str(teapot.variants[0].id)})
    patched = client.patch(f"/api/v1/cart/items/{line['id']}", json={"quantity": 5})
    assert patched.status_code == 200 and patched.get_json()["subtotal"] == 10000 + 1500
    deleted = client.delete(f"/api/v1/cart/items/{line['id']}")
    assert deleted.status_code == 200 and deleted.get_json()["line_count"] == 1
    assert client.get("/api/v1/cart").get_json()["total_quantity"] == 1


def test_bad_input_is_a_422_in_the_error_shape(client):
    buyer, _, ((_, kettle), _) = signed_in(client)
    zero = client.post("/api/v1/cart/items", json={"variant_id": str(kettle.variants[0].id), "quantity": 0})
    assert zero.status_code == 422 and "quantity" in zero.get_json()["error"]["fields"]
    negative = client.post("/api/v1/cart/items", json={"variant_id": str(kettle.variants[0].id), "quantity": -1})
    assert negative.status_code == 422
    too_many = client.post("/api/v1/cart/items", json={"variant_id": str(kettle.variants[0].id), "quantity": 6})
    error = too_many.get_json()["error"]
    assert too_many.status_code == 422 and error["code"] == "insufficient_stock"
    assert error["message"] == "Only 5 of Alpha Kettle (Variant 1) available."
    missing = client.post("/api/v1/cart/items", json={"variant_id": str(uuid.uuid4()), "quantity": 1})
    assert missing.status_code == 404
    kettle.status = ProductStatus.HIDDEN
    db.session.commit()
    hidden = client.post("/api/v1/cart/items", json={"variant_id": str(kettle.variants[0].id), "quantity": 1})
    assert hidden.status_code == 422 and hidden.get_json()["error"]["code"] == "unavailable"
    assert count(CartItem, CartItem.user_id == buyer.id) == 0


def test_another_users_line_is_a_404(client):
    _, _, ((_, kettle), _) = signed_in(client)
    owner = make_user()
    line = cart.add_item(owner, kettle.variants[0].id, 1)
    db.session.commit()
    assert client.patch(f"/api/v1/cart/items/{line.id}", json={"quantity": 2}).status_code == 404
    assert client.delete(f"/api/v1/cart/items/{line.id}").status_code == 404
    assert db.session.get(CartItem, line.id, populate_existing=True).quantity == 1


def test_unsafe_calls_need_the_csrf_token(client):
    _, _, ((_, kettle), _) = signed_in(client)
    response = client.post("/api/v1/cart/items", json={"variant_id": str(kettle.variants[0].id)}, csrf=False)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"


def test_sync_merges_and_reports_capped_lines(client):
    buyer, _, ((_, kettle), (_, teapot)) = signed_in(client)
    response = client.post("/api/v1/cart/sync", json={"items": [
        {"variant_id": str(kettle.variants[0].id), "quantity": 9},
        {"variant_id": str(teapot.variants[0].id), "quantity": 1},
    ]})
    body = response.get_json()
    assert response.status_code == 200 and body["cart"]["total_quantity"] == 6
    assert body["adjustments"] == [{"variant_id": str(kettle.variants[0].id), "wanted": 9, "kept": 5,
                                    "message": "Only 5 of Alpha Kettle (Variant 1) available: your cart has 5."}]


def test_place_orders_is_idempotent_and_needs_the_key(client):
    buyer, address, ((shop_a, kettle), (_, teapot)) = signed_in(client)
    make_voucher(shop_a, code="TEN", value=10)
    cart.add_item(buyer, kettle.variants[0].id, 1)
    cart.add_item(buyer, teapot.variants[0].id, 1)
    db.session.commit()
    body = {"address_id": str(address.id), "payment_method": "COD", "vouchers": {str(shop_a.id): "ten"}}
    missing = client.post("/api/v1/orders", json=body)
    assert missing.status_code == 422 and "Idempotency-Key" in missing.get_json()["error"]["fields"]
    first = client.post("/api/v1/orders", json=body, headers={"Idempotency-Key": "order-1"})
    assert first.status_code == 201
    orders = first.get_json()["orders"]
    assert len(orders) == 2
    alpha = next(o for o in orders if o["shop"]["id"] == str(shop_a.id))
    assert (alpha["subtotal"], alpha["discount"], alpha["voucher_code"], alpha["status"], alpha["currency"]) == (
        2000, 200, "TEN", "PENDING", "USD")
    assert alpha["total"] == alpha["subtotal"] - alpha["discount"] + alpha["shipping_fee"]
    assert alpha["items"][0]["product_title"] == "Alpha Kettle"
    assert alpha["shipping_address"]["line1"] == address.line1 and alpha["number"].startswith("MP")
    again = client.post("/api/v1/orders", json=body, headers={"Idempotency-Key": "order-1"})
    assert again.status_code == 200
    assert sorted(o["id"] for o in again.get_json()["orders"]) == sorted(o["id"] for o in orders)
    assert count(Order, Order.buyer_id == buyer.id) == 2


def test_place_orders_refusals_write_nothing(client):
    buyer, address, ((_, kettle), _) = signed_in(client)
    cart.add_item(buyer, kettle.variants[0].id, 3)
    kettle.variants[0].stock = 2
    db.session.commit()
    response = client.post("/api/v1/orders", json={"address_id": str(address.id)}, headers={"Idempotency-Key": "x"})
    error = response.get_json()["error"]
    assert response.status_code == 409 and error["code"] == "out_of_stock"
    assert "Only 2 of Alpha Kettle" in error["message"]
    other = client.post("/api/v1/orders", json={"address_id": str(uuid.uuid4())}, headers={"Idempotency-Key": "y"})
    assert other.status_code == 404 and other.get_json()["error"]["code"] == "address_not_found"
    bad_method = client.post("/api/v1/orders", json={"address_id": str(address.id), "payment_method": "CARD"},
                             headers={"Idempotency-Key": "z"})
    assert bad_method.status_code == 422
    assert count(Order, Order.buyer_id == buyer.id) == 0 and count(CheckoutRequest) == 0
    db.session.refresh(kettle.variants[0])
    assert kettle.variants[0].stock == 2


def test_unverified_buyers_cannot_place_orders(client):
    buyer, address, ((_, kettle), _) = signed_in(client, is_verified=False)
    cart.add_item(buyer, kettle.variants[0].id, 1)
    db.session.commit()
    response = client.post("/api/v1/orders", json={"address_id": str(address.id)}, headers={"Idempotency-Key": "k"})
    assert response.status_code == 403
    # its own code, so the app can open its verification screen; the message says how
    error = response.get_json()["error"]
    assert error["code"] == "unverified" and error["fields"] == {}
    assert "Verify your phone or email" in error["message"] and "/api/v1/auth/verify-otp" in error["message"]
    assert count(Order, Order.buyer_id == buyer.id) == 0


def test_validate_voucher_gives_the_discount_or_the_reason_code(client):
    _, _, ((shop_a, _), (shop_b, _)) = signed_in(client)
    make_voucher(shop_a, code="BIG", value=20, max_discount=1000, min_spend=3000)
    db.session.commit()
    ok = client.post("/api/v1/vouchers/validate", json={"shop_id": str(shop_a.id), "code": "big", "subtotal": 10000})
    assert ok.status_code == 200
    assert ok.get_json() == {"code": "BIG", "discount": 1000, "currency": "USD",
                             "description": "20% off (up to $10.00) on orders from $30.00"}
    for shop, subtotal, reason in ((shop_a, 2999, "min_spend_not_met"), (shop_b, 10000, "wrong_shop")):
        refused = client.post("/api/v1/vouchers/validate", json={"shop_id": str(shop.id), "code": "BIG", "subtotal": subtotal})
        assert refused.status_code == 422 and refused.get_json()["error"]["code"] == reason
    unknown = client.post("/api/v1/vouchers/validate", json={"shop_id": str(shop_a.id), "code": "NOPE", "subtotal": 1})
    assert unknown.get_json()["error"]["code"] == "unknown"


def test_available_vouchers_of_a_shop(client):
    _, _, ((shop_a, _), _) = signed_in(client)
    make_voucher(shop_a, code="SMALL", min_spend=0)
    make_voucher(shop_a, code="LARGE", min_spend=50000)
    make_voucher(shop_a, code="OFF", is_active=False)
    db.session.commit()
    all_items = client.get(f"/api/v1/vouchers/available?shop_id={shop_a.id}").get_json()["items"]
    assert sorted(v["code"] for v in all_items) == ["LARGE", "SMALL"]
    fitting = client.get(f"/api/v1/vouchers/available?shop_id={shop_a.id}&subtotal=1000").get_json()["items"]
    assert [v["code"] for v in fitting] == ["SMALL"] and fitting[0]["currency"] == "USD"
    assert client.get("/api/v1/vouchers/available?shop_id=nope").status_code == 422
    with client.session_transaction() as session:
        session.clear()
    guest = client.get(f"/api/v1/vouchers/available?shop_id={shop_a.id}")
    assert guest.status_code == 200 and len(guest.get_json()["items"]) == 2


def test_the_openapi_document_lists_the_calls(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/cart", "/api/v1/cart/items", "/api/v1/cart/items/{item_id}", "/api/v1/cart/sync",
                 "/api/v1/orders", "/api/v1/vouchers/validate", "/api/v1/vouchers/available"):
        assert path in paths, path
    assert "post" in paths["/api/v1/orders"]
