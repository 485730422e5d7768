"""Checkout under real concurrency: threads with their own sessions and connections,
released together by a barrier, against committed data.

Stock never goes below zero, a voucher is never used past its limits, and one
idempotency key places one set of orders, whatever the interleaving. The pool
(DATABASE_POOL_SIZE + overflow) bounds how many run at the very same instant; the
rest queue for a connection and race the stragglers.
"""
import threading
import uuid
from functools import partial

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import CartItem, CheckoutRequest, Order, OrderItem, ProductVariant, User, Voucher, VoucherUsage
from marketplace.services.cart import cart
from marketplace.services.core.errors import DomainError
from marketplace.services.ordering.checkout import OutOfStock, place_orders
from marketplace.services.ordering.vouchers import VoucherInvalid
from tests.concurrency.support import run_threads
from tests.concurrency.support import scalar_of as _scalar
from tests.factories import make_address, make_product, make_shop, make_user, make_voucher

pytestmark = pytest.mark.concurrency


def _buyers(app, count: int, variant_ids: list, quantity: int = 1) -> list[tuple]:
    """`count` verified buyers, each with an address and `quantity` of every variant in the cart."""
    with app.app_context():
        people = []
        for _ in range(count):
            buyer = make_user()
            address = make_address(buyer, is_default=True)
            for variant_id in variant_ids:
                db.session.add(CartItem(user_id=buyer.id, variant_id=variant_id, quantity=quantity))
            people.append((buyer.id, address.id))
        db.session.commit()
        db.session.remove()
    return people


def _race(app, calls: list) -> list:
    """Run every call (fn(user) -> result) in its own thread and app context; results in order."""
    barrier = threading.Barrier(len(calls), timeout=60)
    results: list = [None] * len(calls)

    def worker(index, user_id, call):
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                db.session.commit()  # give the connection back: nobody holds one at the barrier
                barrier.wait()
                placed = call(user)
                db.session.commit()
                results[index] = sorted(o.id for o in placed.orders)
            except DomainError as refused:
                db.session.rollback()
                results[index] = refused
            except Exception as error:  # kept for the assertions: a crash must fail the test
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    run_threads([partial(worker, i, user_id, call) for i, (user_id, call) in enumerate(calls)],
                hung="a checkout hung")
    return results


def _catalog(app, stock: int, variants: int = 1) -> tuple[uuid.UUID, list[uuid.UUID]]:
    with app.app_context():
        shop = make_shop()
        product = make_product(shop=shop, title="Last Lantern",
                               variants=[{"stock": stock, "price": 1000} for _ in range(variants)])
        ids = shop.id, [v.id for v in product.variants]
        db.session.commit()
        db.session.remove()
    return ids


def test_50_buyers_race_for_the_last_10_units(committed_app):
    app = committed_app
    _, (variant_id,) = _catalog(app, stock=10)
    people = _buyers(app, 50, [variant_id])
    results = _race(app, [
        (user_id, lambda user, a=address_id, n=n: place_orders(user, a, "COD", idempotency_key=f"k{n}"))
        for n, (user_id, address_id) in enumerate(people)
    ])
    sold = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, OutOfStock)]
    assert len(sold) == 10 and len(refused) == 40, [r for r in results if not isinstance(r, (list, OutOfStock))]
    assert all(r.status == 409 and "Last Lantern" in r.message and "sold out" in r.message for r in refused)
    assert _scalar(app, select(ProductVariant.stock).where(ProductVariant.id == variant_id)) == 0
    assert _scalar(app, select(func.coalesce(func.sum(OrderItem.quantity), 0))) == 10
    assert _scalar(app, select(func.count()).select_from(Order)) == 10
    assert _scalar(app, select(func.count()).select_from(CheckoutRequest)) == 10


def test_a_voucher_limited_to_5_uses_among_20_buyers(committed_app):
    app = committed_app
    shop_id, (variant_id,) = _catalog(app, stock=100)
    with app.app_context():
        voucher_id = make_voucher(db.session.get(type(make_shop()), shop_id), code="FIVE", usage_limit=5).id
        db.session.commit()
        db.session.remove()
    people = _buyers(app, 20, [variant_id])
    results = _race(app, [
        (user_id, lambda user, a=address_id, n=n: place_orders(user, a, "COD", vouchers={shop_id: "five"},
                                                               idempotency_key=f"v{n}"))
        for n, (user_id, address_id) in enumerate(people)
    ])
    used = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, VoucherInvalid)]
    assert len(used) == 5 and len(refused) == 15, [r for r in results if not isinstance(r, (list, VoucherInvalid))]
    assert {r.code for r in refused} == {"used_up"}
    assert _scalar(app, select(Voucher.used_count).where(Voucher.id == voucher_id)) == 5
    assert _scalar(app, select(func.count()).select_from(VoucherUsage)) == 5
    assert _scalar(app, select(func.count()).select_from(Order).where(Order.voucher_id == voucher_id)) == 5
    assert _scalar(app, select(ProductVariant.stock).where(ProductVariant.id == variant_id)) == 95


def test_one_buyer_racing_two_checkouts_cannot_pass_the_per_user_limit(committed_app):
    app = committed_app
    shop_id, (variant_id,) = _catalog(app, stock=100)
    with app.app_context():
        make_voucher(db.session.get(type(make_shop()), shop_id), code="ONCE", per_user_limit=1)
        db.session.commit()
        db.session.remove()
    ((user_id, address_id),) = _buyers(app, 1, [variant_id])
    results = _race(app, [
        (user_id, lambda user, n=n: place_orders(user, address_id, "COD", vouchers={shop_id: "ONCE"},
                                                 idempotency_key=f"tab-{n}"))
        for n in range(6)
    ])
    assert sum(isinstance(r, list) for r in results) == 1
    # the losers either saw the voucher used or, once the winner emptied the cart, nothing to buy
    assert all(isinstance(r, (list, VoucherInvalid, DomainError)) for r in results), results
    assert _scalar(app, select(func.count()).select_from(VoucherUsage)) == 1


def test_the_same_idempotency_key_10_times_at_once_places_once(committed_app):
    app = committed_app
    _, (variant_a,) = _catalog(app, stock=10)
    _, (variant_b,) = _catalog(app, stock=10)
    ((user_id, address_id),) = _buyers(app, 1, [variant_a, variant_b], quantity=2)
    results = _race(app, [
        (user_id, lambda user: place_orders(user, address_id, "COD", idempotency_key="double-click"))
        for _ in range(10)
    ])
    assert all(isinstance(r, list) for r in results), results
    assert len({tuple(r) for r in results}) == 1 and len(results[0]) == 2
    assert _scalar(app, select(func.count()).select_from(CheckoutRequest)) == 1
    assert _scalar(app, select(func.count()).select_from(Order)) == 2
    assert _scalar(app, select(func.sum(ProductVariant.stock))) == 16


def test_overlapping_carts_locked_in_opposite_orders_never_deadlock(committed_app):
    app = committed_app
    _, variant_ids = _catalog(app, stock=15, variants=3)
    people = _buyers(app, 12, [])
    with app.app_context():
        # Each buyer's cart lines are created in a different order of variants.
        for n, (user_id, _) in enumerate(people):
            order = variant_ids[n % 3:] + variant_ids[:n % 3]
            for variant_id in (order if n % 2 else list(reversed(order))):
                cart.add_item(db.session.get(User, user_id), variant_id, 1)
        db.session.commit()
        db.session.remove()
    results = _race(app, [
        (user_id, lambda user, a=address_id, n=n: place_orders(user, a, "COD", idempotency_key=f"d{n}"))
        for n, (user_id, address_id) in enumerate(people)
    ])
    assert all(isinstance(r, list) for r in results), [r for r in results if not isinstance(r, list)]
    assert _scalar(app, select(func.sum(ProductVariant.stock))) == 3 * 15 - 12 * 3
