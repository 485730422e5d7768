"""`flask refunds send` (online refunds still OWED go to their provider) and `flask returns sweep`
(returns the seller left unanswered go to the admin); the after-commit sender without Redis."""
from datetime import timedelta

from marketplace import jobs
from marketplace.extensions import db
from marketplace.models import Refund, ReturnRequest
from marketplace.services.ledger import refunds
from marketplace.services.ledger.refunds import LineRefund
from marketplace.services.returns import returns
from tests.returns_support import cod_order, online_paid


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def test_refunds_send_pays_the_owed_online_refunds_through_the_provider(app, monkeypatch):
    monkeypatch.setattr(refunds, "_senders", [])  # as if the job never ran
    data = online_paid(deliver_it=True)
    refund = refunds.decide(data["order"].id, [LineRefund(data["items"][0].id, 1, 2000)], reason="x")
    cash = cod_order()
    by_hand = refunds.decide(cash["order"].id, [LineRefund(cash["items"][0].id, 1, 1000)], reason="x")
    db.session.commit()
    result = _cli(app, "refunds", "send")
    assert result.exit_code == 0 and "PAID: 1" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(Refund, refund.id).status == "PAID"
    assert db.session.get(Refund, by_hand.id).status == "OWED"  # cash on delivery: an admin pays it
    assert "No refund to send." in _cli(app, "refunds", "send").output


def test_returns_sweep_disputes_what_the_seller_left_unanswered(app):
    data = cod_order()
    request = returns.request_return(data["buyer"], data["order"].id, {data["items"][0].id: 1}, "DAMAGED")
    request.respond_by -= timedelta(days=app.config["RETURN_RESPONSE_DAYS"] + 1)
    db.session.commit()
    result = _cli(app, "returns", "sweep")
    assert result.exit_code == 0 and "Disputed 1" in result.output
    db.session.expire_all()
    assert db.session.get(ReturnRequest, request.id).status == "DISPUTED"


def test_without_redis_the_decision_is_sent_once_committed_in_a_session_of_its_own(app):
    assert jobs.dispatch_refund in refunds._senders  # marketplace/jobs.py registered it
    data = online_paid(deliver_it=True)
    refund = refunds.decide(data["order"].id, [LineRefund(data["items"][0].id, 1, 2000)], reason="x")
    assert db.session.get(Refund, refund.id).status == "OWED"  # nothing asked before the commit
    db.session.commit()  # outside a request: sent at once after it
    db.session.expire_all()
    assert db.session.get(Refund, refund.id).status == "PAID"
    jobs.dispatch_refund(refund.id)  # sent again (a retried job): nothing changes
    db.session.expire_all()
    assert db.session.get(Refund, refund.id).status == "PAID"
