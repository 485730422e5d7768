"""Payouts racing on one balance, with real threads and connections: two (or eight) requests of the
same available balance pay it once and never overdraw it; a settlement sweep racing a payout request
neither deadlocks nor loses money (the payout takes what was available when it got the row's lock)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Payout, Shop, User
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.ledger import payouts
from marketplace.services.ledger import trial_balance_queries as tb
from marketplace.services.ledger.balance_queries import figures
from marketplace.services.ledger.settlement import settle_due
from tests.concurrency.support import race
from tests.ledger_support import after_settlement_days, delivered_order, seller_shop

pytestmark = pytest.mark.concurrency


def _race(app, moves: dict) -> dict:
    return race(app, moves, hung="a payout race deadlocked")


def _settled_shop(app):
    """A committed shop whose delivered order is settled: its earnings available."""
    with app.app_context():
        shop = seller_shop()
        order = delivered_order(shop, prices=(3000, 2000))
        settle_due(after_settlement_days(app, order))
        ids = dict(shop=shop.id, owner=shop.owner_id, available=figures(shop.id, "USD").available)
        db.session.commit()
        db.session.remove()
    return ids


def _request(owner_id):
    return lambda: payouts.request(db.session.get(User, owner_id)).amount


def test_concurrent_requests_pay_one_balance_once(committed_app):
    ids = _settled_shop(committed_app)
    results = _race(committed_app, {f"r{i}": _request(ids["owner"]) for i in range(8)})
    paid = [r for r in results.values() if isinstance(r, int)]
    refused = [r for r in results.values() if isinstance(r, Exception)]
    assert paid == [ids["available"]], results
    assert len(refused) == 7 and all(isinstance(r, ValidationFailed) and r.code == "below_minimum" for r in refused)
    with committed_app.app_context():
        after = figures(ids["shop"], "USD")
        assert (after.available, after.in_transit) == (0, ids["available"])
        assert db.session.scalar(select(func.count()).select_from(Payout)) == 1
        assert tb.disagreeing_shops() == [] and set(tb.currency_sums(tb.account_totals()).values()) == {0}
        db.session.remove()


@pytest.mark.parametrize("round_", range(3))
def test_a_settlement_racing_a_payout_request_loses_nothing(committed_app, round_):
    ids = _settled_shop(committed_app)
    with committed_app.app_context():
        second = delivered_order(db.session.get(Shop, ids["shop"]), prices=(4000,))
        due = after_settlement_days(committed_app, second) + timedelta(hours=1)
        pending = figures(ids["shop"], "USD").pending
        db.session.commit()
        db.session.remove()
    results = _race(committed_app, {"settle": lambda: settle_due(due), "payout": _request(ids["owner"])})
    assert results["settle"] == 1, results
    assert results["payout"] in (ids["available"], ids["available"] + pending), results
    with committed_app.app_context():
        after = figures(ids["shop"], "USD")
        assert after.pending == 0
        assert after.available + after.in_transit == ids["available"] + pending
        assert after.available >= 0
        assert tb.disagreeing_shops() == [] and set(tb.currency_sums(tb.account_totals()).values()) == {0}
        db.session.remove()
