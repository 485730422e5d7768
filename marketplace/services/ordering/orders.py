"""The order lifecycle: who may move an order from which status to which, and what that does.

PENDING → CONFIRMED → SHIPPING → DELIVERED → COMPLETED, and CANCELLED. `TRANSITIONS`
below is the whole rule: any (role, action) from a status it does not list is refused
with TransitionNotAllowed (409).

Locking: every transition locks the order row (SELECT ... FOR UPDATE) and reads its
status under that lock, so when a buyer cancels while the seller confirms, the second
one waits, sees the first one's result and is refused: the order ends in exactly one
valid state. Stock rows are then updated in variant-id order (the order checkout uses),
and the voucher row last.

Reads (lists and details) live in services/ordering/order_queries.py, re-exported here.
"""
import enum
import uuid
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from marketplace import i18n, messaging
from marketplace.extensions import db
from marketplace.models import (
    OPEN_RETURN_STATUSES, Order, OrderEvent, OrderItem, OrderStatus, Product, ProductVariant, ReturnEvent,
    ReturnRequest, ReturnStatus, Role, Shop, User, Voucher, VoucherUsage,
)
from marketplace.models.base import utcnow
from marketplace.services.accounts.notifications import notify
from marketplace.services.core import audit
from marketplace.services.core.effects import after_commit
from marketplace.services.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.services.ledger import postings, refunds
from marketplace.services.ordering import statuses

REASON_MAX = 500
TRACKING_MAX = 64  # orders.tracking_number is VARCHAR(64)


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


class ActorRole(str, enum.Enum):
    BUYER = "buyer"
    SELLER = "seller"
    ADMIN = "admin"


class Action(str, enum.Enum):
    CONFIRM = "confirm"
    SHIP = "ship"
    DELIVER = "deliver"
    COMPLETE = "complete"  # the buyer confirms receipt
    CANCEL = "cancel"


S = OrderStatus
FINAL_STATUSES = frozenset({S.COMPLETED, S.CANCELLED})
NON_FINAL_STATUSES = frozenset(set(S) - FINAL_STATUSES)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[OrderStatus]
    target: OrderStatus


# THE state machine. Anything not in this table is refused.
TRANSITIONS: dict[tuple[ActorRole, Action], Transition] = {
    (ActorRole.BUYER, Action.CANCEL): Transition(frozenset({S.AWAITING_PAYMENT, S.PENDING}), S.CANCELLED),
    (ActorRole.BUYER, Action.COMPLETE): Transition(frozenset({S.DELIVERED}), S.COMPLETED),
    (ActorRole.SELLER, Action.CONFIRM): Transition(frozenset({S.PENDING}), S.CONFIRMED),
    (ActorRole.SELLER, Action.SHIP): Transition(frozenset({S.CONFIRMED}), S.SHIPPING),
    (ActorRole.SELLER, Action.DELIVER): Transition(frozenset({S.SHIPPING}), S.DELIVERED),
    (ActorRole.SELLER, Action.CANCEL): Transition(frozenset({S.PENDING, S.CONFIRMED}), S.CANCELLED),
    # Moderation: an admin may stop any order that has not finished.
    (ActorRole.ADMIN, Action.CANCEL): Transition(NON_FINAL_STATUSES, S.CANCELLED),
}

# One payment pays every order of an ONLINE checkout: while it is unpaid, the buyer cancels them all
# together (services/payments/payments.py:cancel_checkout locks the payment, then them), never one alone.
WITH_ITS_CHECKOUT = frozenset({S.AWAITING_PAYMENT})

# Order of the forward path, to say "not yet" rather than "no longer".
_PROGRESS = {
    S.AWAITING_PAYMENT: 1, S.PENDING: 1, S.CONFIRMED: 2, S.SHIPPING: 3, S.DELIVERED: 4, S.COMPLETED: 5,
    S.CANCELLED: 6,
}
# The refusals, whole sentences for the translators; %(status)s is statuses.IN_A_SENTENCE.
_NOT_YET = {
    Action.CONFIRM: _l("This order is %(status)s; it can't be confirmed yet."),
    Action.SHIP: _l("This order is %(status)s; it can't be shipped yet."),
    Action.DELIVER: _l("This order is %(status)s; it can't be marked delivered yet."),
    Action.COMPLETE: _l("This order is %(status)s; it can't be marked as received yet."),
    Action.CANCEL: _l("This order is %(status)s; it can't be cancelled yet."),
}
_NO_LONGER = {
    Action.CONFIRM: _l("This order is %(status)s; it can no longer be confirmed."),
    Action.SHIP: _l("This order is %(status)s; it can no longer be shipped."),
    Action.DELIVER: _l("This order is %(status)s; it can no longer be marked delivered."),
    Action.COMPLETE: _l("This order is %(status)s; it can no longer be marked as received."),
    Action.CANCEL: _l("This order is %(status)s; it can no longer be cancelled."),
}
# Who may, for the actions one role alone may take (every role may cancel).
_ONLY = {
    Action.CONFIRM: _l("Only the seller can confirm this order."),
    Action.SHIP: _l("Only the seller can ship this order."),
    Action.DELIVER: _l("Only the seller can mark this order delivered."),
    Action.COMPLETE: _l("Only the buyer can confirm receipt of this order."),
}


def allowed_actions(order: Order, role: ActorRole) -> set[Action]:
    """What `role` may do to `order` alone in its current status (for showing buttons); an unpaid
    order's buyer cancels its whole checkout instead (the payment box's button)."""
    actions = {action for (r, action), t in TRANSITIONS.items() if r == role and order.status in t.sources}
    if role is ActorRole.BUYER and order.status in WITH_ITS_CHECKOUT:
        actions.discard(Action.CANCEL)
    return actions


def check_transition(status: OrderStatus, role: ActorRole, action: Action) -> Transition:
    """The transition `role` may make with `action` from `status`, or TransitionNotAllowed."""
    transition = TRANSITIONS.get((role, action))
    if transition is None:
        raise TransitionNotAllowed(str(_ONLY[action]))
    if status not in transition.sources:
        earliest = min(_PROGRESS[s] for s in transition.sources)
        sentence = _NOT_YET[action] if _PROGRESS[status] < earliest else _NO_LONGER[action]
        raise TransitionNotAllowed(sentence % {"status": statuses.IN_A_SENTENCE[status]})
    return transition


# -- the public verbs -------------------------------------------------------------------------

def cancel_by_buyer(buyer: User, order_id: uuid.UUID, reason: str | None = None, *,
                    with_its_checkout: bool = False) -> Order:
    """The buyer cancels their PENDING order (reason optional); restocks, returns the voucher. An order
    AWAITING_PAYMENT only `with_its_checkout` (services/payments' cancel_checkout, the payment locked)."""
    return transition(order_id, buyer, ActorRole.BUYER, Action.CANCEL, reason=reason,
                      with_its_checkout=with_its_checkout)


def confirm_receipt(buyer: User, order_id: uuid.UUID) -> Order:
    """The buyer confirms a DELIVERED order arrived: COMPLETED."""
    return transition(order_id, buyer, ActorRole.BUYER, Action.COMPLETE)


def confirm_order(seller: User, order_id: uuid.UUID) -> Order:
    """The shop owner accepts a PENDING order: CONFIRMED."""
    return transition(order_id, seller, ActorRole.SELLER, Action.CONFIRM)


def ship_order(seller: User, order_id: uuid.UUID, tracking_number: str | None) -> Order:
    """The shop owner hands a CONFIRMED order to the carrier (tracking number required): SHIPPING."""
    return transition(order_id, seller, ActorRole.SELLER, Action.SHIP, tracking_number=tracking_number)


def deliver_order(seller: User, order_id: uuid.UUID) -> Order:
    """The shop owner marks a SHIPPING order DELIVERED; its units count as sold."""
    return transition(order_id, seller, ActorRole.SELLER, Action.DELIVER)


def cancel_by_seller(seller: User, order_id: uuid.UUID, reason: str | None) -> Order:
    """The shop owner cancels a PENDING or CONFIRMED order (reason required)."""
    return transition(order_id, seller, ActorRole.SELLER, Action.CANCEL, reason=reason)


def cancel_by_admin(admin: User, order_id: uuid.UUID, reason: str | None) -> Order:
    """An admin cancels any unfinished order for moderation (reason required, audited)."""
    return transition(order_id, admin, ActorRole.ADMIN, Action.CANCEL, reason=reason)


# -- the machinery ----------------------------------------------------------------------------

def _clean(value: str | None, *, field: str, required: bool, limit: int, missing: str) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(missing, field=field, code=f"{field}_required")
        return None
    if len(text) > limit:
        raise ValidationFailed(_("Use at most %(limit)s characters.", limit=limit), field=field,
                               code=f"{field}_too_long")
    return text


def _locked_order(order_id: uuid.UUID, actor: User, role: ActorRole) -> Order:
    """The order row, locked, if `actor` may act on it as `role`; otherwise NotFound."""
    query = select(Order).where(Order.id == order_id)
    if role is ActorRole.BUYER:
        query = query.where(Order.buyer_id == actor.id)
    elif role is ActorRole.SELLER:
        query = query.where(Order.shop_id.in_(select(Shop.id).where(Shop.owner_id == actor.id)))
    elif actor.role != Role.ADMIN:
        raise NotFound(_("We couldn't find that order."))
    # populate_existing: an Order already in the session may hold a status read before the lock.
    order = db.session.scalar(query.with_for_update().execution_options(populate_existing=True))
    if order is None:
        raise NotFound(_("We couldn't find that order."))
    return order


def transition(order_id: uuid.UUID, actor: User, role: ActorRole, action: Action, *,
               reason: str | None = None, tracking_number: str | None = None,
               with_its_checkout: bool = False) -> Order:
    """Make `actor` do `action` to the order as `role`, if TRANSITIONS allows it; see the module doc."""
    order = _locked_order(order_id, actor, role)
    allowed = check_transition(order.status, role, action)
    if role is ActorRole.BUYER and order.status in WITH_ITS_CHECKOUT and not with_its_checkout:
        raise TransitionNotAllowed(_("This order is paid together with the other orders of its checkout: "
                                     "cancel them together from its payment box, or let the time to pay run out."))
    note = None
    if action is Action.CANCEL:
        note = _clean(reason, field="reason", required=role is not ActorRole.BUYER, limit=REASON_MAX,
                      missing=_("Give a reason: the other party will see it."))
    elif action is Action.SHIP:
        tracking = _clean(tracking_number, field="tracking_number", required=True, limit=TRACKING_MAX,
                          missing=_("Enter the carrier's tracking number."))
        order.tracking_number = tracking
        # The record's words, in English like the API that shows them; the order pages say it in the
        # reader's language from order.tracking_number (macros/_orders.html).
        note = f"Tracking number: {tracking}"

    previous = order.status
    order.status = allowed.target
    if allowed.target is S.DELIVERED:
        order.delivered_at = utcnow()
        _add_sold_units(order, +1)
        postings.order_delivered(order, _lines(order))
    elif allowed.target is S.COMPLETED:
        order.completed_at = utcnow()
    elif allowed.target is S.CANCELLED:
        order.cancel_reason = note
        restock(order)
        if previous is S.DELIVERED:  # sold_count counts delivered orders only
            _add_sold_units(order, -1)
        return_voucher(order)
        _close_open_returns(order, actor, note)
        # A paid order cancelled is refunded in full at once: before delivery from the buyer's money
        # held, after delivery (an administrator) from the shop's earnings.
        refunds.refund_in_full(order.id, reason=f"order cancelled: {note}" if note else "order cancelled",
                               actor=actor)
    db.session.add(OrderEvent(order_id=order.id, actor_id=actor.id, from_status=previous,
                              to_status=allowed.target, note=note))
    db.session.flush()
    if role is ActorRole.ADMIN:
        audit.record(actor, "order.cancel", "order", order.id, note, number=order.number,
                     previous_status=previous.value)
    _tell_the_other_party(order, role, note)
    return order


def _lines(order: Order) -> list[OrderItem]:
    return list(db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)))


def _quantities(order: Order, key) -> dict[uuid.UUID, int]:
    # Units a return already took back (refunded with their quantity) were restocked, or not, and
    # left sold_count then, by the seller's receipt: a later cancellation moves only the others.
    totals: dict[uuid.UUID, int] = {}
    for item_key, quantity in db.session.execute(
        select(key, OrderItem.quantity - OrderItem.refunded_quantity)
        .where(OrderItem.order_id == order.id, key.is_not(None), OrderItem.quantity > OrderItem.refunded_quantity)
    ):
        totals[item_key] = totals.get(item_key, 0) + quantity
    return totals


def restock(order: Order) -> None:
    # A soft-deleted variant still exists and takes its units back; a hard-deleted one
    # (variant_id SET NULL) has nowhere to put them.
    for variant_id, quantity in sorted(_quantities(order, OrderItem.variant_id).items()):
        db.session.execute(
            update(ProductVariant).where(ProductVariant.id == variant_id)
            .values(stock=ProductVariant.stock + quantity)
            .execution_options(synchronize_session="fetch")
        )


def _add_sold_units(order: Order, sign: int) -> None:
    for product_id, quantity in sorted(_quantities(order, OrderItem.product_id).items()):
        db.session.execute(
            update(Product).where(Product.id == product_id)
            # GREATEST: an order that never counted (imported data) must not push it below zero.
            .values(sold_count=func.greatest(Product.sold_count + sign * quantity, 0))
            .execution_options(synchronize_session="fetch")
        )


def _close_open_returns(order: Order, actor: User, note: str | None) -> None:
    """A cancelled order takes its open return with it (the refund in full covers it): CLOSED, its
    units no longer held. Runs under the order row's lock, which every return change takes first."""
    for request in db.session.scalars(select(ReturnRequest).where(
            ReturnRequest.order_id == order.id, ReturnRequest.status.in_(OPEN_RETURN_STATUSES))
            .with_for_update().execution_options(populate_existing=True)):
        for line in request.items:
            db.session.execute(update(OrderItem).where(OrderItem.id == line.order_item_id)
                               .values(return_quantity=func.greatest(OrderItem.return_quantity - line.quantity, 0))
                               .execution_options(synchronize_session="fetch"))
        db.session.add(ReturnEvent(return_id=request.id, actor_id=actor.id, from_status=request.status,
                                   to_status=ReturnStatus.CLOSED.value, note=note or "order cancelled"))
        request.status = ReturnStatus.CLOSED.value


def return_voucher(order: Order) -> None:
    # The usage row is the claim; deleting it (not order.voucher_id) makes a second
    # cancel path unable to give the same use back twice.
    voucher_ids = db.session.scalars(
        delete(VoucherUsage).where(VoucherUsage.order_id == order.id).returning(VoucherUsage.voucher_id)
    ).all()
    for voucher_id in voucher_ids:
        db.session.execute(
            update(Voucher).where(Voucher.id == voucher_id, Voucher.used_count > 0)
            .values(used_count=Voucher.used_count - 1)
            .execution_options(synchronize_session="fetch")
        )


# -- telling people ---------------------------------------------------------------------------

_BUYER_NEWS = {
    S.CONFIRMED: ("order.confirmed", _l("Order %(number)s was confirmed"), _l("%(shop)s is preparing your order.")),
    S.SHIPPING: ("order.shipped", _l("Order %(number)s is on its way"), _l("Tracking number: %(tracking)s.")),
    S.DELIVERED: ("order.delivered", _l("Order %(number)s was delivered"), _l("Please confirm you received it.")),
    S.CANCELLED: ("order.cancelled", _l("Order %(number)s was cancelled"), None),
}
_SMS = {
    S.SHIPPING: _l("Your order %(number)s from %(shop)s is on its way. Tracking number: %(tracking)s."),
    S.DELIVERED: _l("Your order %(number)s from %(shop)s was delivered. Confirm receipt in your orders on "
                    "%(site)s."),
}


def _tell_the_other_party(order: Order, role: ActorRole, note: str | None) -> None:
    """One notification per person who didn't make the change, in their language; SMS after the commit."""
    shop = db.session.get(Shop, order.shop_id)
    values = {"number": order.number, "shop": shop.name, "tracking": order.tracking_number or ""}
    buyer_link, seller_link = f"/orders/{order.id}", f"/seller/orders/{order.id}"
    status = order.status
    told_buyer = role is not ActorRole.BUYER and status in _BUYER_NEWS
    buyer = db.session.get(User, order.buyer_id) if told_buyer or status in _SMS else None
    if told_buyer:
        kind, title, body = _BUYER_NEWS[status]
        with i18n.in_language_of(buyer):
            notify(order.buyer_id, kind, title % values, _reason(note) if body is None else body % values,
                   buyer_link)
    if role is not ActorRole.SELLER and status in (S.CANCELLED, S.COMPLETED):
        with i18n.in_language_of(db.session.get(User, shop.owner_id)):
            if status is S.COMPLETED:
                notify(shop.owner_id, "order.completed",
                       _("Order %(number)s was received by the buyer", number=order.number),
                       _("The buyer confirmed receipt; the order is complete."), seller_link)
            else:
                title = (_("Order %(number)s was cancelled by the buyer", number=order.number)
                         if role is ActorRole.BUYER
                         else _("Order %(number)s was cancelled by an administrator", number=order.number))
                notify(shop.owner_id, "order.cancelled", title, _reason(note), seller_link)
    if status in _SMS:
        contact = buyer.phone or buyer.email
        if contact:
            with i18n.in_language_of(buyer):
                subject = _("Order %(number)s", number=order.number)
                text = _SMS[status] % dict(values, site=current_app.config["SITE_NAME"])
            after_commit(db.session, messaging.send_to_contact, contact, subject, text)


def _reason(note: str | None) -> str:
    return _("Reason: %(reason)s", reason=note) if note else ""


# Reads live in their own module; re-exported so callers can use one name for orders.
from marketplace.services.ordering.order_queries import (  # noqa: E402,F401
    STATUS_TABS,
    count_shop_orders_by_status,
    get_buyer_order,
    get_shop_order,
    list_buyer_orders,
    list_shop_orders,
    parse_status,
)
