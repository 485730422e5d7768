"""One cart line, several checkouts at once: two browser tabs, or an app that retries with a new
Idempotency-Key. Each checkout has its own key, so the key can't tell them apart: the cart line
can. Exactly one order holds each line; every other checkout gets 409 cart_changed and takes
nothing. The same holds for an add to the cart that the app retries with one key: it adds once.
Real connections (threads released by a barrier) against committed data, on the service and
through both faces (the JSON API and the checkout form).
"""
import threading
import uuid
from functools import partial

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import CartItem, CheckoutRequest, Order, OrderItem, ProductVariant, User
from marketplace.services.ordering.checkout import CartChanged, place_orders
from tests.concurrency.support import run_threads
from tests.concurrency.support import scalar_of as _scalar
from tests.conftest import CsrfClient
from tests.factories import login_id, make_address, make_product, make_shop, make_user

pytestmark = pytest.mark.concurrency

RACERS = 8


def _cart(app, stocks: list[int], quantity: int = 1) -> dict:
    """A verified buyer with an address and `quantity` of one product per entry of `stocks`, each
    from its own shop (so a mixed cart places one order per shop)."""
    with app.app_context():
        buyer = make_user()
        address = make_address(buyer, is_default=True)
        variants = []
        for n, stock in enumerate(stocks):
            product = make_product(shop=make_shop(), title=f"Lantern {n}", variants=[{"stock": stock, "price": 1000}])
            variants.append(product.variants[0])
        lines = [CartItem(user_id=buyer.id, variant_id=v.id, quantity=quantity) for v in variants]
        db.session.add_all(lines)
        session_id = login_id(buyer)
        db.session.commit()
        data = {"user_id": buyer.id, "session_id": session_id, "address_id": address.id,
                "variant_ids": [v.id for v in variants], "line_ids": [line.id for line in lines]}
        db.session.remove()
    return data


def _race(count: int, call) -> list:
    """call(n) in `count` threads released together; their results (or exceptions) in order."""
    barrier = threading.Barrier(count, timeout=60)
    results: list = [None] * count

    def worker(n):
        try:
            barrier.wait()
            results[n] = call(n)
        except Exception as error:  # kept for the assertions
            results[n] = error

    run_threads([partial(worker, n) for n in range(count)], hung="a checkout hung")
    return results


def _assert_sold_once(app, data, quantity: int = 1, stock: int = 5):
    """One checkout, its orders (one per shop), each line's units taken once, the cart empty."""
    assert _scalar(app, select(func.count()).select_from(CheckoutRequest)) == 1
    assert _scalar(app, select(func.count()).select_from(Order)) == len(data["variant_ids"])
    assert _scalar(app, select(func.sum(OrderItem.quantity))) == quantity * len(data["variant_ids"])
    for variant_id in data["variant_ids"]:
        assert _scalar(app, select(ProductVariant.stock).where(ProductVariant.id == variant_id)) == stock - quantity
    assert _scalar(app, select(func.count()).select_from(CartItem)) == 0


def _place_in_thread(app, data, n: int, cart_item_ids):
    with app.app_context():
        try:
            user = db.session.get(User, data["user_id"])
            placed = place_orders(user, data["address_id"], "COD", cart_item_ids=cart_item_ids,
                                  idempotency_key=f"tab-{n}")
            db.session.commit()
            return [order.id for order in placed.orders]
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()


@pytest.mark.parametrize("shops", [1, 3], ids=["one line", "mixed cart"])
def test_checkouts_with_different_keys_sell_each_cart_line_once(committed_app, shops):
    app = committed_app
    data = _cart(app, [5] * shops)
    results = _race(RACERS, lambda n: _place_in_thread(app, data, n, data["line_ids"]))
    placed = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, CartChanged)]
    assert len(placed) == 1 and len(placed[0]) == shops, results
    assert len(refused) == RACERS - 1, results
    assert all(r.status == 409 and "no longer in your cart" in r.message for r in refused)
    _assert_sold_once(app, data)


def test_checkouts_of_the_whole_cart_place_it_once(committed_app):
    """No lines named (the API's default: every line): the losers find the cart empty."""
    app = committed_app
    data = _cart(app, [5, 5])
    results = _race(RACERS, lambda n: _place_in_thread(app, data, n, None))
    assert sum(isinstance(r, list) for r in results) == 1, results
    assert all(getattr(r, "code", None) == "empty_selection" for r in results if not isinstance(r, list)), results
    _assert_sold_once(app, data)


def _client(app, session_id: str) -> CsrfClient:
    """A signed-in client of its own (its own cookie jar: a browser tab, or a phone)."""
    app.test_client_class = CsrfClient
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_id, True
    return client


@pytest.mark.parametrize("shops", [1, 3], ids=["one line", "mixed cart"])
def test_api_orders_with_different_keys_sell_each_cart_line_once(committed_app, shops):
    app = committed_app
    data = _cart(app, [5] * shops, quantity=1)
    clients = [_client(app, data["session_id"]) for _ in range(RACERS)]
    body = {"address_id": str(data["address_id"]), "cart_item_ids": [str(i) for i in data["line_ids"]]}
    responses = _race(RACERS, lambda n: clients[n].post("/api/v1/orders", json=body,
                                                       headers={"Idempotency-Key": uuid.uuid4().hex}))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (RACERS - 1), [r.get_json() for r in responses]
    for refused in (r for r in responses if r.status_code == 409):
        error = refused.get_json()["error"]
        assert error["code"] == "cart_changed" and "no longer in your cart" in error["message"]
        assert "cart_item_ids" in error["fields"]
    _assert_sold_once(app, data)


def test_two_checkout_tabs_submitted_at_once_place_one_order(committed_app):
    app = committed_app
    data = _cart(app, [5, 5], quantity=2)
    tabs = [_client(app, data["session_id"]) for _ in range(2)]
    form = {"address_id": str(data["address_id"]), "payment_method": "COD", "lines_sent": "1",
            "line": [str(i) for i in data["line_ids"]]}
    responses = _race(2, lambda n: tabs[n].post("/checkout", data={**form, "idempotency_key": f"{n}" * 32}))
    placed = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 409]
    assert len(placed) == 1 and "/checkout/done/" in placed[0].headers["Location"], responses
    assert len(refused) == 1 and "no longer in your cart" in refused[0].get_data(as_text=True)
    _assert_sold_once(app, data, quantity=2)


def test_an_add_to_the_cart_retried_at_once_with_one_key_adds_once(committed_app):
    """The app's retry can overtake its first try: both wait on the key, one adds."""
    app = committed_app
    data = _cart(app, [50])
    clients = [_client(app, data["session_id"]) for _ in range(RACERS)]
    body = {"variant_id": str(data["variant_ids"][0]), "quantity": 3}
    responses = _race(RACERS, lambda n: clients[n].post("/api/v1/cart/items", json=body,
                                                       headers={"Idempotency-Key": "add-once"}))
    assert sorted(r.status_code for r in responses) == [200] * (RACERS - 1) + [201], responses
    assert _scalar(app, select(CartItem.quantity)) == 1 + 3  # the line it had, plus one add
