"""services/payments: one payment per checkout, notifications processed once, the hold's expiry."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (
    CheckoutPayment, LedgerAccount, LedgerEntry, Notification, OrderEvent, OrderStatus, PaymentEvent, PaymentRefund,
    Refund, Role, Voucher, VoucherUsage,
)
from marketplace.models.base import utcnow
from marketplace.services.cart import cart
from marketplace.services.ordering import order_queries, orders
from marketplace.services.ordering.checkout import place_orders
from marketplace.services.ordering.orders import Action, ActorRole
from marketplace.services.payments import payments, refunding
from marketplace.services.payments.payments import PaymentClosed
from marketplace.services.payments.providers.base import Ack, Outcome
from tests.factories import make_address, make_product, make_shop, make_user
from tests.payments_support import count, links, notification, online_checkout, orders_of, stock_of

S = OrderStatus


def test_an_online_checkout_awaits_one_payment_of_its_grand_total_and_holds_the_stock(app):
    data = online_checkout()
    payment, started = data["payment"], data["started"]
    orders = orders_of(data)
    assert [o.status for o in orders] == [S.AWAITING_PAYMENT] * 2
    assert payment.amount == sum(o.total for o in orders) and payment.status == "PENDING"
    assert payment.attempt == 1 and payment.provider == "sandbox" and payment.provider_reference == started.reference
    assert started.redirect_url.startswith(f"http://localhost/pay/sandbox/{started.reference}?session=")
    assert timedelta(minutes=14) < payment.hold_until - utcnow() <= timedelta(minutes=15)
    assert stock_of(data) == (3, 2)
    # The shops hear nothing yet, and do not see the orders as work.
    assert count(Notification, Notification.kind == "order.placed") == 0
    shop_a = data["shops"][0]
    assert order_queries.list_shop_orders(shop_a).items == []
    assert order_queries.count_shop_orders_by_status(shop_a)[None] == 0


def test_paid_moves_every_order_to_pending_and_tells_the_shops(app):
    data = online_checkout()
    payment = data["payment"]
    assert payments.handle_notification("sandbox", notification(payment)) is Ack.ACCEPTED
    assert [o.status for o in orders_of(data)] == [S.PENDING] * 2
    assert payment.status == "PAID" and payment.paid_at is not None
    assert count(Notification, Notification.kind == "order.placed") == 2
    paid_steps = count(OrderEvent, OrderEvent.from_status == S.AWAITING_PAYMENT, OrderEvent.to_status == S.PENDING)
    assert paid_steps == 2
    assert order_queries.list_shop_orders(data["shops"][0]).items


@pytest.mark.parametrize("outcome", [Outcome.FAILED, Outcome.CANCELLED])
def test_a_decline_or_cancel_leaves_the_orders_waiting_and_pay_again_opens_a_new_attempt(app, outcome):
    data = online_checkout()
    payment = data["payment"]
    first = payment.provider_reference
    assert payments.handle_notification("sandbox", notification(payment, outcome)) is Ack.ACCEPTED
    assert payment.status == "PENDING" and payment.last_outcome == outcome.value
    assert [o.status for o in orders_of(data)] == [S.AWAITING_PAYMENT] * 2
    started = payments.pay_again(data["buyer"], payment.id, links)
    assert payment.attempt == 2 and started.reference != first and payment.last_outcome is None
    assert payments.handle_notification("sandbox", notification(payment)) is Ack.ACCEPTED
    assert payment.status == "PAID"


def test_a_duplicate_is_processed_once(app):
    data = online_checkout()
    payment = data["payment"]
    paid = notification(payment)
    assert payments.handle_notification("sandbox", paid) is Ack.ACCEPTED
    assert payments.handle_notification("sandbox", paid) is Ack.DUPLICATE
    assert count(OrderEvent, OrderEvent.to_status == S.PENDING, OrderEvent.from_status == S.AWAITING_PAYMENT) == 2
    assert count(PaymentEvent) == 1


def test_an_unknown_payment_is_kept_and_changes_nothing(app):
    data = online_checkout()
    payment = data["payment"]
    assert payments.handle_notification("sandbox", notification(payment, reference="sbx_nope")) is Ack.UNKNOWN_PAYMENT
    event = db.session.scalar(select(PaymentEvent))
    assert event.result == "unknown_payment" and event.payment_id is None
    assert payment.status == "PENDING" and [o.status for o in orders_of(data)] == [S.AWAITING_PAYMENT] * 2


@pytest.mark.parametrize("change", [{"amount": 1}, {"currency": "EUR"}])
def test_a_wrong_amount_or_currency_changes_nothing(app, change):
    data = online_checkout()
    payment = data["payment"]
    assert payments.handle_notification("sandbox", notification(payment, **change)) is Ack.WRONG_AMOUNT
    assert payment.status == "PENDING" and [o.status for o in orders_of(data)] == [S.AWAITING_PAYMENT] * 2
    assert db.session.scalar(select(PaymentEvent.result)) == "wrong_amount"


def test_expiry_cancels_the_orders_and_gives_stock_and_voucher_uses_back(app):
    data = online_checkout(voucher=True)
    payment = data["payment"]
    assert stock_of(data) == (3, 2)
    assert payments.expire_due(utcnow()) == 0  # still held
    assert payments.expire_due(payment.hold_until + timedelta(seconds=1)) == 1
    assert payment.status == "EXPIRED"
    assert [o.status for o in orders_of(data)] == [S.CANCELLED] * 2
    assert stock_of(data) == (5, 3)
    voucher = db.session.get(Voucher, data["voucher"].id)
    db.session.refresh(voucher)
    assert voucher.used_count == 0 and count(VoucherUsage) == 0
    buyer_told = count(Notification, Notification.user_id == data["buyer"].id, Notification.kind == "order.cancelled")
    assert buyer_told == 2
    assert count(Notification, Notification.kind == "order.cancelled") == 4  # and each shop
    with pytest.raises(PaymentClosed):
        payments.pay_again(data["buyer"], payment.id, links)


def test_paid_after_the_expiry_is_refunded_and_the_buyer_told(app):
    data = online_checkout()
    payment = data["payment"]
    payments.expire_due(payment.hold_until + timedelta(seconds=1))
    assert payments.handle_notification("sandbox", notification(payment)) is Ack.ACCEPTED
    assert payment.status == "REFUNDED"
    refund = db.session.scalar(select(PaymentRefund))
    assert refund.amount == payment.amount and refund.provider_refund_id.startswith("sbx_refund_")
    assert [o.status for o in orders_of(data)] == [S.CANCELLED] * 2
    assert count(Notification, Notification.kind == "payment.refunded", Notification.user_id == data["buyer"].id) == 1
    # The ledger saw the money come in, owed back, and go out: the cash account follows the provider.
    assert _entries("CASH") == [payment.amount, -payment.amount] and _entries("REFUNDS_OWED") == [
        -payment.amount, payment.amount]
    assert _entries("BUYER_FUNDS") == []  # no order holds any of it
    assert payments.handle_notification("sandbox", notification(payment, event_id="told-again")) is Ack.ACCEPTED
    assert len(_entries("CASH")) == 2  # told again under another event id: posted once


def _entries(kind: str) -> list[int]:
    """The amounts posted to the account `kind`, in order."""
    return list(db.session.scalars(
        select(LedgerEntry.amount).join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .where(LedgerAccount.kind == kind).order_by(LedgerEntry.id)))


def test_an_order_an_admin_cancelled_while_its_checkout_waited_is_refunded_when_the_rest_is_paid(app):
    """The buyer pays the whole checkout's amount after an administrator cancelled one of its orders:
    the other order goes on, and the cancelled one's total goes back as a partial refund of the payment."""
    data = online_checkout()
    payment = data["payment"]
    cancelled, kept = orders_of(data)
    orders.transition(cancelled.id, make_user(role=Role.ADMIN), ActorRole.ADMIN, Action.CANCEL, reason="Fraud check")
    assert payments.handle_notification("sandbox", notification(payment)) is Ack.ACCEPTED
    assert payment.status == "PAID"
    assert [o.status for o in orders_of(data)] == [S.CANCELLED, S.PENDING]
    refund = db.session.scalar(select(Refund).where(Refund.order_id == cancelled.id))
    assert (refund.amount, refund.method, refund.payment_id) == (cancelled.total, "ONLINE", payment.id)
    totals = dict(db.session.execute(
        select(LedgerAccount.kind, func.sum(LedgerEntry.amount))
        .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id).group_by(LedgerAccount.kind)).all())
    assert totals == {"CASH": payment.amount, "BUYER_FUNDS": -kept.total, "REFUNDS_OWED": -cancelled.total}
    refunding.send(refund.id)  # what the job does after the commit: the sandbox refunds that part
    assert refund.status == "PAID" and refund.provider_refund_id


def test_a_second_attempt_paid_as_well_is_refunded(app):
    data = online_checkout()
    payment = data["payment"]
    first = payment.provider_reference
    payments.pay_again(data["buyer"], payment.id, links)
    assert payments.handle_notification("sandbox", notification(payment)) is Ack.ACCEPTED
    assert payments.handle_notification("sandbox", notification(payment, reference=first)) is Ack.ACCEPTED
    assert payment.status == "PAID"
    assert db.session.scalar(select(PaymentRefund.reference)) == first
    # the second payment came in and went back; the first is held for its orders
    assert _entries("CASH") == [payment.amount, payment.amount, -payment.amount]
    assert sum(_entries("BUYER_FUNDS")) == -payment.amount and sum(_entries("REFUNDS_OWED")) == 0


def test_an_online_checkout_replayed_keeps_its_one_payment(app):
    data = online_checkout()
    again = place_orders(data["buyer"], data["address"].id, "ONLINE", idempotency_key=data["key"])
    payment, started = payments.start_payment(data["buyer"], again, links)
    assert again.replayed and payment.id == data["payment"].id and count(CheckoutPayment) == 1
    assert started.reference == payment.provider_reference and payment.attempt == 2


def test_cod_has_no_payment(app, two_shop_cod):
    placed = two_shop_cod
    assert payments.start_payment(placed.orders[0].buyer, placed, links) == (None, None)
    assert {o.status for o in placed.orders} == {S.PENDING}


@pytest.fixture
def two_shop_cod():
    buyer = make_user()
    address = make_address(buyer)
    product = make_product(shop=make_shop(), variants=[{"price": 900, "stock": 2}])
    cart.add_item(buyer, product.variants[0].id, 1)
    return place_orders(buyer, address.id, "COD", idempotency_key="cod-1")


def test_the_shops_figures_count_an_online_order_once_paid(app):
    from marketplace.services.shops import seller_figures

    data = online_checkout()
    shop_a = data["shops"][0]
    assert seller_figures.sales_windows(shop_a.id)[0].revenue == 0
    assert dict(seller_figures.orders_by_status(shop_a.id))[S.PENDING] == 0
    payments.handle_notification("sandbox", notification(data["payment"]))
    order_a = next(o for o in orders_of(data) if o.shop_id == shop_a.id)
    assert seller_figures.sales_windows(shop_a.id)[0].revenue == order_a.total
    assert dict(seller_figures.orders_by_status(shop_a.id))[S.PENDING] == 1


def test_a_checkout_its_vouchers_pay_whole_needs_no_payment(app, monkeypatch):
    from marketplace.models import VoucherKind
    from tests.factories import make_voucher

    monkeypatch.setitem(app.config, "SHIPPING_FEE", 0)
    buyer = make_user()
    address = make_address(buyer)
    shop = make_shop()
    product = make_product(shop=shop, variants=[{"price": 900, "stock": 2}])
    voucher = make_voucher(shop, kind=VoucherKind.FIXED, value=5000)
    cart.add_item(buyer, product.variants[0].id, 1)
    placed = place_orders(buyer, address.id, "ONLINE", vouchers={str(shop.id): voucher.code}, idempotency_key="free")
    assert placed.orders[0].total == 0
    assert payments.start_payment(buyer, placed, links) == (None, None)
    db.session.refresh(placed.orders[0])
    assert placed.orders[0].status is S.PENDING and count(CheckoutPayment) == 0
    assert count(Notification, Notification.kind == "order.placed") == 1
