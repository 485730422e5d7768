"""Returns: a buyer sends some lines of a delivered order back; the state machine of models/returns.py.

    REQUESTED --seller accepts--> ACCEPTED --buyer's tracking--> SHIPPED_BACK --seller's receipt--> RECEIVED
        |                                                                        (refund decided: REFUNDED)
        +--seller refuses (reason)--> REFUSED --buyer disputes--> DISPUTED
        +--seller silent past respond_by (the sweep)--> DISPUTED --admin--> ACCEPTED or CLOSED
        +--buyer withdraws (REQUESTED, ACCEPTED, DISPUTED)--> CANCELLED

`TRANSITIONS` is the whole rule. Every change writes a ReturnEvent and tells the other party.

Locking: every change locks the ORDER row first (SELECT ... FOR UPDATE), then the return's row, the
order every refund and cancellation of the order takes too: a return accepted while the order is being
cancelled waits, then finds the return CLOSED by the cancellation and is refused. The units a return
takes back are counted on order_items.return_quantity under that lock (its CHECK <= quantity is the
backstop); a refusal, a withdrawal or a close gives them back, a dispute of a refusal takes them again.
"""
import enum
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from marketplace import i18n
from marketplace.dates import format_datetime
from marketplace.extensions import db
from marketplace.models import (
    OPEN_RETURN_STATUSES, Order, OrderItem, OrderStatus, Product, ProductVariant, ReturnEvent, ReturnImage, ReturnItem, ReturnReason,
    ReturnRequest, ReturnStatus, Role, Shop, User,
)
from marketplace.models.base import utcnow
from marketplace.services.accounts.notifications import notify
from marketplace.services.core import audit
from marketplace.services.core.effects import after_commit
from marketplace.services.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.services.core.images import delete_image, store_image
from marketplace.services.ledger import refunds
from marketplace.services.ledger.refunds import LineRefund

S = ReturnStatus
IMAGES_MAX = 5
IMAGE_FOLDER = "returns"
DETAILS_MAX = 2000
TEXT_MAX = 1000
TRACKING_MAX = 64
# The seller's fault: the whole order coming back for one of these gets its shipping back too.
SELLER_FAULT = frozenset({ReturnReason.DAMAGED, ReturnReason.WRONG_ITEM, ReturnReason.NOT_AS_DESCRIBED,
                          ReturnReason.MISSING_PARTS})
RETURNABLE_ORDER_STATUSES = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
SWEEP_BATCH = 100
_DIGITS = re.compile(r"[0-9]{1,6}")

REASON_LABELS = {
    ReturnReason.DAMAGED: _l("Arrived damaged"),
    ReturnReason.WRONG_ITEM: _l("Wrong item sent"),
    ReturnReason.NOT_AS_DESCRIBED: _l("Not as described"),
    ReturnReason.MISSING_PARTS: _l("Parts missing"),
    ReturnReason.CHANGED_MIND: _l("Changed my mind"),
    ReturnReason.OTHER: _l("Another reason"),
}
STATUS_LABELS = {
    S.REQUESTED: _l("Requested"), S.ACCEPTED: _l("Accepted"), S.REFUSED: _l("Refused"),
    S.DISPUTED: _l("With an administrator"), S.SHIPPED_BACK: _l("Sent back"), S.RECEIVED: _l("Received"),
    S.REFUNDED: _l("Refunded"), S.CLOSED: _l("Closed"), S.CANCELLED: _l("Withdrawn"),
}


_sweep_schedulers: list[Callable[[datetime], None]] = []


def use_sweep_scheduler(scheduler: Callable[[datetime], None]) -> None:
    """Register what queues the sweep for a seller's deadline (marketplace/jobs.py), after the commit."""
    if scheduler not in _sweep_schedulers:
        _sweep_schedulers.append(scheduler)


class ReturnNotAllowed(Conflict):
    code = "return_not_allowed"


class Role_(str, enum.Enum):
    BUYER = "buyer"
    SELLER = "seller"
    ADMIN = "admin"
    SYSTEM = "system"  # the sweep


class Action(str, enum.Enum):
    ACCEPT = "accept"
    REFUSE = "refuse"
    DISPUTE = "dispute"
    TIME_OUT = "time_out"
    DECIDE_ACCEPT = "decide_accept"
    DECIDE_CLOSE = "decide_close"
    SHIP_BACK = "ship_back"
    RECEIVE = "receive"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[ReturnStatus]
    target: ReturnStatus


R = Role_
# THE state machine of returns. Anything not in this table is refused.
TRANSITIONS: dict[tuple[Role_, Action], Transition] = {
    (R.SELLER, Action.ACCEPT): Transition(frozenset({S.REQUESTED}), S.ACCEPTED),
    (R.SELLER, Action.REFUSE): Transition(frozenset({S.REQUESTED}), S.REFUSED),
    (R.BUYER, Action.DISPUTE): Transition(frozenset({S.REFUSED}), S.DISPUTED),
    (R.SYSTEM, Action.TIME_OUT): Transition(frozenset({S.REQUESTED}), S.DISPUTED),
    (R.ADMIN, Action.DECIDE_ACCEPT): Transition(frozenset({S.DISPUTED}), S.ACCEPTED),
    (R.ADMIN, Action.DECIDE_CLOSE): Transition(frozenset({S.DISPUTED}), S.CLOSED),
    (R.BUYER, Action.SHIP_BACK): Transition(frozenset({S.ACCEPTED}), S.SHIPPED_BACK),
    (R.SELLER, Action.RECEIVE): Transition(frozenset({S.SHIPPED_BACK}), S.RECEIVED),
    (R.BUYER, Action.CANCEL): Transition(frozenset({S.REQUESTED, S.ACCEPTED, S.DISPUTED}), S.CANCELLED),
}
# Statuses whose units are not held by the return any more.
_RELEASED = frozenset({S.REFUSED, S.CLOSED, S.CANCELLED})
_REFUSALS = {
    Action.ACCEPT: _l("This return is %(status)s; it can't be accepted now."),
    Action.REFUSE: _l("This return is %(status)s; it can't be refused now."),
    Action.DISPUTE: _l("This return is %(status)s; only a refused return can be sent to an administrator."),
    Action.TIME_OUT: _l("This return is %(status)s."),
    Action.DECIDE_ACCEPT: _l("This return is %(status)s; only a disputed return can be decided."),
    Action.DECIDE_CLOSE: _l("This return is %(status)s; only a disputed return can be decided."),
    Action.SHIP_BACK: _l("This return is %(status)s; a tracking number can be given once it is accepted."),
    Action.RECEIVE: _l("This return is %(status)s; its receipt can be confirmed once it is sent back."),
    Action.CANCEL: _l("This return is %(status)s; it can no longer be withdrawn."),
}


def allowed_actions(request: ReturnRequest, role: Role_) -> set[Action]:
    """What `role` may do to the return in its current status (for showing buttons)."""
    status = S(request.status)
    return {action for (r, action), t in TRANSITIONS.items() if r is role and status in t.sources}


def _check(status: ReturnStatus, role: Role_, action: Action) -> Transition:
    transition = TRANSITIONS[(role, action)]
    if status not in transition.sources:
        raise ReturnNotAllowed(str(_REFUSALS[action] % {"status": STATUS_LABELS[status]}))
    return transition


# -- asking ------------------------------------------------------------------------------------------

def window_ends(order: Order) -> datetime | None:
    if order.delivered_at is None:
        return None
    return order.delivered_at + timedelta(days=current_app.config["RETURN_WINDOW_DAYS"])


def can_request(order: Order, now: datetime | None = None) -> bool:
    """Is the order still returnable (status and window)? Units and open returns are checked on request."""
    ends = window_ends(order)
    return order.status in RETURNABLE_ORDER_STATUSES and ends is not None and (now or utcnow()) <= ends


def clean_reason(reason) -> ReturnReason:
    try:
        return ReturnReason(str(reason or "").strip().upper())
    except ValueError:
        raise ValidationFailed(_("Choose a reason from the list."), field="reason", code="invalid_reason") from None


def _clean_text(value, *, field: str, limit: int, required: bool, missing: str = "") -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if not text:
        if required:
            raise ValidationFailed(missing, field=field, code=f"{field}_required")
        return None
    if len(text) > limit:
        raise ValidationFailed(_("Use at most %(limit)s characters.", limit=limit), field=field,
                               code=f"{field}_too_long")
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise ValidationFailed(_("Remove the control characters."), field=field, code="invalid_characters")
    return text


def request_return(buyer: User, order_id: uuid.UUID, quantities: dict[uuid.UUID, int], reason, details: str = "",
                   images: Iterable[bytes] = (), now: datetime | None = None) -> ReturnRequest:
    """The buyer asks to return some units of some lines of their DELIVERED/COMPLETED order within
    RETURN_WINDOW_DAYS of delivery. Locks the order row; counts the units on return_quantity."""
    now = now or utcnow()
    order = _locked_order(order_id, Order.buyer_id == buyer.id)
    if order.status not in RETURNABLE_ORDER_STATUSES:
        raise ReturnNotAllowed(_("Only a delivered order can be returned."))
    if not can_request(order, now):
        raise ReturnNotAllowed(_("The %(days)s days to return this order have passed.",
                                 days=current_app.config["RETURN_WINDOW_DAYS"]))
    if _open_return_id(order.id) is not None:
        raise ReturnNotAllowed(_("A return of this order is already under way: see it before asking another."))
    reason = clean_reason(reason)
    details = _clean_text(details, field="details", limit=DETAILS_MAX, required=False) or ""
    images = list(images)
    if len(images) > IMAGES_MAX:
        raise ValidationFailed(_("A return can have at most %(limit)s photos.", limit=IMAGES_MAX), field="images",
                               code="too_many_images")
    items = {item.id: item for item in _lines(order)}
    chosen = _clean_quantities(items, quantities)
    number = _number(order)
    stored = _store_images(images)
    request = ReturnRequest(id=uuid.uuid4(), number=number, order_id=order.id, buyer_id=buyer.id,
                            shop_id=order.shop_id, status=S.REQUESTED.value, reason=reason.value, details=details,
                            respond_by=now + timedelta(days=current_app.config["RETURN_RESPONSE_DAYS"]))
    request.items = [ReturnItem(order_item_id=item_id, quantity=quantity) for item_id, quantity in chosen.items()]
    request.images = [ReturnImage(key=image.key, position=i) for i, image in enumerate(stored)]
    for item_id, quantity in chosen.items():
        items[item_id].return_quantity += quantity
    db.session.add(request)
    _event(request, buyer, None, S.REQUESTED, details or None)
    db.session.flush()
    _tell(request, R.BUYER, S.REQUESTED)
    for scheduler in _sweep_schedulers:
        after_commit(db.session, scheduler, request.respond_by)
    return request


def _clean_quantities(items: dict[uuid.UUID, OrderItem], quantities: dict) -> dict[uuid.UUID, int]:
    chosen: dict[uuid.UUID, int] = {}
    for raw_id, raw_quantity in (quantities or {}).items():
        try:
            item_id = raw_id if isinstance(raw_id, uuid.UUID) else uuid.UUID(str(raw_id))
        except ValueError:
            item_id = None
        if item_id not in items:
            raise ValidationFailed(_("That line is not part of this order."), field="lines", code="unknown_line")
        text = str(raw_quantity).strip()
        if isinstance(raw_quantity, bool) or not (isinstance(raw_quantity, int) or _DIGITS.fullmatch(text)):
            raise ValidationFailed(_("Enter a whole number of units."), field=f"quantity-{item_id}",
                                   code="invalid_quantity")
        quantity = int(text)
        if quantity == 0:
            continue
        item = items[item_id]
        left = item.quantity - item.return_quantity
        if quantity < 0 or quantity > left:
            raise ValidationFailed(
                _("You can return at most %(count)s of %(title)s.", count=left, title=item.product_title),
                field=f"quantity-{item_id}", code="quantity_above_bought")
        chosen[item_id] = quantity
    if not chosen:
        raise ValidationFailed(_("Choose at least one item to return."), field="lines", code="nothing_chosen")
    return chosen


def _number(order: Order) -> str:
    count = db.session.scalar(select(func.count(ReturnRequest.id)).where(ReturnRequest.order_id == order.id))
    return f"R{order.number[:26]}-{count + 1}"


def _store_images(images: list[bytes]):
    """Store every photo or none (review photos' rule: a bad file removes the ones stored)."""
    stored = []
    try:
        for data in images:
            stored.append(store_image(data, IMAGE_FOLDER, field="images"))
    except Exception:
        for image in stored:
            delete_image(image.key, image.thumb_key)
        raise
    return stored


# -- the answers -------------------------------------------------------------------------------------

def accept(seller: User, return_id: uuid.UUID, now: datetime | None = None) -> ReturnRequest:
    """The shop owner accepts a REQUESTED return before its deadline: the buyer may send it back."""
    request, order = _locked_return(return_id, seller, R.SELLER)
    _before_deadline(request, now)
    return _move(request, order, seller, R.SELLER, Action.ACCEPT)


def refuse(seller: User, return_id: uuid.UUID, reason: str | None, now: datetime | None = None) -> ReturnRequest:
    """The shop owner refuses a REQUESTED return with a reason; its units are free again."""
    request, order = _locked_return(return_id, seller, R.SELLER)
    text = _clean_text(reason, field="reason", limit=TEXT_MAX, required=True,
                       missing=_("Give a reason: the buyer will see it."))
    _before_deadline(request, now)
    _check(S(request.status), R.SELLER, Action.REFUSE)
    request.refuse_reason = text
    return _move(request, order, seller, R.SELLER, Action.REFUSE, note=text)


def dispute(buyer: User, return_id: uuid.UUID, note: str | None = None) -> ReturnRequest:
    """The buyer asks an administrator to decide a REFUSED return; its units are held again."""
    request, order = _locked_return(return_id, buyer, R.BUYER)
    text = _clean_text(note, field="note", limit=TEXT_MAX, required=False)
    _check(S(request.status), R.BUYER, Action.DISPUTE)
    if _open_return_id(order.id) is not None:
        raise ReturnNotAllowed(_("Another return of this order is under way."))
    return _move(request, order, buyer, R.BUYER, Action.DISPUTE, note=text)


def decide(admin: User, return_id: uuid.UUID, accept_it: bool, note: str | None) -> ReturnRequest:
    """An administrator decides a DISPUTED return: ACCEPTED (the buyer sends it back) or CLOSED.
    The note is required and audited."""
    request, order = _locked_return(return_id, admin, R.ADMIN)
    text = _clean_text(note, field="note", limit=TEXT_MAX, required=True,
                       missing=_("Give a reason: the buyer and the seller will see it."))
    action = Action.DECIDE_ACCEPT if accept_it else Action.DECIDE_CLOSE
    _check(S(request.status), R.ADMIN, action)
    request.decision_note = text
    _move(request, order, admin, R.ADMIN, action, note=text)
    audit.record(admin, "return.decide", "return", request.id, text, number=request.number,
                 decision="accepted" if accept_it else "closed")
    return request


def give_tracking(buyer: User, return_id: uuid.UUID, tracking_number: str | None) -> ReturnRequest:
    """The buyer sent the accepted return back: its carrier's tracking number."""
    request, order = _locked_return(return_id, buyer, R.BUYER)
    tracking = _clean_text(tracking_number, field="tracking_number", limit=TRACKING_MAX, required=True,
                           missing=_("Enter the carrier's tracking number."))
    _check(S(request.status), R.BUYER, Action.SHIP_BACK)
    request.tracking_number = tracking
    return _move(request, order, buyer, R.BUYER, Action.SHIP_BACK, note=f"Tracking number: {tracking}")


def add_images(buyer: User, return_id: uuid.UUID, images: Iterable[bytes]) -> ReturnRequest:
    """The buyer adds photos to their return while the seller has not answered (REQUESTED): the app sends
    them after the request itself. The same rules as at the request: at most IMAGES_MAX in all, each a real
    picture; a refused request stores nothing."""
    request, _order = _locked_return(return_id, buyer, R.BUYER)
    if request.status != S.REQUESTED.value:
        raise ReturnNotAllowed(_("Photos can be added only until the seller answers."))
    images = list(images)
    if not images:
        raise ValidationFailed(_("Choose at least one photo."), field="images", code="required")
    if len(request.images) + len(images) > IMAGES_MAX:
        raise ValidationFailed(_("A return can have at most %(limit)s photos.", limit=IMAGES_MAX), field="images",
                               code="too_many_images")
    first = len(request.images)
    stored = _store_images(images)
    request.images.extend(ReturnImage(key=image.key, position=first + i) for i, image in enumerate(stored))
    db.session.flush()
    return request


def cancel(buyer: User, return_id: uuid.UUID) -> ReturnRequest:
    """The buyer withdraws the return before sending it back; its units are free again."""
    request, order = _locked_return(return_id, buyer, R.BUYER)
    return _move(request, order, buyer, R.BUYER, Action.CANCEL)


def receive(seller: User, return_id: uuid.UUID, restock: bool) -> ReturnRequest:
    """The shop owner has the goods back: RECEIVED, the units back on sale if `restock` (and out of
    sold_count either way), then the refund of the returned units decided at once: REFUNDED.
    Locks the order row (the refund keeps it), then the variants in id order."""
    request, order = _locked_return(return_id, seller, R.SELLER)
    _check(S(request.status), R.SELLER, Action.RECEIVE)
    request.restock = bool(restock)
    _move(request, order, seller, R.SELLER, Action.RECEIVE, note="restocked" if restock else "not restocked",
          tell=False)
    items = {item.id: item for item in _lines(order)}
    _put_back(request, items, bool(restock))
    lines = [LineRefund(line.order_item_id, line.quantity, refunds.amount_for_units(items[line.order_item_id],
                                                                                     line.quantity))
             for line in request.items]
    lines = [line for line in lines if line.amount > 0]
    shipping = _shipping_back(request, order, items)
    if lines or shipping:
        refunds.decide(order.id, lines, shipping, reason=f"return {request.number}", actor=seller,
                       return_id=request.id)
    else:  # nothing was paid for these units (a voucher covered them): the units still come back
        for line in request.items:
            items[line.order_item_id].refunded_quantity += line.quantity
    previous = S(request.status)
    request.status = S.REFUNDED.value
    _event(request, seller, previous, S.REFUNDED, None)
    db.session.flush()
    _tell(request, R.SELLER, S.REFUNDED)
    return request


def dispute_unanswered(now: datetime | None = None) -> int:
    """The sweep: every REQUESTED return past its seller's deadline goes to an administrator
    (DISPUTED). Rows another transaction holds are skipped for the next run; how many moved."""
    now = now or utcnow()
    moved = 0
    while True:
        ids = list(db.session.scalars(
            select(ReturnRequest.id).where(ReturnRequest.status == S.REQUESTED.value, ReturnRequest.respond_by < now)
            .order_by(ReturnRequest.respond_by).limit(SWEEP_BATCH)))
        for return_id in ids:
            request, order = _locked_return(return_id, None, R.SYSTEM)
            if request.status == S.REQUESTED.value and request.respond_by < now:
                _move(request, order, None, R.SYSTEM, Action.TIME_OUT, note="no answer from the seller in time")
                moved += 1
        if len(ids) < SWEEP_BATCH:
            return moved


# -- the machinery -----------------------------------------------------------------------------------

def _locked_order(order_id: uuid.UUID, *conditions) -> Order:
    order = db.session.scalar(select(Order).where(Order.id == order_id, *conditions).with_for_update()
                              .execution_options(populate_existing=True))
    if order is None:
        raise NotFound(_("We couldn't find that order."))
    return order


def _locked_return(return_id: uuid.UUID, actor: User | None, role: Role_) -> tuple[ReturnRequest, Order]:
    """The return (and its order, locked first) if `actor` may act on it as `role`; otherwise NotFound."""
    query = select(ReturnRequest.order_id).where(ReturnRequest.id == return_id)
    if role is R.BUYER:
        query = query.where(ReturnRequest.buyer_id == actor.id)
    elif role is R.SELLER:
        query = query.where(ReturnRequest.shop_id.in_(select(Shop.id).where(Shop.owner_id == actor.id)))
    elif role is R.ADMIN and actor.role != Role.ADMIN:
        query = query.where(False)
    order_id = db.session.scalar(query)
    if order_id is None:
        raise NotFound(_("We couldn't find that return."))
    order = _locked_order(order_id)
    request = db.session.scalar(select(ReturnRequest).where(ReturnRequest.id == return_id).with_for_update()
                                .execution_options(populate_existing=True))
    return request, order


def _before_deadline(request: ReturnRequest, now: datetime | None) -> None:
    if request.status == S.REQUESTED.value and (now or utcnow()) > request.respond_by:
        raise ReturnNotAllowed(_("The time to answer this return has passed: an administrator decides it."))


def _move(request: ReturnRequest, order: Order, actor: User | None, role: Role_, action: Action,
          note: str | None = None, tell: bool = True) -> ReturnRequest:
    previous = S(request.status)
    target = _check(previous, role, action).target
    if target in _RELEASED and previous not in _RELEASED:
        _hold_units(request, -1)
    elif previous in _RELEASED and target not in _RELEASED:
        _hold_units(request, +1)
    request.status = target.value
    _event(request, actor, previous, target, note)
    try:
        db.session.flush()
    except IntegrityError:  # the CHECK on return_quantity: another return took these units meanwhile
        raise ReturnNotAllowed(_("Some of these units are already in another return.")) from None
    if tell:
        _tell(request, role, target)
    return request


def _hold_units(request: ReturnRequest, sign: int) -> None:
    items = {item.id: item for item in _lines(db.session.get(Order, request.order_id))}
    for line in request.items:
        item = items[line.order_item_id]
        if sign > 0 and item.return_quantity + line.quantity > item.quantity:
            raise ReturnNotAllowed(_("Some of these units are already in another return."))
        item.return_quantity = max(item.return_quantity + sign * line.quantity, 0)


def _put_back(request: ReturnRequest, items: dict[uuid.UUID, OrderItem], restock: bool) -> None:
    by_variant: dict[uuid.UUID, int] = {}
    by_product: dict[uuid.UUID, int] = {}
    for line in request.items:
        item = items[line.order_item_id]
        if item.variant_id:
            by_variant[item.variant_id] = by_variant.get(item.variant_id, 0) + line.quantity
        if item.product_id:
            by_product[item.product_id] = by_product.get(item.product_id, 0) + line.quantity
    if restock:
        for variant_id, quantity in sorted(by_variant.items()):
            db.session.execute(update(ProductVariant).where(ProductVariant.id == variant_id)
                               .values(stock=ProductVariant.stock + quantity)
                               .execution_options(synchronize_session="fetch"))
    for product_id, quantity in sorted(by_product.items()):
        db.session.execute(update(Product).where(Product.id == product_id)
                           .values(sold_count=func.greatest(Product.sold_count - quantity, 0))
                           .execution_options(synchronize_session="fetch"))


def _shipping_back(request: ReturnRequest, order: Order, items: dict[uuid.UUID, OrderItem]) -> int:
    """The shipping left to refund when, with this return, every unit of the order has come back for
    the seller's fault; 0 otherwise."""
    if ReturnReason(request.reason) not in SELLER_FAULT:
        return 0
    returning = {line.order_item_id: line.quantity for line in request.items}
    whole = all(item.refunded_quantity + returning.get(item.id, 0) >= item.quantity for item in items.values())
    return order.shipping_fee - order.shipping_refunded if whole else 0


def _lines(order: Order) -> list[OrderItem]:
    return list(db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)
                                   .execution_options(populate_existing=True)))


def _open_return_id(order_id: uuid.UUID) -> uuid.UUID | None:
    return db.session.scalar(select(ReturnRequest.id).where(ReturnRequest.order_id == order_id,
                                                            ReturnRequest.status.in_(OPEN_RETURN_STATUSES)))


def _event(request: ReturnRequest, actor: User | None, previous: ReturnStatus | None, target: ReturnStatus,
           note: str | None) -> None:
    db.session.add(ReturnEvent(return_id=request.id, actor_id=actor.id if actor else None,
                               from_status=previous.value if previous else None, to_status=target.value, note=note))


# -- telling people ----------------------------------------------------------------------------------

_NEWS = {
    S.REQUESTED: _l("Return %(number)s was requested"),
    S.ACCEPTED: _l("Return %(number)s was accepted"),
    S.REFUSED: _l("Return %(number)s was refused"),
    S.DISPUTED: _l("Return %(number)s went to an administrator"),
    S.SHIPPED_BACK: _l("Return %(number)s was sent back"),
    S.REFUNDED: _l("Return %(number)s was received and refunded"),
    S.CLOSED: _l("Return %(number)s was closed"),
    S.CANCELLED: _l("Return %(number)s was withdrawn"),
}
_BODIES = {
    S.REQUESTED: _l("Please accept or refuse it before %(deadline)s."),
    S.ACCEPTED: _l("Send the items back and enter the tracking number."),
    S.SHIPPED_BACK: _l("Tracking number: %(tracking)s."),
    S.REFUNDED: _l("The refund is on its way."),
}


def _tell(request: ReturnRequest, role: Role_, status: ReturnStatus) -> None:
    """One notification to each party that did not make the change, in their language."""
    shop = db.session.get(Shop, request.shop_id)
    people = []
    if role is not R.BUYER:
        people.append((request.buyer_id, f"/returns/{request.id}"))
    if role is not R.SELLER:
        people.append((shop.owner_id, f"/seller/returns/{request.id}"))
    for user_id, link in people:
        user = db.session.get(User, user_id)
        with i18n.in_language_of(user):
            title = str(_NEWS[status] % {"number": request.number})
            note = request.refuse_reason if status is S.REFUSED else None
            if role is R.ADMIN:
                note = request.decision_note
            if note:
                body = _("Reason: %(reason)s", reason=note)
            elif status in _BODIES:
                body = str(_BODIES[status] % {"deadline": format_datetime(request.respond_by),
                                              "tracking": request.tracking_number or ""})
            else:
                body = ""
            notify(user_id, f"return.{status.value.lower()}", title, body, link)
