"""The total the buyer saw (audit finding 8): a checkout sent with `expected_total` is refused
(409 prices_changed, nothing written, the idempotency key free again) when prices changed
since; the page and the app then show the new total, and placing it again succeeds.

Setup is committed before requests that may be refused: the view rolls back, which in the
test harness returns to the last commit.
"""
import re

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import CartItem, CheckoutRequest, Order, ProductVariant, Voucher
from marketplace.services.cart import cart
from marketplace.services.ordering.checkout import PricesChanged, place_orders
from tests.cart_support import buyer_with_address, htmx, login, two_shops
from tests.conftest import CsrfClient
from tests.factories import make_voucher


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def data(app):
    """A buyer with 2 Alpha kettles (2000 each, voucher TEN: 10% off) and 1 Beta teapot (1500)."""
    buyer, address = buyer_with_address()
    (shop_a, kettle), (shop_b, teapot) = two_shops()
    voucher = make_voucher(shop_a, code="TEN", value=10)
    lines = (cart.add_item(buyer, kettle.variants[0].id, 2), cart.add_item(buyer, teapot.variants[0].id, 1))
    fee = app.config["SHIPPING_FEE"]
    return {"buyer": buyer, "address": address, "shops": (shop_a, shop_b), "kettle": kettle.variants[0],
            "teapot": teapot.variants[0], "voucher": voucher, "lines": lines, "fee": fee,
            # what the buyer is shown: 4000 - 400 + fee, and 1500 + fee
            "total": 4000 - 400 + 1500 + 2 * fee}


def reprice_kettle(data, price: int) -> None:
    """A seller changes the price after the buyer looked (committed, as another request would)."""
    db.session.execute(ProductVariant.__table__.update().where(ProductVariant.id == data["kettle"].id)
                       .values(price=price))
    db.session.commit()


def assert_nothing_written(data):
    db.session.expire_all()
    assert count(Order, Order.buyer_id == data["buyer"].id) == 0
    assert count(CheckoutRequest, CheckoutRequest.user_id == data["buyer"].id) == 0
    assert count(CartItem, CartItem.user_id == data["buyer"].id) == 2
    assert (data["kettle"].stock, data["teapot"].stock) == (5, 5)
    assert db.session.get(Voucher, data["voucher"].id).used_count == 0


def place(data, key="k", **kwargs):
    return place_orders(data["buyer"], data["address"].id, "COD", vouchers={data["shops"][0].id: "TEN"},
                        idempotency_key=key, **kwargs)


# --- the service ------------------------------------------------------------------------------

def test_the_total_shown_places_the_orders(data):
    placed = place(data, expected_total=data["total"])
    assert sum(order.total for order in placed.orders) == data["total"]


def test_a_changed_price_is_refused_with_the_new_total_and_nothing_is_written(data):
    reprice_kettle(data, 2500)
    new_total = 5000 - 500 + 1500 + 2 * data["fee"]
    savepoint = db.session.begin_nested()
    with pytest.raises(PricesChanged) as caught:
        place(data, expected_total=data["total"])
    savepoint.rollback()
    assert (caught.value.status, caught.value.code, caught.value.total) == (409, "prices_changed", new_total)
    assert f"it is now ${new_total / 100:.2f}" in caught.value.message
    assert caught.value.fields == {"expected_total": caught.value.message}
    assert_nothing_written(data)
    # The buyer saw the new total: the same key now places the orders.
    placed = place(data, expected_total=new_total)
    assert not placed.replayed and sum(order.total for order in placed.orders) == new_total
    assert data["kettle"].stock == 3 and db.session.get(Voucher, data["voucher"].id).used_count == 1


def test_without_an_expected_total_the_current_prices_are_charged_as_before(data):
    reprice_kettle(data, 2500)
    placed = place(data)
    assert sum(order.total for order in placed.orders) == 5000 - 500 + 1500 + 2 * data["fee"]


# --- the API ------------------------------------------------------------------------------------

def api_body(data, total=None, **extra):
    body = {"address_id": str(data["address"].id), "vouchers": {str(data["shops"][0].id): "TEN"}}
    if total is not None:
        body["expected_total"] = total
    body.update(extra)
    return body


def quote(client, data) -> dict:
    response = client.post("/api/v1/orders/quote", json={"vouchers": {str(data["shops"][0].id): "TEN"}})
    assert response.status_code == 200
    return response.get_json()


def test_the_quote_prices_the_cart_like_the_checkout(client, data):
    db.session.commit()
    login(client, data["buyer"])
    body = quote(client, data)
    assert (body["total"], body["subtotal"], body["discount"], body["shipping_fee"], body["ready"]) == (
        data["total"], 5500, 400, 2 * data["fee"], True)
    assert sorted(body["cart_item_ids"]) == sorted(str(line.id) for line in data["lines"])
    alpha = next(shop for shop in body["shops"] if shop["shop"]["id"] == str(data["shops"][0].id))
    assert (alpha["subtotal"], alpha["discount"], alpha["total"], alpha["voucher_code"]) == (
        4000, 400, 3600 + data["fee"], "TEN")
    response = client.post("/api/v1/orders", json=api_body(data, body["total"]), headers={"Idempotency-Key": "q"})
    assert response.status_code == 201
    assert sum(order["total"] for order in response.get_json()["orders"]) == data["total"]


def test_the_quote_refuses_bad_input_and_prices_only_what_can_be_bought(app, client, data):
    db.session.commit()
    anonymous = CsrfClient(app, app.response_class, use_cookies=True)  # a valid token, nobody signed in
    assert anonymous.post("/api/v1/orders/quote", json={}).get_json()["error"]["code"] == "unauthorized"
    login(client, data["buyer"])
    bad = client.post("/api/v1/orders/quote", json={"cart_item_ids": ["not-a-uuid"], "vouchers": {"x": 1}})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) & {"cart_item_ids", "cart_item_ids.0", "vouchers"}
    # a voucher that doesn't apply: priced without the discount, and not ready to place
    wrong = client.post("/api/v1/orders/quote", json={"vouchers": {str(data["shops"][0].id): "NOPE"}}).get_json()
    assert wrong["ready"] is False and wrong["discount"] == 0
    alpha = next(shop for shop in wrong["shops"] if shop["shop"]["id"] == str(data["shops"][0].id))
    assert alpha["voucher_error"] and alpha["voucher_code"] == "NOPE"
    # someone else's line is never priced: only the buyer's own lines count
    other, _ = buyer_with_address()
    (_, mug), _ = two_shops()
    foreign = cart.add_item(other, mug.variants[0].id, 1)
    db.session.commit()
    mine = str(data["lines"][1].id)
    only = client.post("/api/v1/orders/quote", json={"cart_item_ids": [mine, str(foreign.id)]}).get_json()
    assert only["cart_item_ids"] == [mine] and only["subtotal"] == 1500
    assert count(Order) == 0  # a quote writes nothing


def test_the_api_refuses_a_changed_total_then_the_same_key_places_the_new_one(client, data):
    db.session.commit()
    login(client, data["buyer"])
    seen = quote(client, data)["total"]
    reprice_kettle(data, 2500)
    refused = client.post("/api/v1/orders", json=api_body(data, seen), headers={"Idempotency-Key": "retry"})
    error = refused.get_json()["error"]
    new_total = 5000 - 500 + 1500 + 2 * data["fee"]
    assert refused.status_code == 409 and error["code"] == "prices_changed"
    assert f"${new_total / 100:.2f}" in error["message"] and set(error["fields"]) == {"expected_total"}
    assert_nothing_written(data)
    assert quote(client, data)["total"] == new_total
    placed = client.post("/api/v1/orders", json=api_body(data, new_total), headers={"Idempotency-Key": "retry"})
    assert placed.status_code == 201
    again = client.post("/api/v1/orders", json=api_body(data, new_total), headers={"Idempotency-Key": "retry"})
    assert again.status_code == 200 and count(Order, Order.buyer_id == data["buyer"].id) == 2


def test_the_api_without_expected_total_behaves_as_before_and_checks_its_type(client, data):
    db.session.commit()
    login(client, data["buyer"])
    negative = client.post("/api/v1/orders", json=api_body(data, -1), headers={"Idempotency-Key": "n"})
    assert negative.status_code == 422 and "expected_total" in negative.get_json()["error"]["fields"]
    reprice_kettle(data, 2500)
    placed = client.post("/api/v1/orders", json=api_body(data), headers={"Idempotency-Key": "old-app"})
    assert placed.status_code == 201


def test_openapi_documents_expected_total_and_the_quote(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "post" in spec["paths"]["/api/v1/orders/quote"]
    schemas = spec["components"]["schemas"]
    place_in = next(schema for name, schema in schemas.items() if name.startswith("PlaceOrdersIn"))
    described = place_in["properties"]["expected_total"]
    assert "prices_changed" in described["description"] and "minor units" in described["description"]


# --- the page -----------------------------------------------------------------------------------

def shown_total(html: str) -> int:
    match = re.search(r'name="expected_total" value="(\d+)"', html)
    assert match, "no expected_total on the page"
    return int(match.group(1))


def page_form(data, html: str, key="p" * 32) -> dict:
    return {"address_id": str(data["address"].id), "payment_method": "COD", "idempotency_key": key,
            "lines_sent": "1", "line": [str(line.id) for line in data["lines"]],
            f"voucher-{data['shops'][0].id}": "TEN", "expected_total": str(shown_total(html))}


def test_the_page_sends_the_total_it_shows_and_htmx_keeps_it_current(client, data):
    db.session.commit()
    login(client, data["buyer"])
    page = client.get("/checkout").get_data(as_text=True)
    assert shown_total(page) == 4000 + 1500 + 2 * data["fee"]  # no voucher typed yet
    with_voucher = client.post("/checkout/preview", headers=htmx("checkout-summary"), data={
        "lines_sent": "1", "line": [str(data["lines"][0].id)], f"voucher-{data['shops'][0].id}": "TEN"})
    fragment = with_voucher.get_data(as_text=True)
    assert 'id="checkout-totals" class="card" hx-swap-oob="true"' in fragment
    assert shown_total(fragment) == 3600 + data["fee"]


def test_a_changed_price_brings_the_page_back_with_the_new_total_and_a_flash(client, data):
    db.session.commit()
    login(client, data["buyer"])
    form = page_form(data, client.post("/checkout/preview", data={
        "lines_sent": "1", "line": [str(line.id) for line in data["lines"]],
        f"voucher-{data['shops'][0].id}": "TEN"}).get_data(as_text=True))
    assert int(form["expected_total"]) == data["total"]
    reprice_kettle(data, 2500)
    response = client.post("/checkout", data=form)
    html = response.get_data(as_text=True)
    new_total = 5000 - 500 + 1500 + 2 * data["fee"]
    assert response.status_code == 409
    assert f"Your total has changed since you last saw it: it is now ${new_total / 100:.2f}." in html
    assert "alert-warning" in html and shown_total(html) == new_total
    assert f'id="checkout-grand-total">${new_total / 100:.2f}<' in html
    assert 'value="' + form["idempotency_key"] + '"' in html  # the same key: a retry is the same checkout
    assert_nothing_written(data)
    placed = client.post("/checkout", data=page_form(data, html, key=form["idempotency_key"]))
    assert placed.status_code == 302 and "/checkout/done/" in placed.headers["Location"]
    orders = db.session.scalars(select(Order).where(Order.buyer_id == data["buyer"].id)).all()
    assert sum(order.total for order in orders) == new_total
