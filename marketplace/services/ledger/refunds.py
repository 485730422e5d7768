"""Refunds: money given back for one order, some of its lines and/or its shipping.

Deciding. `decide` runs under the ORDER row's lock (SELECT ... FOR UPDATE): two refunds of one
order, a refund and a cancellation, a refund and a return's receipt all run one after the other and
each reads what the previous one left. Per line it never gives back more than the buyer paid for it
(`paid - refunded_amount`; the CHECK on order_items.refunded_amount is the backstop), nor more
shipping than the fee (orders.shipping_refunded's CHECK).

The money (models/ledger.py):
    after delivery   Dr SHOP_PENDING, or SHOP_AVAILABLE once the line (the shipping) is settled,
                        amount - commission reversed (per line, with its order_item_id)
                     Dr COMMISSION the commission reversed
                     Cr REFUNDS_OWED amount
    before delivery  (a paid online order cancelled) Dr BUYER_FUNDS / Cr REFUNDS_OWED amount
    paid             Dr REFUNDS_OWED / Cr CASH (the provider confirmed, or an admin paid it by hand)
The commission goes back pro rata: after a refund the line has reversed
floor(commission * refunded_amount / paid), so the refund that completes a line reverses exactly
what is left. A settled line's share comes out of the shop's available balance, locked; what that
balance cannot cover (the shop was paid out meanwhile) comes out of its pending earnings instead, so
the shop's total never changes by more than the refund.

Paying. An online refund is sent to the payment's provider after the commit (services/payments/
refunding.py registers itself with `use_sender`); a cash-on-delivery one waits for an admin, who
pays it by bank transfer and marks it paid with the reference (`mark_paid`).
"""
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, select

from marketplace import i18n
from marketplace.extensions import db
from marketplace.models import (
    CheckoutPayment, LedgerTransaction, Order, OrderItem, OrderStatus, PaymentMethod, PaymentStatus, Refund,
    RefundItem, RefundStatus, TransactionKind, User,
)
from marketplace.models.base import utcnow
from marketplace.money import format_money
from marketplace.services.accounts.notifications import notify
from marketplace.services.core.effects import after_commit
from marketplace.services.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.services.ledger.ledger import K, credit, debit, locked_balance, post

logger = logging.getLogger("marketplace.refunds")
T = TransactionKind
REASON_MAX = 200  # refunds.reason
REFERENCE_MAX = 120  # refunds.reference
FAILURE_MAX = 200

# What sends an online refund to its provider after the commit (services/payments/refunding.py).
_senders: list[Callable[[uuid.UUID], None]] = []


class RefundNotAllowed(Conflict):
    code = "refund_not_allowed"


@dataclass(frozen=True)
class LineRefund:
    """Give `amount` back for `quantity` units (0: money only) of one order line."""
    order_item_id: uuid.UUID
    quantity: int
    amount: int


def use_sender(sender: Callable[[uuid.UUID], None]) -> None:
    """Register what sends an ONLINE refund (by id) once its decision is committed."""
    if sender not in _senders:
        _senders.append(sender)


# -- arithmetic ----------------------------------------------------------------------------------

def amount_for_units(item: OrderItem, units: int) -> int:
    """What `units` more returned units of `item` give back: their share of what was paid, the line's
    last units taking the remainder (so refunding every unit one by one adds up to `paid`)."""
    if units <= 0:
        return 0
    remaining_units = item.quantity - item.refunded_quantity
    if units >= remaining_units:
        return item.paid - item.refunded_amount
    # Pro rata of the paid amount by cumulative units, so rounding never drifts.
    after = item.paid * (item.refunded_quantity + units) // item.quantity
    before = item.paid * item.refunded_quantity // item.quantity
    return min(after - before, item.paid - item.refunded_amount)


def commission_to_reverse(item: OrderItem, amount: int) -> int:
    """The commission that goes back with `amount` more refunded on `item` (see the module doc)."""
    if item.paid <= 0:
        return 0
    refunded = item.refunded_amount + amount
    target = item.commission if refunded >= item.paid else item.commission * refunded // item.paid
    return max(target - item.commission_refunded, 0)


def refundable(order: Order) -> bool:
    """Was money paid for this order, so that a refund can give some back?"""
    if order.delivered_at is not None:
        return True  # delivered: online paid before, cash collected at the door
    return order.payment_method is PaymentMethod.ONLINE and _captured_payment(order) is not None


def left_to_refund(order: Order, items: Iterable[OrderItem]) -> int:
    return sum(item.paid - item.refunded_amount for item in items) + order.shipping_fee - order.shipping_refunded


# -- deciding --------------------------------------------------------------------------------------

def locked_order(order_id: uuid.UUID) -> Order:
    order = db.session.scalar(select(Order).where(Order.id == order_id).with_for_update()
                              .execution_options(populate_existing=True))
    if order is None:
        raise NotFound(_("We couldn't find that order."))
    return order


def decide(order_id: uuid.UUID, lines: Iterable[LineRefund] = (), shipping: int = 0, *, reason: str,
           actor: User | None = None, return_id: uuid.UUID | None = None) -> Refund:
    """Decide a refund of some lines and/or shipping of one order; status OWED, posted as REFUND.

    Locks the order row, then (for a settled line) the shop's available account row. Raises
    ValidationFailed for an amount or quantity out of bounds (nothing is written), RefundNotAllowed
    when nothing was paid. Online refunds are sent to the provider after the commit."""
    order = locked_order(order_id)
    lines = list(lines)
    if not refundable(order):
        raise RefundNotAllowed(_("Nothing was paid for this order, so there is nothing to refund."))
    items = {item.id: item for item in db.session.scalars(
        select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)
        .execution_options(populate_existing=True))}
    _check(order, items, lines, shipping)
    payment = _captured_payment(order) if order.payment_method is PaymentMethod.ONLINE else None
    refund = Refund(id=uuid.uuid4(), order_id=order.id, return_id=return_id, payment_id=payment.id if payment else None,
                    method=order.payment_method.value, status=RefundStatus.OWED.value, currency=order.currency,
                    items_amount=sum(line.amount for line in lines), shipping_amount=shipping,
                    amount=sum(line.amount for line in lines) + shipping, reason=(reason or "")[:REASON_MAX],
                    created_by=actor.id if actor else None)
    db.session.add(refund)
    entries = [credit(K.REFUNDS_OWED, refund.amount, order_id=order.id)]
    before_delivery = order.delivered_at is None
    if before_delivery:
        entries.append(debit(K.BUYER_FUNDS, refund.amount, order_id=order.id))
    shop_debits: list[tuple[bool, int, uuid.UUID | None]] = []  # (settled, amount, order_item_id)
    for line in lines:
        item = items[line.order_item_id]
        reversed_ = commission_to_reverse(item, line.amount)
        refund.items.append(RefundItem(order_item_id=item.id, quantity=line.quantity, amount=line.amount))
        item.refunded_amount += line.amount
        item.refunded_quantity += line.quantity
        item.commission_refunded += reversed_
        if not before_delivery:
            entries.append(debit(K.COMMISSION, reversed_, order_id=order.id, order_item_id=item.id))
            shop_debits.append((item.settled_at is not None, line.amount - reversed_, item.id))
    if shipping:
        order.shipping_refunded += shipping
        if not before_delivery:
            shop_debits.append((_shipping_settled(order), shipping, None))
    entries += _shop_entries(order, shop_debits)
    db.session.flush()
    post(T.REFUND, order.currency, entries, key=f"refund:{refund.id}", memo=f"refund {order.number}",
         actor_id=actor.id if actor else None, order_id=order.id, refund_id=refund.id)
    _tell_buyer_decided(order, refund)
    if refund.method == PaymentMethod.ONLINE.value:
        for sender in _senders:
            after_commit(db.session, sender, refund.id)
    return refund


def refund_in_full(order_id: uuid.UUID, *, reason: str, actor: User | None = None) -> Refund | None:
    """Give back everything of the order not given back yet (a cancelled paid order); None when
    nothing is left or nothing was paid. Takes the order row's lock (decide)."""
    order = locked_order(order_id)
    if not refundable(order):
        return None
    items = list(db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)
                                    .execution_options(populate_existing=True)))
    lines = [LineRefund(item.id, item.quantity - item.refunded_quantity, item.paid - item.refunded_amount)
             for item in items if item.paid - item.refunded_amount > 0]
    shipping = order.shipping_fee - order.shipping_refunded
    if not lines and not shipping:
        return None
    return decide(order.id, lines, shipping, reason=reason, actor=actor)


def _check(order: Order, items: dict[uuid.UUID, OrderItem], lines: list[LineRefund], shipping: int) -> None:
    seen: set[uuid.UUID] = set()
    for line in lines:
        item = items.get(line.order_item_id)
        if item is None or line.order_item_id in seen:
            raise ValidationFailed(_("That line is not part of this order."), field="lines", code="unknown_line")
        seen.add(line.order_item_id)
        if not isinstance(line.amount, int) or line.amount <= 0:
            raise ValidationFailed(_("A refund amount must be more than zero."), field="amount",
                                   code="amount_not_positive")
        left = item.paid - item.refunded_amount
        if line.amount > left:
            raise ValidationFailed(
                _("At most %(amount)s is left to refund for %(title)s.",
                  amount=format_money(left, order.currency), title=item.product_title),
                field="amount", code="refund_above_paid")
        if not isinstance(line.quantity, int) or line.quantity < 0 or \
                line.quantity > item.quantity - item.refunded_quantity:
            raise ValidationFailed(
                _("At most %(count)s units of %(title)s can still be refunded.",
                  count=item.quantity - item.refunded_quantity, title=item.product_title),
                field="quantity", code="quantity_above_bought")
    if not isinstance(shipping, int) or shipping < 0:
        raise ValidationFailed(_("A refund amount must be more than zero."), field="shipping",
                               code="amount_not_positive")
    if shipping > order.shipping_fee - order.shipping_refunded:
        raise ValidationFailed(
            _("At most %(amount)s of shipping is left to refund.",
              amount=format_money(order.shipping_fee - order.shipping_refunded, order.currency)),
            field="shipping", code="refund_above_paid")
    if not lines and not shipping:
        raise ValidationFailed(_("Choose what to refund."), field="lines", code="nothing_to_refund")


def _shop_entries(order: Order, debits: list[tuple[bool, int, uuid.UUID | None]]) -> list:
    """The shop's side: settled amounts from its available balance while it covers them (its row
    locked), the rest (and everything unsettled) from its pending earnings."""
    entries = []
    settled_total = sum(amount for settled, amount, _ in debits if settled and amount > 0)
    available = locked_balance(K.SHOP_AVAILABLE, order.currency, order.shop_id) if settled_total else 0
    shop = dict(shop_id=order.shop_id, order_id=order.id)
    for settled, amount, item_id in debits:
        if amount <= 0:
            continue
        if settled and available >= amount:
            available -= amount
            entries.append(debit(K.SHOP_AVAILABLE, amount, order_item_id=item_id, **shop))
        else:
            entries.append(debit(K.SHOP_PENDING, amount, order_item_id=item_id, **shop))
    return entries


def _shipping_settled(order: Order) -> bool:
    return order.settled_at is not None or bool(db.session.scalar(select(exists().where(
        LedgerTransaction.key == f"settle-shipping:{order.id}"))))


def _captured_payment(order: Order) -> CheckoutPayment | None:
    if order.status is OrderStatus.AWAITING_PAYMENT:
        return None
    return db.session.scalar(select(CheckoutPayment).where(CheckoutPayment.checkout_id == order.checkout_id,
                                                           CheckoutPayment.status == PaymentStatus.PAID.value))


# -- paying ------------------------------------------------------------------------------------------

def locked_refund(refund_id: uuid.UUID) -> Refund:
    refund = db.session.scalar(select(Refund).where(Refund.id == refund_id).with_for_update()
                               .execution_options(populate_existing=True))
    if refund is None:
        raise NotFound(_("We couldn't find that refund."))
    return refund


def mark_paid(refund_id: uuid.UUID, *, provider_refund_id: str | None = None, reference: str | None = None,
              actor: User | None = None) -> Refund:
    """The money reached the buyer: the provider's refund id, or the admin's bank reference (required
    then). Locks the refund row; posts REFUND_PAID once. An OWED or FAILED refund may be paid."""
    refund = locked_refund(refund_id)
    reference = (reference or "").strip() or None
    if provider_refund_id is None:
        if reference is None:
            raise ValidationFailed(_("Enter the bank transfer's reference."), field="reference",
                                   code="reference_required")
        if len(reference) > REFERENCE_MAX:
            raise ValidationFailed(_("The reference can be at most %(limit)s characters.", limit=REFERENCE_MAX),
                                   field="reference", code="too_long")
    if refund.status == RefundStatus.PAID.value:
        raise RefundNotAllowed(_("This refund was already paid."))
    refund.status, refund.paid_at = RefundStatus.PAID.value, utcnow()
    refund.provider_refund_id = provider_refund_id
    refund.reference = reference
    refund.paid_by = actor.id if actor else None
    db.session.flush()
    post(T.REFUND_PAID, refund.currency, [debit(K.REFUNDS_OWED, refund.amount, order_id=refund.order_id),
                                          credit(K.CASH, refund.amount, order_id=refund.order_id)],
         key=f"refund-paid:{refund.id}", memo="refund paid", actor_id=actor.id if actor else None,
         order_id=refund.order_id, refund_id=refund.id)
    _tell_buyer_paid(refund)
    return refund


def mark_failed(refund_id: uuid.UUID, failure: str) -> Refund:
    """The provider refused: an admin pays it by hand (the refunds queue). Locks the refund row; a
    refund already PAID stays paid."""
    refund = locked_refund(refund_id)
    if refund.status == RefundStatus.PAID.value:
        return refund
    refund.status, refund.failure = RefundStatus.FAILED.value, (failure or "")[:FAILURE_MAX]
    db.session.flush()
    logger.warning("refund failed at the provider", extra={"refund_id": str(refund.id)})
    return refund


# -- telling the buyer -----------------------------------------------------------------------------

def _tell_buyer_decided(order: Order, refund: Refund) -> None:
    buyer = db.session.get(User, order.buyer_id)
    with i18n.in_language_of(buyer):
        amount = format_money(refund.amount, refund.currency)
        body = (_("It goes back to your payment method; your bank may take a few days to show it.")
                if refund.method == PaymentMethod.ONLINE.value
                else _("We will send it to you by bank transfer and tell you when it is done."))
        notify(order.buyer_id, "refund.decided",
               _("A refund of %(amount)s for order %(number)s", amount=amount, number=order.number),
               body, f"/orders/{order.id}")


def _tell_buyer_paid(refund: Refund) -> None:
    order = db.session.get(Order, refund.order_id)
    buyer = db.session.get(User, order.buyer_id)
    with i18n.in_language_of(buyer):
        notify(order.buyer_id, "refund.paid",
               _("Your refund of %(amount)s was paid", amount=format_money(refund.amount, refund.currency)),
               _("Order %(number)s", number=order.number), f"/orders/{order.id}")
