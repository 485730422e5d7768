"""Races on one checkout's payment, with real threads, each with its own session and connection.

The same notification sent 20 times at once is processed once (the unique event id); "paid" and
"expired", or "paid" and the buyer's cancel, at the same moment end in exactly one of their
outcomes: paid and kept, or cancelled and refunded, never both and never neither.
"""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from marketplace.extensions import db
from marketplace.models import (
    CheckoutPayment, Notification, Order, OrderEvent, OrderStatus, PaymentEvent, PaymentRefund, ProductVariant, User,
)
from marketplace.services.payments import payments
from marketplace.services.payments.providers.base import Ack
from tests.concurrency.support import committing, run_threads
from tests.payments_support import notification, online_checkout

pytestmark = pytest.mark.concurrency
S = OrderStatus
ROUNDS = 8


def _place(app, *, overdue=False):
    """A committed ONLINE checkout from two shops; returns its ids and the PAID notification."""
    with app.app_context():
        data = online_checkout()
        payment = data["payment"]
        if overdue:
            db.session.execute(update(CheckoutPayment).where(CheckoutPayment.id == payment.id)
                               .values(hold_until=payment.hold_until - timedelta(minutes=30)))
        ids = {"payment": payment.id, "checkout": data["placed"].checkout_id, "buyer": data["buyer"].id,
               "variants": [v.id for v in data["variants"]], "paid": notification(payment)}
        db.session.commit()
        db.session.remove()
    return ids


def _state(app, ids):
    with app.app_context():
        state = {
            "payment": db.session.scalar(select(CheckoutPayment.status).where(CheckoutPayment.id == ids["payment"])),
            "orders": sorted(s.value for s in db.session.scalars(
                select(Order.status).where(Order.checkout_id == ids["checkout"]))),
            "moves": db.session.execute(
                select(OrderEvent.from_status, OrderEvent.to_status, func.count())
                .join(Order, Order.id == OrderEvent.order_id).where(Order.checkout_id == ids["checkout"],
                                                                   OrderEvent.from_status.is_not(None))
                .group_by(OrderEvent.from_status, OrderEvent.to_status)).all(),
            "stock": [db.session.scalar(select(ProductVariant.stock).where(ProductVariant.id == v))
                      for v in ids["variants"]],
            "refunds": db.session.scalar(select(func.count()).select_from(PaymentRefund)
                                         .where(PaymentRefund.payment_id == ids["payment"])),
            "events": db.session.scalar(select(func.count()).select_from(PaymentEvent)
                                        .where(PaymentEvent.payment_id == ids["payment"])),
            "new_order_news": db.session.scalar(select(func.count()).select_from(Notification)
                                                .where(Notification.kind == "order.placed")),
        }
        db.session.remove()
    return state


def test_the_same_notification_twenty_times_at_once_is_processed_once(committed_app):
    ids = _place(committed_app)
    barrier = threading.Barrier(20, timeout=30)
    results = {}
    run_threads([committing(committed_app, barrier, results, i,
                            lambda: payments.handle_notification("sandbox", ids["paid"])) for i in range(20)],
                hung="a notification waited forever")
    assert sorted(results.values(), key=str) == [Ack.ACCEPTED] + [Ack.DUPLICATE] * 19, results
    state = _state(committed_app, ids)
    assert state["payment"] == "PAID" and state["orders"] == ["PENDING", "PENDING"]
    assert state["moves"] == [(S.AWAITING_PAYMENT, S.PENDING, 2)]
    assert state["events"] == 1 and state["new_order_news"] == 2 and state["refunds"] == 0


def test_paid_and_expired_racing_end_in_exactly_one_outcome(committed_app):
    seen = set()
    for __ in range(ROUNDS):
        ids = _place(committed_app, overdue=True)
        barrier = threading.Barrier(2, timeout=30)
        results = {}
        run_threads([
            committing(committed_app, barrier, results, "paid",
                       lambda: payments.handle_notification("sandbox", ids["paid"])),
            committing(committed_app, barrier, results, "expire", payments.expire_due),
        ], hung="paid and expired deadlocked")
        assert results["paid"] is Ack.ACCEPTED and isinstance(results["expire"], int), results
        state = _state(committed_app, ids)
        if state["payment"] == "PAID":  # paid first (or the sweep skipped its locked row)
            assert state["orders"] == ["PENDING", "PENDING"] and state["refunds"] == 0
            assert state["stock"] == [3, 2]
            assert state["moves"] == [(S.AWAITING_PAYMENT, S.PENDING, 2)]
        else:  # expired first: the money goes back
            assert state["payment"] == "REFUNDED" and state["refunds"] == 1
            assert state["orders"] == ["CANCELLED", "CANCELLED"] and state["stock"] == [5, 3]
            assert state["moves"] == [(S.AWAITING_PAYMENT, S.CANCELLED, 2)]
        seen.add(state["payment"])
    assert seen <= {"PAID", "REFUNDED"}


def test_the_buyers_cancel_and_paid_racing_end_in_exactly_one_outcome(committed_app):
    """Cancel first: the orders are the buyer's cancelled ones and the payment is refunded; paid first:
    the orders go on and the cancel is refused. Never both, never neither."""
    seen = set()
    for __ in range(ROUNDS):
        ids = _place(committed_app)
        barrier = threading.Barrier(2, timeout=30)
        results = {}

        def cancel():
            buyer = db.session.get(User, ids["buyer"])
            return payments.cancel_checkout(buyer, ids["payment"]).status

        run_threads([
            committing(committed_app, barrier, results, "paid",
                       lambda: payments.handle_notification("sandbox", ids["paid"])),
            committing(committed_app, barrier, results, "cancel", cancel),
        ], hung="paid and cancel deadlocked")
        assert results["paid"] is Ack.ACCEPTED, results
        state = _state(committed_app, ids)
        if state["payment"] == "PAID":  # paid first: the cancel was refused
            assert isinstance(results["cancel"], payments.PaymentClosed), results
            assert state["orders"] == ["PENDING", "PENDING"] and state["refunds"] == 0
            assert state["stock"] == [3, 2]
            assert state["moves"] == [(S.AWAITING_PAYMENT, S.PENDING, 2)]
        else:  # cancelled first: the money goes back
            assert results["cancel"] == "CANCELLED", results
            assert state["payment"] == "REFUNDED" and state["refunds"] == 1
            assert state["orders"] == ["CANCELLED", "CANCELLED"] and state["stock"] == [5, 3]
            assert state["moves"] == [(S.AWAITING_PAYMENT, S.CANCELLED, 2)]
        seen.add(state["payment"])
    assert seen <= {"PAID", "REFUNDED"}
