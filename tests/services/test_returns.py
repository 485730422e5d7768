"""Returns: every transition allowed and refused, the window and the seller's deadline, units counted
under the order's lock, photos, the refund on receipt, the ledger after each step."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import (
    AuditLog, Notification, OrderStatus, Refund, ReturnEvent, ReturnRequest, Role,
)
from marketplace.models.base import utcnow
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.services.ordering import orders
from marketplace.services.returns import returns
from marketplace.services.returns.returns import ReturnNotAllowed
from tests.factories import make_user
from tests.returns_support import balances, cod_order, lines, online_paid, settle_line
from tests.reviews_support import png_bytes


def _ask(data, quantities=None, reason="DAMAGED", **kwargs):
    cheap = data["items"][0]
    return returns.request_return(data["buyer"], data["order"].id, quantities or {cheap.id: 2}, reason, **kwargs)


def _units(data):
    return [item.return_quantity for item in lines(data["order"])]


def test_a_buyer_asks_and_the_units_are_held(app):
    data = cod_order()
    request = _ask(data, details="Two cracked", images=[png_bytes(), png_bytes()])
    assert request.status == "REQUESTED" and request.number.startswith("R")
    assert len(request.images) == 2 and _units(data) == [2, 0]
    assert request.respond_by > utcnow() + timedelta(days=2)
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == data["seller"].id,
                                                             Notification.kind == "return.requested"))


@pytest.mark.parametrize(("quantities", "reason", "images", "code"), [
    ("above", "DAMAGED", 0, "quantity_above_bought"), ("none", "DAMAGED", 0, "nothing_chosen"),
    ("negative", "DAMAGED", 0, "invalid_quantity"), ("ok", "BROKEN", 0, "invalid_reason"),
    ("ok", "DAMAGED", 6, "too_many_images"), ("other", "DAMAGED", 0, "unknown_line"),
])
def test_bad_requests_are_refused_and_change_nothing(app, quantities, reason, images, code):
    data = cod_order()
    cheap = data["items"][0]
    other = cod_order()["items"][0]
    chosen = {"above": {cheap.id: 4}, "none": {cheap.id: 0}, "negative": {cheap.id: "-1"}, "ok": {cheap.id: 1},
              "other": {other.id: 1}}[quantities]
    with pytest.raises(ValidationFailed) as refused:
        returns.request_return(data["buyer"], data["order"].id, chosen, reason, images=[png_bytes()] * images)
    assert refused.value.code == code
    assert _units(data) == [0, 0] and db.session.scalar(select(ReturnRequest.id)) is None


def test_only_a_delivered_order_within_the_window_and_only_its_buyer(app):
    data = cod_order(deliver_it=False)
    with pytest.raises(ReturnNotAllowed):
        _ask(data)
    data = cod_order()
    with pytest.raises(ReturnNotAllowed, match="days"):
        _ask(data, now=utcnow() + timedelta(days=app.config["RETURN_WINDOW_DAYS"], minutes=1))
    with pytest.raises(NotFound):
        returns.request_return(make_user(), data["order"].id, {data["items"][0].id: 1}, "DAMAGED")
    orders.confirm_receipt(data["buyer"], data["order"].id)  # COMPLETED may still be returned
    assert _ask(data).status == "REQUESTED"
    with pytest.raises(ReturnNotAllowed, match="already under way"):
        _ask(data, quantities={data["items"][1].id: 1})


def test_the_happy_path_refunds_the_returned_units_and_restocks(app):
    data = cod_order()
    cheap = data["items"][0]
    variant, product = data["products"][0].variants[0], data["products"][0]
    stock, sold = variant.stock, product.sold_count
    request = _ask(data)
    returns.accept(data["seller"], request.id)
    with pytest.raises(ValidationFailed):
        returns.give_tracking(data["buyer"], request.id, "  ")
    returns.give_tracking(data["buyer"], request.id, "GHN123")
    assert request.status == "SHIPPED_BACK"
    pending = balances()[("SHOP_PENDING", data["shop"].id)]
    returns.receive(data["seller"], request.id, restock=True)
    assert request.status == "REFUNDED" and request.restock is True
    db.session.refresh(variant)
    db.session.refresh(product)
    assert variant.stock == stock + 2 and product.sold_count == sold - 2
    refund = db.session.scalar(select(Refund).where(Refund.return_id == request.id))
    assert (refund.amount, refund.shipping_amount, refund.status) == (2000, 0, "OWED")
    db.session.refresh(cheap)
    assert (cheap.refunded_quantity, cheap.refunded_amount, cheap.commission_refunded) == (2, 2000, 100)
    assert balances()[("SHOP_PENDING", data["shop"].id)] - pending == 1900
    assert sum(balances().values()) == 0
    timeline = db.session.scalars(select(ReturnEvent.to_status).where(ReturnEvent.return_id == request.id)
                                  .order_by(ReturnEvent.created_at)).all()
    assert timeline == ["REQUESTED", "ACCEPTED", "SHIPPED_BACK", "RECEIVED", "REFUNDED"]


def test_the_whole_order_back_for_the_sellers_fault_refunds_shipping_too(app):
    data = cod_order()
    cheap, dear = data["items"]
    request = _ask(data, quantities={cheap.id: 3, dear.id: 1}, reason="WRONG_ITEM")
    returns.accept(data["seller"], request.id)
    returns.give_tracking(data["buyer"], request.id, "T1")
    returns.receive(data["seller"], request.id, restock=False)
    refund = db.session.scalar(select(Refund).where(Refund.return_id == request.id))
    assert refund.amount == data["order"].total and refund.shipping_amount == data["order"].shipping_fee
    assert balances()[("SHOP_PENDING", data["shop"].id)] == 0 and balances()[("COMMISSION", None)] == 0


def test_the_whole_order_back_because_the_buyer_changed_their_mind_keeps_shipping(app):
    data = cod_order()
    cheap, dear = data["items"]
    request = _ask(data, quantities={cheap.id: 3, dear.id: 1}, reason="CHANGED_MIND")
    returns.accept(data["seller"], request.id)
    returns.give_tracking(data["buyer"], request.id, "T1")
    returns.receive(data["seller"], request.id, restock=True)
    refund = db.session.scalar(select(Refund).where(Refund.return_id == request.id))
    assert refund.shipping_amount == 0 and refund.amount == data["order"].subtotal


def test_a_settled_line_is_refunded_from_available(app):
    data = online_paid(deliver_it=True)
    shirt = data["items"][0]
    settle_line(shirt, data["shop"].id)
    request = returns.request_return(data["buyer"], data["order"].id, {shirt.id: 1}, "DAMAGED")
    returns.accept(data["seller"], request.id)
    returns.give_tracking(data["buyer"], request.id, "T1")
    available = balances()[("SHOP_AVAILABLE", data["shop"].id)]
    returns.receive(data["seller"], request.id, restock=True)
    assert balances()[("SHOP_AVAILABLE", data["shop"].id)] - available == 2000 - 100  # one of two shirts: half the commission back
    refund = db.session.scalar(select(Refund).where(Refund.return_id == request.id))
    assert refund.method == "ONLINE" and refund.payment_id == data["payment"].id


def test_refusal_needs_a_reason_frees_the_units_and_a_dispute_takes_them_again(app):
    data = cod_order()
    request = _ask(data)
    with pytest.raises(ValidationFailed):
        returns.refuse(data["seller"], request.id, " ")
    returns.refuse(data["seller"], request.id, "Used")
    assert request.status == "REFUSED" and _units(data) == [0, 0]
    returns.dispute(data["buyer"], request.id)
    assert request.status == "DISPUTED" and _units(data) == [2, 0]
    admin = make_user(role=Role.ADMIN)
    with pytest.raises(ValidationFailed):
        returns.decide(admin, request.id, True, "")
    returns.decide(admin, request.id, False, "Photos show wear")
    assert request.status == "CLOSED" and _units(data) == [0, 0]
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "return.decide"))


def test_an_admin_may_accept_a_disputed_return(app):
    data = cod_order()
    request = _ask(data)
    returns.refuse(data["seller"], request.id, "No")
    returns.dispute(data["buyer"], request.id)
    returns.decide(make_user(role=Role.ADMIN), request.id, True, "Damage is clear")
    assert request.status == "ACCEPTED"
    with pytest.raises(NotFound):
        returns.decide(make_user(), request.id, True, "me too")


def test_the_sweep_sends_unanswered_returns_to_the_admin_and_the_seller_can_no_longer_answer(app):
    data = cod_order()
    request = _ask(data)
    later = request.respond_by + timedelta(seconds=1)
    assert returns.dispute_unanswered(now=request.respond_by - timedelta(seconds=1)) == 0
    with pytest.raises(ReturnNotAllowed, match="passed"):
        returns.accept(data["seller"], request.id, now=later)
    assert returns.dispute_unanswered(now=later) == 1
    assert request.status == "DISPUTED" and _units(data) == [2, 0]


def test_the_buyer_may_withdraw_before_shipping_only(app):
    data = cod_order()
    request = _ask(data)
    returns.cancel(data["buyer"], request.id)
    assert request.status == "CANCELLED" and _units(data) == [0, 0]
    second = _ask(data)  # a new return may follow
    returns.accept(data["seller"], second.id)
    returns.give_tracking(data["buyer"], second.id, "T")
    with pytest.raises(ReturnNotAllowed):
        returns.cancel(data["buyer"], second.id)


@pytest.mark.parametrize("step", ["accept_twice", "track_requested", "receive_requested", "dispute_requested",
                                  "buyer_accepts", "seller_tracks"])
def test_transitions_out_of_order_are_refused(app, step):
    data = cod_order()
    request = _ask(data)
    buyer, seller = data["buyer"], data["seller"]
    with pytest.raises((ReturnNotAllowed, NotFound)):
        if step == "accept_twice":
            returns.accept(seller, request.id)
            returns.accept(seller, request.id)
        elif step == "track_requested":
            returns.give_tracking(buyer, request.id, "T")
        elif step == "receive_requested":
            returns.receive(seller, request.id, True)
        elif step == "dispute_requested":
            returns.dispute(buyer, request.id)
        elif step == "buyer_accepts":
            returns.accept(buyer, request.id)
        elif step == "seller_tracks":
            returns.give_tracking(seller, request.id, "T")


def test_cancelling_the_order_closes_its_open_return(app):
    data = cod_order()
    request = _ask(data)
    returns.accept(data["seller"], request.id)
    orders.cancel_by_admin(make_user(role=Role.ADMIN), data["order"].id, "fraud")
    db.session.refresh(request)
    assert request.status == "CLOSED" and _units(data) == [0, 0]
    assert data["order"].status is OrderStatus.CANCELLED
    with pytest.raises(ReturnNotAllowed):
        returns.give_tracking(data["buyer"], request.id, "T")
    assert sum(balances().values()) == 0
