"""Every (role, action, status) combination of the order state machine, allowed or refused.

The expected table is written out here by hand, independently of services.orders.TRANSITIONS,
so a change to the rules must be made in both places on purpose.
"""
import itertools

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import OrderEvent, OrderStatus, Role
from marketplace.services.ordering import orders
from marketplace.services.ordering.orders import Action, ActorRole, TransitionNotAllowed
from tests.factories import make_order, make_product, make_shop, make_user

S = OrderStatus
ALL_STATUSES = list(S)

# (role, action, from) -> to. Everything else must be refused.
EXPECTED = {
    ("buyer", "cancel", S.PENDING): S.CANCELLED,
    # Only with the rest of its checkout (payments.cancel_checkout): alone it is refused, see
    # tests/services/test_payment_cancel.py.
    ("buyer", "cancel", S.AWAITING_PAYMENT): S.CANCELLED,
    ("buyer", "complete", S.DELIVERED): S.COMPLETED,
    ("seller", "confirm", S.PENDING): S.CONFIRMED,
    ("seller", "ship", S.CONFIRMED): S.SHIPPING,
    ("seller", "deliver", S.SHIPPING): S.DELIVERED,
    ("seller", "cancel", S.PENDING): S.CANCELLED,
    ("seller", "cancel", S.CONFIRMED): S.CANCELLED,
    ("admin", "cancel", S.AWAITING_PAYMENT): S.CANCELLED,
    ("admin", "cancel", S.PENDING): S.CANCELLED,
    ("admin", "cancel", S.CONFIRMED): S.CANCELLED,
    ("admin", "cancel", S.SHIPPING): S.CANCELLED,
    ("admin", "cancel", S.DELIVERED): S.CANCELLED,
}
CASES = list(itertools.product(["buyer", "seller", "admin"], [a.value for a in Action], ALL_STATUSES))


@pytest.fixture
def cast():
    buyer = make_user()
    shop = make_shop()
    product = make_product(shop=shop)
    admin = make_user(role=Role.ADMIN)
    return {"buyer": buyer, "seller": shop.owner, "admin": admin, "product": product}


def _inputs(action: str) -> dict:
    # Always give the optional inputs, so a refusal can only come from the state machine.
    if action == "cancel":
        return {"reason": "Out of stock at the warehouse", "with_its_checkout": True}
    if action == "ship":
        return {"tracking_number": "VN123456789"}
    return {}


@pytest.mark.parametrize(("role", "action", "status"), CASES, ids=[f"{r}-{a}-{s.value}" for r, a, s in CASES])
def test_transition_table(cast, role, action, status):
    order = make_order(cast["buyer"], cast["product"], status=status)
    expected = EXPECTED.get((role, action, status))

    if expected is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            orders.transition(order.id, cast[role], ActorRole(role), Action(action), **_inputs(action))
        assert refused.value.status == 409
        assert refused.value.code == "transition_not_allowed"
        db.session.refresh(order)
        assert order.status is status
        events = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)).all()
        assert len(events) == 1  # only the placement event of the factory
        return

    result = orders.transition(order.id, cast[role], ActorRole(role), Action(action), **_inputs(action))
    assert result.status is expected
    db.session.expire_all()
    event = db.session.scalars(
        select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.from_status == status)
    ).one()
    assert (event.actor_id, event.to_status) == (cast[role].id, expected)


def test_table_covers_exactly_the_expected_transitions():
    allowed = {
        (role.value, action.value, status): rule.target
        for (role, action), rule in orders.TRANSITIONS.items()
        for status in rule.sources
    }
    assert allowed == EXPECTED


@pytest.mark.parametrize(("role", "action", "status", "message"), [
    ("buyer", "cancel", S.SHIPPING, "This order is SHIPPING; it can no longer be cancelled."),
    ("seller", "cancel", S.SHIPPING, "This order is SHIPPING; it can no longer be cancelled."),
    ("seller", "ship", S.PENDING, "This order is PENDING; it can't be shipped yet."),
    ("buyer", "complete", S.SHIPPING, "This order is SHIPPING; it can't be marked as received yet."),
    ("seller", "confirm", S.CANCELLED, "This order is CANCELLED; it can no longer be confirmed."),
    ("admin", "cancel", S.COMPLETED, "This order is COMPLETED; it can no longer be cancelled."),
    ("buyer", "ship", S.CONFIRMED, "Only the seller can ship this order."),
    ("seller", "complete", S.DELIVERED, "Only the buyer can confirm receipt of this order."),
    ("admin", "confirm", S.PENDING, "Only the seller can confirm this order."),
])
def test_refusals_say_why(cast, role, action, status, message):
    order = make_order(cast["buyer"], cast["product"], status=status)
    with pytest.raises(TransitionNotAllowed) as refused:
        orders.transition(order.id, cast[role], ActorRole(role), Action(action), **_inputs(action))
    assert refused.value.message == message


def test_allowed_actions_match_the_table(cast):
    order = make_order(cast["buyer"], cast["product"], status=S.CONFIRMED)
    assert orders.allowed_actions(order, ActorRole.SELLER) == {Action.SHIP, Action.CANCEL}
    assert orders.allowed_actions(order, ActorRole.BUYER) == set()
    assert orders.allowed_actions(order, ActorRole.ADMIN) == {Action.CANCEL}
