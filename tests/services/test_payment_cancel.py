"""services/payments.cancel_checkout: the buyer gives up on an unpaid checkout, every order of it at
once, by the buyer's own cancel rule; a payment confirmed afterwards is refunded. One unpaid order
alone can't be cancelled: one payment pays them all."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import (
    Notification, OrderEvent, OrderStatus, PaymentRefund, VoucherUsage,
)
from marketplace.services.core.errors import NotFound
from marketplace.services.ordering import orders as order_service
from marketplace.services.ordering.orders import Action, ActorRole, TransitionNotAllowed
from marketplace.services.payments import payments
from marketplace.services.payments.payments import PaymentClosed
from marketplace.services.payments.providers.base import Ack
from tests.factories import make_user
from tests.payments_support import count, notification, online_checkout, orders_of, stock_of

S = OrderStatus


def test_cancelling_an_unpaid_checkout_cancels_every_order_as_the_buyer_and_gives_everything_back(app):
    data = online_checkout(voucher=True)
    assert stock_of(data) == (3, 2) and data["voucher"].used_count == 1
    payment = payments.cancel_checkout(data["buyer"], data["payment"].id)
    assert payment.status == "CANCELLED"
    orders = orders_of(data)
    assert [o.status for o in orders] == [S.CANCELLED, S.CANCELLED]
    assert stock_of(data) == (5, 3)
    db.session.refresh(data["voucher"])
    assert data["voucher"].used_count == 0 and count(VoucherUsage) == 0
    events = db.session.execute(select(OrderEvent.from_status, OrderEvent.to_status, OrderEvent.actor_id)
                                .where(OrderEvent.order_id.in_([o.id for o in orders]),
                                       OrderEvent.to_status == S.CANCELLED)).all()
    assert sorted(events) == [(S.AWAITING_PAYMENT, S.CANCELLED, data["buyer"].id)] * 2  # the buyer's own move
    owners = {shop.owner_id for shop in data["shops"]}
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "order.cancelled")).all()
    assert set(told) == owners  # each shop hears it, as of any buyer's cancel; the buyer did it


def test_a_payment_confirmed_after_the_cancel_is_refunded_and_the_buyer_told(app):
    data = online_checkout()
    payment = data["payment"]
    payments.cancel_checkout(data["buyer"], payment.id)
    assert payments.handle_notification("sandbox", notification(payment)) is Ack.ACCEPTED
    db.session.refresh(payment)
    assert payment.status == "REFUNDED"
    refund = db.session.scalar(select(PaymentRefund).where(PaymentRefund.payment_id == payment.id))
    assert refund.amount == payment.amount and refund.reason == "paid after the buyer cancelled"
    assert [o.status for o in orders_of(data)] == [S.CANCELLED, S.CANCELLED]  # not brought back
    assert count(Notification, Notification.kind == "payment.refunded",
                  Notification.user_id == data["buyer"].id) == 1


def test_a_paid_checkout_is_not_cancelled_as_a_whole(app):
    data = online_checkout()
    payments.handle_notification("sandbox", notification(data["payment"]))
    with pytest.raises(PaymentClosed, match="already paid"):
        payments.cancel_checkout(data["buyer"], data["payment"].id)
    assert [o.status for o in orders_of(data)] == [S.PENDING, S.PENDING] and stock_of(data) == (3, 2)


@pytest.mark.parametrize("first", ["cancel", "expire"])
def test_a_checkout_already_cancelled_or_expired_is_refused(app, first):
    data = online_checkout()
    if first == "cancel":
        payments.cancel_checkout(data["buyer"], data["payment"].id)
    else:
        data["payment"].hold_until = data["payment"].hold_until.replace(year=2000)
        payments.expire_due()
    with pytest.raises(PaymentClosed, match="already cancelled"):
        payments.cancel_checkout(data["buyer"], data["payment"].id)
    assert stock_of(data) == (5, 3)  # given back once


def test_someone_elses_checkout_is_not_found_and_unchanged(app):
    data = online_checkout()
    with pytest.raises(NotFound):
        payments.cancel_checkout(make_user(), data["payment"].id)
    assert data["payment"].status == "PENDING" and stock_of(data) == (3, 2)


def test_one_unpaid_order_alone_is_not_cancelled(app):
    data = online_checkout()
    order = orders_of(data)[0]
    assert Action.CANCEL not in order_service.allowed_actions(order, ActorRole.BUYER)
    with pytest.raises(TransitionNotAllowed, match="paid together with the other orders"):
        order_service.cancel_by_buyer(data["buyer"], order.id)
    assert [o.status for o in orders_of(data)] == [S.AWAITING_PAYMENT] * 2 and stock_of(data) == (3, 2)


@pytest.fixture
def closed(monkeypatch):
    """The references the sandbox is asked to close, in order."""
    from marketplace.services.payments.providers.sandbox import SandboxProvider

    asked = []
    monkeypatch.setattr(SandboxProvider, "cancel", lambda self, reference: asked.append(reference))
    return asked


def test_a_cancelled_checkout_closes_every_attempt_at_the_provider_once_committed(app, closed):
    """So that a page left open in another tab can no longer take the money."""
    from tests.payments_support import links

    data = online_checkout()
    payment = data["payment"]
    first = payment.provider_reference
    payments.pay_again(data["buyer"], payment.id, links)
    payments.cancel_checkout(data["buyer"], payment.id)
    assert closed == []  # nothing asked before the cancel is committed
    db.session.commit()
    assert closed == [first, payment.provider_reference]


def test_a_cancel_rolled_back_closes_nothing(app, closed):
    data = online_checkout()
    db.session.commit()
    payments.cancel_checkout(data["buyer"], data["payment"].id)
    db.session.rollback()  # the request failed after the cancel
    db.session.commit()
    assert closed == []


def test_an_expired_hold_closes_its_attempt_and_a_provider_that_refuses_is_only_logged(app, monkeypatch, caplog):
    from marketplace.services.payments.providers.errors import ProviderError
    from marketplace.services.payments.providers.sandbox import SandboxProvider

    def refuse(self, reference):
        raise ProviderError("already paid")

    monkeypatch.setattr(SandboxProvider, "cancel", refuse)
    data = online_checkout()
    data["payment"].hold_until = data["payment"].hold_until.replace(year=2000)
    assert payments.expire_due() == 1
    db.session.commit()
    assert data["payment"].status == "EXPIRED"
    assert any("attempt not closed at the provider" in record.getMessage() for record in caplog.records)
