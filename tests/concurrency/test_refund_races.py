"""Races on one order's money, with real threads, each with its own session and connection.

Refunds lock the order row, so two refunds of one line run one after the other and the second
sees what the first gave back: together they never exceed what was paid. A return accepted while
an administrator cancels the order (and refunds it in full) ends consistent whichever goes first.
"""
import threading

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import LedgerEntry, OrderItem, Refund, ReturnRequest, Role, User
from marketplace.services.core.errors import DomainError
from marketplace.services.ledger import refunds
from marketplace.services.ledger.refunds import LineRefund
from marketplace.services.ordering import orders
from marketplace.services.returns import returns
from tests.concurrency.support import run_threads, scalar_of
from tests.factories import make_user
from tests.returns_support import cod_order

pytestmark = pytest.mark.concurrency
ROUNDS = 5


def _delivered(app, with_return: bool = False):
    with app.app_context():
        data = cod_order()
        ids = {"order": data["order"].id, "line": data["items"][0].id, "paid": data["items"][0].paid,
               "buyer": data["buyer"].id, "seller": data["seller"].id,
               "admin": make_user(role=Role.ADMIN).id}
        if with_return:
            ids["return"] = returns.request_return(data["buyer"], data["order"].id, {data["items"][0].id: 2},
                                                   "DAMAGED").id
        db.session.commit()
        db.session.remove()
    return ids


def _race(app, *moves):
    barrier = threading.Barrier(len(moves), timeout=20)
    outcome = {}

    def worker(name, move):
        with app.app_context():
            try:
                barrier.wait()
                move()
                db.session.commit()
                outcome[name] = "done"
            except DomainError as refused:
                db.session.rollback()
                outcome[name] = refused
            except Exception as error:
                db.session.rollback()
                outcome[name] = error
            finally:
                db.session.remove()

    run_threads([lambda n=name, m=move: worker(n, m) for name, move in moves], hung="a refund race hung")
    return outcome


def test_two_refunds_of_one_line_at_once_never_exceed_what_was_paid(committed_app):
    app = committed_app
    for _ in range(ROUNDS):
        ids = _delivered(app)
        share = ids["paid"] * 2 // 3  # two of these are more than the line
        outcome = _race(app, *[(name, lambda: refunds.decide(ids["order"], [LineRefund(ids["line"], 0, share)],
                                                             reason="race")) for name in ("a", "b")])
        done = [name for name, result in outcome.items() if result == "done"]
        assert len(done) == 1, outcome
        refused = next(result for result in outcome.values() if result != "done")
        assert getattr(refused, "code", None) == "refund_above_paid", outcome
        assert scalar_of(app, select(OrderItem.refunded_amount).where(OrderItem.id == ids["line"])) == share
        assert scalar_of(app, select(func.count(Refund.id)).where(Refund.order_id == ids["order"])) == 1
        assert scalar_of(app, select(func.coalesce(func.sum(LedgerEntry.amount), 0))) == 0


def test_a_return_accepted_while_the_order_is_cancelled_ends_consistent(committed_app):
    app = committed_app
    for _ in range(ROUNDS):
        ids = _delivered(app, with_return=True)

        def accept():
            returns.accept(db.session.get(User, ids["seller"]), ids["return"])

        def cancel():
            orders.cancel_by_admin(db.session.get(User, ids["admin"]), ids["order"], "fraud")

        outcome = _race(app, ("accept", accept), ("cancel", cancel))
        assert outcome["cancel"] == "done", outcome
        status = scalar_of(app, select(ReturnRequest.status).where(ReturnRequest.id == ids["return"]))
        assert status == "CLOSED"  # cancelled after the accept, or the accept refused after the cancel
        assert outcome["accept"] == "done" or getattr(outcome["accept"], "code", "") == "return_not_allowed", outcome
        assert scalar_of(app, select(OrderItem.return_quantity).where(OrderItem.id == ids["line"])) == 0
        assert scalar_of(app, select(OrderItem.refunded_amount).where(OrderItem.id == ids["line"])) == ids["paid"]
        assert scalar_of(app, select(func.count(Refund.id)).where(Refund.order_id == ids["order"])) == 1
        assert scalar_of(app, select(func.coalesce(func.sum(LedgerEntry.amount), 0))) == 0
