"""Races on one order, with real threads, each with its own session and connection.

The row lock in services.orders makes the second writer wait and then see the first
one's status: whatever the interleaving, the order ends in exactly one valid state,
stock and voucher uses are given back at most once, and the timeline has one event
per change that happened.
"""
import threading

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (
    Notification, Order, OrderEvent, OrderStatus, ProductVariant, Role, User, Voucher, VoucherUsage,
)
from marketplace.services.ordering import orders
from marketplace.services.ordering.orders import TransitionNotAllowed
from tests.factories import make_product, make_shop, make_user
from tests.orders_support import make_voucher, placed_order

pytestmark = pytest.mark.concurrency
ROUNDS = 10
S = OrderStatus


def _place(app):
    """A PENDING order of 3 units (stock 10 → 7) with a voucher use; committed; returns ids."""
    with app.app_context():
        buyer = make_user()
        shop = make_shop()
        product = make_product(shop=shop, variants=[{"stock": 10}])
        voucher = make_voucher(shop, usage_limit=10)
        order = placed_order(buyer, product, 3, voucher=voucher)
        admin = make_user(role=Role.ADMIN)
        ids = {"order": order.id, "buyer": buyer.id, "seller": shop.owner_id, "admin": admin.id,
               "variant": product.variants[0].id, "voucher": voucher.id}
        db.session.commit()
        db.session.remove()
    return ids


def _race(app, ids, *moves):
    """Run each move (name, fn(actor_ids) -> None) in its own thread, all released at once."""
    barrier = threading.Barrier(len(moves), timeout=20)
    outcome = {}

    def worker(name, move):
        with app.app_context():
            try:
                barrier.wait()
                move(ids)
                db.session.commit()
                outcome[name] = "done"
            except TransitionNotAllowed as refused:
                db.session.rollback()
                outcome[name] = refused
            except Exception as error:  # surfaced by the assertions below
                db.session.rollback()
                outcome[name] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=move) for move in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a transition hung: lock never released"
    return outcome


def _user(ids, key):
    return db.session.get(User, ids[key])


def _buyer_cancels(ids):
    orders.cancel_by_buyer(_user(ids, "buyer"), ids["order"], "changed my mind")


def _seller_confirms(ids):
    orders.confirm_order(_user(ids, "seller"), ids["order"])


def _seller_cancels(ids):
    orders.cancel_by_seller(_user(ids, "seller"), ids["order"], "no stock")


def _admin_cancels(ids):
    orders.cancel_by_admin(_user(ids, "admin"), ids["order"], "fraud")


def _state(app, ids):
    with app.app_context():
        order = db.session.get(Order, ids["order"])
        state = {
            "status": order.status,
            "stock": db.session.scalar(select(ProductVariant.stock).where(ProductVariant.id == ids["variant"])),
            "used": db.session.scalar(select(Voucher.used_count).where(Voucher.id == ids["voucher"])),
            "usages": db.session.scalar(select(func.count()).select_from(VoucherUsage)
                                        .where(VoucherUsage.order_id == ids["order"])),
            "events": db.session.execute(select(OrderEvent.from_status, OrderEvent.to_status)
                                         .where(OrderEvent.order_id == ids["order"])
                                         .order_by(OrderEvent.created_at)).all(),
            "notified": db.session.scalars(select(Notification.user_id)
                                           .where(Notification.link.contains(str(ids["order"])))).all(),
        }
        db.session.remove()
    return state


def _one_winner(outcome):
    winners = [name for name, result in outcome.items() if result == "done"]
    losers = [result for result in outcome.values() if result != "done"]
    assert len(winners) == 1, outcome
    assert all(isinstance(result, TransitionNotAllowed) for result in losers), outcome
    return winners[0]


def test_buyer_cancelling_while_the_seller_confirms(committed_app):
    seen = set()
    for _ in range(ROUNDS):
        ids = _place(committed_app)
        winner = _one_winner(_race(committed_app, ids, ("cancel", _buyer_cancels), ("confirm", _seller_confirms)))
        seen.add(winner)
        state = _state(committed_app, ids)
        if winner == "cancel":
            assert state["status"] is S.CANCELLED
            assert (state["stock"], state["used"], state["usages"]) == (10, 0, 0)
            assert state["events"] == [(None, S.PENDING), (S.PENDING, S.CANCELLED)]
            assert state["notified"] == [ids["seller"]]
        else:
            assert state["status"] is S.CONFIRMED
            assert (state["stock"], state["used"], state["usages"]) == (7, 1, 1)
            assert state["events"] == [(None, S.PENDING), (S.PENDING, S.CONFIRMED)]
            assert state["notified"] == [ids["buyer"]]
    assert seen  # at least one round ran; either side may win every time on a given machine


@pytest.mark.parametrize("second", [_seller_cancels, _admin_cancels], ids=["seller", "admin"])
def test_two_cancellations_give_stock_and_voucher_back_once(committed_app, second):
    for _ in range(ROUNDS):
        ids = _place(committed_app)
        _one_winner(_race(committed_app, ids, ("buyer", _buyer_cancels), ("other", second)))
        state = _state(committed_app, ids)
        assert state["status"] is S.CANCELLED
        assert (state["stock"], state["used"], state["usages"]) == (10, 0, 0)
        assert state["events"] == [(None, S.PENDING), (S.PENDING, S.CANCELLED)]
