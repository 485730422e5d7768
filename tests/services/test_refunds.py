"""Refunds: decided under the order's lock, never above what was paid per line and for shipping, the
commission reversed pro rata, the ledger balanced after every step; paid by the provider or by hand;
a cancelled paid order refunded in full."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import (
    LedgerTransaction, Notification, OrderStatus, Refund, RefundItem, RefundStatus, Role,
)
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.ledger import refunds
from marketplace.services.ledger.refunds import LineRefund, RefundNotAllowed
from marketplace.services.ordering import orders
from tests.factories import make_user
from tests.returns_support import balances, cod_order, lines, online_paid, settle_line


def _total_balance():
    return sum(balances().values())


def test_a_partial_refund_of_a_line_reverses_commission_pro_rata_from_pending(app, sent_refunds):
    data = cod_order()
    cheap, dear = data["items"]  # 3 x 1000, 1 x 2500
    shop = data["shop"].id
    before = balances()
    refund = refunds.decide(data["order"].id, [LineRefund(cheap.id, 1, 1000)], reason="one broken")
    assert (refund.status, refund.method, refund.amount, refund.payment_id) == ("OWED", "COD", 1000, None)
    db.session.refresh(cheap)
    assert cheap.commission == 150 and cheap.commission_refunded == 50  # 150 * 1000 / 3000
    assert (cheap.refunded_amount, cheap.refunded_quantity) == (1000, 1)
    after = balances()
    assert after[("REFUNDS_OWED", None)] == -1000
    assert after[("COMMISSION", None)] - before[("COMMISSION", None)] == 50
    assert after[("SHOP_PENDING", shop)] - before[("SHOP_PENDING", shop)] == 950
    assert _total_balance() == 0
    assert sent_refunds == []  # cash on delivery: an admin pays it
    note = db.session.scalar(select(Notification).where(Notification.user_id == data["buyer"].id,
                                                        Notification.kind == "refund.decided"))
    assert note is not None


def test_the_refund_that_completes_a_line_reverses_exactly_what_is_left(app):
    data = cod_order(quantities=(3, 1), prices=(333, 2500))
    line = data["items"][0]  # 999 paid, commission 50
    for amount in (100, 400, 499):
        refunds.decide(data["order"].id, [LineRefund(line.id, 0, amount)], reason="goodwill")
    db.session.refresh(line)
    assert line.refunded_amount == line.paid and line.commission_refunded == line.commission
    assert _total_balance() == 0


@pytest.mark.parametrize(("amount", "quantity", "shipping", "code"), [
    (0, 0, 0, "amount_not_positive"), (-5, 0, 0, "amount_not_positive"), (3001, 0, 0, "refund_above_paid"),
    (100, 4, 0, "quantity_above_bought"), (100, -1, 0, "quantity_above_bought"),
    (None, 0, 301, "refund_above_paid"), (None, 0, 0, "nothing_to_refund"),
])
def test_out_of_bounds_refunds_are_refused_and_change_nothing(app, amount, quantity, shipping, code):
    data = cod_order()
    line = data["items"][0]
    before = balances()
    parts = [] if amount is None else [LineRefund(line.id, quantity, amount)]
    with pytest.raises(ValidationFailed) as refused:
        refunds.decide(data["order"].id, parts, shipping, reason="x")
    assert refused.value.code == code
    db.session.refresh(line)
    assert (line.refunded_amount, line.refunded_quantity) == (0, 0)
    assert balances() == before and db.session.scalar(select(Refund.id)) is None


def test_refunds_add_up_to_at_most_what_was_paid(app):
    data = cod_order()
    line = data["items"][0]
    refunds.decide(data["order"].id, [LineRefund(line.id, 2, 2000)], reason="x")
    with pytest.raises(ValidationFailed, match="At most"):
        refunds.decide(data["order"].id, [LineRefund(line.id, 1, 1001)], reason="x")
    refunds.decide(data["order"].id, [LineRefund(line.id, 1, 1000)], 300, reason="x")
    with pytest.raises(ValidationFailed):
        refunds.decide(data["order"].id, [], 1, reason="x")


def test_the_database_refuses_a_refund_above_paid_even_without_the_service(app):
    from sqlalchemy.exc import IntegrityError

    data = cod_order()
    line = data["items"][0]
    line.refunded_amount = line.paid + 1
    with pytest.raises(IntegrityError, match="refund_within_paid"), db.session.begin_nested():
        db.session.flush()


def test_a_settled_line_is_refunded_from_available_and_an_unsettled_one_from_pending(app):
    data = cod_order()
    cheap, dear = data["items"]
    shop = data["shop"].id
    settle_line(dear, shop)
    before = balances()
    refunds.decide(data["order"].id, [LineRefund(cheap.id, 1, 1000), LineRefund(dear.id, 1, 2500)], reason="x")
    after = balances()
    dear_reversed = dear.commission
    assert after[("SHOP_AVAILABLE", shop)] - before[("SHOP_AVAILABLE", shop)] == 2500 - dear_reversed
    assert after[("SHOP_PENDING", shop)] - before[("SHOP_PENDING", shop)] == 1000 - 50
    assert _total_balance() == 0


def test_a_settled_line_the_available_balance_cannot_cover_comes_out_of_pending(app):
    from marketplace.models import TransactionKind
    from marketplace.services.ledger.ledger import K, credit, debit, post

    data = cod_order()
    dear = data["items"][1]
    shop = data["shop"].id
    settle_line(dear, shop)
    available = -balances()[("SHOP_AVAILABLE", shop)]
    post(TransactionKind.ADJUSTMENT, "USD", [debit(K.SHOP_AVAILABLE, available, shop_id=shop),
                                             credit(K.CASH, available)])  # paid out meanwhile
    refunds.decide(data["order"].id, [LineRefund(dear.id, 1, 2500)], reason="x")
    assert balances()[("SHOP_AVAILABLE", shop)] == 0
    assert _total_balance() == 0


def test_mark_paid_needs_a_reference_and_posts_refund_paid_once(app):
    data = cod_order()
    admin = make_user(role=Role.ADMIN)
    refund = refunds.decide(data["order"].id, [LineRefund(data["items"][0].id, 1, 1000)], reason="x")
    with pytest.raises(ValidationFailed) as refused:
        refunds.mark_paid(refund.id, reference="  ", actor=admin)
    assert refused.value.code == "reference_required"
    with pytest.raises(ValidationFailed):
        refunds.mark_paid(refund.id, reference="x" * 121, actor=admin)
    cash = balances()[("CASH", None)]
    refunds.mark_paid(refund.id, reference="VCB 123", actor=admin)
    assert (refund.status, refund.reference, refund.paid_by) == ("PAID", "VCB 123", admin.id)
    assert balances()[("REFUNDS_OWED", None)] == 0 and balances()[("CASH", None)] == cash - 1000
    with pytest.raises(RefundNotAllowed):
        refunds.mark_paid(refund.id, reference="again", actor=admin)
    kinds = db.session.scalars(select(LedgerTransaction.kind).where(LedgerTransaction.refund_id == refund.id)).all()
    assert sorted(kinds) == ["REFUND", "REFUND_PAID"]


def test_a_failed_refund_can_still_be_paid_by_hand(app):
    data = cod_order()
    refund = refunds.decide(data["order"].id, [LineRefund(data["items"][0].id, 0, 10)], reason="x")
    refunds.mark_failed(refund.id, "provider said no")
    assert refund.status == "FAILED"
    refunds.mark_paid(refund.id, reference="ACB 9", actor=make_user(role=Role.ADMIN))
    assert refund.status == "PAID"


def test_nothing_is_refunded_for_an_unpaid_order(app):
    data = cod_order(deliver_it=False)
    with pytest.raises(RefundNotAllowed):
        refunds.decide(data["order"].id, [LineRefund(data["items"][0].id, 1, 1000)], reason="x")


def test_amount_for_units_is_pro_rata_and_the_last_units_take_the_remainder(app):
    data = cod_order(quantities=(3, 1), prices=(333, 2500))
    line = data["items"][0]  # 999 for 3
    line.discount_share = 1  # 998 paid
    db.session.flush()
    assert refunds.amount_for_units(line, 1) == 332
    first = refunds.amount_for_units(line, 1)
    refunds.decide(data["order"].id, [LineRefund(line.id, 1, first)], reason="x")
    db.session.refresh(line)
    assert refunds.amount_for_units(line, 1) + first == 665 and refunds.amount_for_units(line, 2) == 998 - first


def test_a_cancelled_cash_order_before_delivery_refunds_nothing(app):
    data = cod_order(deliver_it=False)
    orders.cancel_by_buyer(data["buyer"], data["order"].id)
    assert db.session.scalar(select(Refund.id)) is None


def test_a_paid_online_order_cancelled_before_delivery_is_refunded_in_full_from_buyer_funds(app, sent_refunds):
    data = online_paid()
    order = data["order"]
    orders.cancel_by_seller(data["seller"], order.id, "out of stock")
    refund = db.session.scalar(select(Refund).where(Refund.order_id == order.id))
    assert (refund.amount, refund.method, refund.payment_id) == (order.total, "ONLINE", data["payment"].id)
    assert refund.shipping_amount == order.shipping_fee
    assert sent_refunds == [refund.id]
    b = balances()
    assert b[("REFUNDS_OWED", None)] == -order.total
    assert b[("BUYER_FUNDS", None)] == -(data["payment"].amount - order.total)  # the other shop's order stays held
    assert _total_balance() == 0


def test_a_delivered_order_cancelled_by_an_admin_is_refunded_from_the_shop(app):
    data = cod_order()
    order, shop = data["order"], data["shop"].id
    orders.cancel_by_admin(make_user(role=Role.ADMIN), order.id, "fraud")
    db.session.refresh(order)
    assert order.status is OrderStatus.CANCELLED and order.shipping_refunded == order.shipping_fee
    b = balances()
    assert b[("SHOP_PENDING", shop)] == 0 and b[("COMMISSION", None)] == 0
    assert b[("REFUNDS_OWED", None)] == -order.total
    items = db.session.scalars(select(RefundItem)).all()
    assert sorted(i.quantity for i in items) == [1, 3]
    assert all(item.commission_refunded == item.commission for item in lines(order))


def test_online_refund_is_sent_with_its_id_as_key_and_paid_once(app, monkeypatch):
    from marketplace.services.payments import refunding
    from marketplace.services.payments.providers import sandbox

    data = online_paid(deliver_it=True)
    calls = []
    original = sandbox.SandboxProvider.refund

    def spy(self, reference, amount, currency, reason, **options):
        calls.append((reference, amount, options))
        return original(self, reference, amount, currency, reason, **options)

    monkeypatch.setattr(sandbox.SandboxProvider, "refund", spy)
    refund = refunds.decide(data["order"].id, [LineRefund(data["items"][0].id, 1, 2000)], reason="x")
    refunding.send(refund.id)
    refunding.send(refund.id)  # a retry finds it PAID: nothing asked twice
    assert calls == [(data["payment"].paid_reference, 2000, {"idempotency_key": refund.id.hex, "partial": True})]
    assert refund.status == "PAID" and refund.provider_refund_id == f"sbx_refund_{refund.id.hex}"
    assert refunding.owed_online() == []
    assert balances()[("REFUNDS_OWED", None)] == 0 and _total_balance() == 0


def test_a_provider_error_marks_the_refund_failed_for_an_admin(app, monkeypatch):
    from marketplace.services.payments import refunding
    from marketplace.services.payments.providers import sandbox
    from marketplace.services.payments.providers.errors import ProviderError

    def refuse(self, *args, **kwargs):
        raise ProviderError("down")

    data = online_paid(deliver_it=True)
    monkeypatch.setattr(sandbox.SandboxProvider, "refund", refuse)
    refund = refunds.decide(data["order"].id, [LineRefund(data["items"][0].id, 1, 2000)], reason="x")
    refunding.send(refund.id)
    assert refund.status == RefundStatus.FAILED.value and "down" in refund.failure
    assert balances()[("REFUNDS_OWED", None)] == -2000
