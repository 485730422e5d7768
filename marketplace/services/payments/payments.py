"""One online payment per checkout: started with the provider, paid or not by its notifications,
expired when its hold runs out.

Exactly once. Every notification is first INSERTed into payment_events with ON CONFLICT DO NOTHING
on (provider, event_id): a copy sent again, or in parallel, blocks on that unique key until the first
one's transaction ends and then finds it there (Ack.DUPLICATE) and does nothing else. A refused
notification (unknown payment, wrong amount) is kept too, with its result, and changes nothing.

One outcome. Whatever changes a payment locks its row first (SELECT ... FOR UPDATE) and reads its
status under that lock: "paid", "expired" and the buyer's "cancel" for the same checkout run one
after the other. Paid first, the sweep no longer sees it PENDING and the buyer's cancel is refused;
expired (or cancelled) first, the payment finds EXPIRED (CANCELLED), its orders cancelled, and gives
the money back (REFUNDED). The sweep skips rows another transaction holds
(SKIP LOCKED) and takes them on its next run. After the payment row come the orders, in id order,
then the stock and voucher rows, as every cancel path does.
"""
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from marketplace import i18n
from marketplace.extensions import db
from marketplace.models import (
    CheckoutPayment, Order, OrderStatus, PaymentAttempt, PaymentEvent, PaymentMethod, PaymentRefund, PaymentStatus, User,
)
from marketplace.models.base import utcnow
from marketplace.money import format_money
from marketplace.services.accounts.notifications import notify
from marketplace.services.core.effects import after_commit, after_response
from marketplace.services.core.errors import Conflict, NotFound
from marketplace.services.ledger import postings, refunds
from marketplace.services.ordering import unpaid
from marketplace.services.ordering.checkout import PlacedOrders
from marketplace.services.payments.providers import get_provider
from marketplace.services.payments.providers.base import Ack, Charge, Notification, Outcome, Started
from marketplace.services.payments.providers.errors import ProviderError

logger = logging.getLogger("marketplace.payments")
P = PaymentStatus
SWEEP_BATCH = 100

# The return and notification addresses of a payment: the web side builds them (url_for).
Links = Callable[[uuid.UUID], tuple[str, str]]


class PaymentClosed(Conflict):
    code = "payment_closed"


@dataclass(frozen=True)
class Shopper:
    """Who pays, as the provider's page wants to know them."""
    locale: str = "vi"
    client_ip: str = "127.0.0.1"


def _provider(name: str | None = None):
    return get_provider(current_app.config, name)


# -- starting and trying again ----------------------------------------------------------------

def start_payment(user: User, placed: PlacedOrders, links: Links,
                  shopper: Shopper = Shopper()) -> tuple[CheckoutPayment | None, Started | None]:
    """The payment of an ONLINE checkout's orders (their grand total) and its first attempt; (None, None)
    for COD. A replayed checkout gets its payment back, with a new attempt while it may still be paid."""
    if not placed.orders or placed.orders[0].payment_method is not PaymentMethod.ONLINE:
        return None, None
    if placed.replayed:
        payment = payment_of_checkout(user, placed.checkout_id)
        if payment is None or payment.status != P.PENDING.value or payment.hold_until <= utcnow():
            return payment, None
        return payment, _new_attempt(_locked(payment.id), user, links, shopper)
    amount = sum(order.total for order in placed.orders)
    if amount == 0:  # vouchers covered everything: nothing to collect
        unpaid.mark_paid([order.id for order in placed.orders])
        return None, None
    hold = timedelta(minutes=current_app.config["PAYMENT_HOLD_MINUTES"])
    payment = CheckoutPayment(id=uuid.uuid4(), buyer_id=user.id, checkout_id=placed.checkout_id,
                              provider=_provider().name, status=P.PENDING.value, amount=amount,
                              currency=placed.orders[0].currency, hold_until=utcnow() + hold, attempt=0)
    db.session.add(payment)
    db.session.flush()
    return payment, _new_attempt(payment, user, links, shopper)


def pay_again(user: User, payment_id: uuid.UUID, links: Links, shopper: Shopper = Shopper()) -> Started:
    """A new attempt ("Pay now", "Pay again" after a decline) while the payment is PENDING and held."""
    payment = db.session.scalar(
        select(CheckoutPayment).where(CheckoutPayment.id == payment_id, CheckoutPayment.buyer_id == user.id)
        .with_for_update().execution_options(populate_existing=True))
    if payment is None:
        raise NotFound(_("We couldn't find that payment."))
    if payment.status != P.PENDING.value or payment.hold_until <= utcnow():
        raise PaymentClosed(_("This payment can no longer be made: see your orders for where they stand."))
    return _new_attempt(payment, user, links, shopper)


def _new_attempt(payment: CheckoutPayment, user: User, links: Links, shopper: Shopper) -> Started:
    provider = _provider(payment.provider)
    return_url, notify_url = links(payment.id)
    shops = db.session.scalar(select(func.count(Order.id)).where(Order.checkout_id == payment.checkout_id))
    with i18n.in_language_of(user):
        description = ngettext("%(site)s: %(num)d order", "%(site)s: %(num)d orders", shops,
                               site=current_app.config["SITE_NAME"])
    payment.attempt += 1
    started = provider.start(Charge(
        payment_id=payment.id, attempt=payment.attempt, amount=payment.amount, currency=payment.currency,
        description=description, return_url=return_url, notify_url=notify_url, locale=shopper.locale,
        client_ip=shopper.client_ip))
    payment.provider_reference = started.reference
    payment.last_outcome = None
    db.session.add(PaymentAttempt(payment_id=payment.id, attempt=payment.attempt, provider=provider.name,
                                  reference=started.reference))
    db.session.flush()
    return started


def card_payment(user: User, payment_id: uuid.UUID) -> tuple[CheckoutPayment, str | None]:
    """The buyer's payment and the client secret its current attempt is paid with on a page of ours
    (Stripe Elements); None for a provider whose own page takes the payment (sandbox, VNPay).
    NotFound for another buyer's payment, PaymentClosed once it may no longer be paid."""
    payment = get_payment(user, payment_id)
    if not can_pay(payment):
        raise PaymentClosed(_("This payment can no longer be made: see your orders for where they stand."))
    return payment, _provider(payment.provider).client_secret(payment.provider_reference)


def cancel_checkout(user: User, payment_id: uuid.UUID) -> CheckoutPayment:
    """The buyer cancels their unpaid checkout: every order of it, by the buyer's cancel rule (stock
    and voucher uses back, the shops told), and the payment CANCELLED, so that a payment the provider
    still confirms is refunded (_decide). Locks the payment row, then its orders in id order, as the
    notification and the sweep do: racing a "paid", exactly one of them wins."""
    payment = db.session.scalar(
        select(CheckoutPayment).where(CheckoutPayment.id == payment_id, CheckoutPayment.buyer_id == user.id)
        .with_for_update().execution_options(populate_existing=True))
    if payment is None:
        raise NotFound(_("We couldn't find that payment."))
    if payment.status == P.PAID.value:
        raise PaymentClosed(_("This checkout is already paid: cancel its orders one by one from their pages "
                              "while the shops have not confirmed them."))
    if payment.status != P.PENDING.value:
        raise PaymentClosed(_("These orders were already cancelled."))
    unpaid.cancel_by_buyer(user, _order_ids(payment))
    payment.status = P.CANCELLED.value
    _close_attempts(payment)
    db.session.flush()
    logger.info("payment cancelled by the buyer", extra={"payment_id": str(payment.id)})
    return payment


# -- what the provider tells us -----------------------------------------------------------------

def handle_notification(provider_name: str, notification: Notification) -> Ack:
    """Process one verified notification once; see the module doc. Flushes, never commits."""
    n = notification
    event_id = db.session.scalar(
        insert(PaymentEvent).values(
            id=uuid.uuid4(), provider=provider_name, event_id=n.event_id, reference=n.reference,
            outcome=n.outcome.value, amount=n.amount, currency=n.currency, raw=dict(n.raw),
            result=Ack.ACCEPTED.value, created_at=utcnow(),
        ).on_conflict_do_nothing(constraint="uq_payment_events_provider_event").returning(PaymentEvent.id))
    if event_id is None:
        return Ack.DUPLICATE
    payment_id = db.session.scalar(select(PaymentAttempt.payment_id).where(
        PaymentAttempt.provider == provider_name, PaymentAttempt.reference == n.reference))
    payment = _locked(payment_id) if payment_id else None
    ack = _decide(provider_name, n, payment)
    event = db.session.get(PaymentEvent, event_id)
    event.payment_id, event.result = payment.id if payment else None, ack.value
    db.session.flush()
    if ack is not Ack.ACCEPTED:
        logger.warning("payment notification refused: %s", ack.value,
                       extra={"provider": provider_name, "event_id": n.event_id, "reference": n.reference})
    return ack


def _locked(payment_id: uuid.UUID) -> CheckoutPayment | None:
    return db.session.scalar(select(CheckoutPayment).where(CheckoutPayment.id == payment_id)
                             .with_for_update().execution_options(populate_existing=True))


def _decide(provider_name: str, n: Notification, payment: CheckoutPayment | None) -> Ack:
    if payment is None:
        return Ack.UNKNOWN_PAYMENT
    if n.amount != payment.amount or n.currency.upper() != payment.currency:
        return Ack.WRONG_AMOUNT
    if n.outcome is not Outcome.PAID:
        if payment.status == P.PENDING.value and n.reference == payment.provider_reference:
            payment.last_outcome = n.outcome.value  # the buyer sees "Pay again"
        return Ack.ACCEPTED
    if payment.status == P.PENDING.value:
        moved = unpaid.mark_paid(_order_ids(payment))
        if moved:
            payment.status, payment.paid_at, payment.paid_reference = P.PAID.value, utcnow(), n.reference
            _captured(payment)
            logger.info("payment paid", extra={"payment_id": str(payment.id), "orders": len(moved)})
            return Ack.ACCEPTED
        payment.status = P.EXPIRED.value  # its orders were cancelled meanwhile (an administrator)
    if payment.status == P.PAID.value and n.reference == payment.paid_reference:
        return Ack.ACCEPTED  # the same capture told again under another event id
    # Paid after its orders were cancelled, or a second attempt paid as well: the money goes back.
    _refund(provider_name, payment, n.reference)
    return Ack.ACCEPTED


def _captured(payment: CheckoutPayment) -> None:
    """The whole amount came in, for every order of the checkout. An order an administrator cancelled
    while it waited (the others went on) was paid for too: it is refunded at once, through the
    provider, as a partial refund of this payment (services/ledger/refunds.py)."""
    orders = list(db.session.scalars(select(Order).where(Order.checkout_id == payment.checkout_id)
                                     .order_by(Order.id)))
    postings.payment_captured(payment.id, payment.currency, orders)
    for order in orders:
        if order.status is OrderStatus.CANCELLED:
            refunds.refund_in_full(order.id, reason="cancelled before its checkout was paid")


def _order_ids(payment: CheckoutPayment) -> list[uuid.UUID]:
    return list(db.session.scalars(select(Order.id).where(Order.checkout_id == payment.checkout_id)))


def _refund(provider_name: str, payment: CheckoutPayment, reference: str) -> None:
    """Give back what `reference` paid, once per attempt; the buyer is told. EXPIRED or CANCELLED
    becomes REFUNDED."""
    done = db.session.scalar(select(PaymentRefund.id).where(PaymentRefund.payment_id == payment.id,
                                                            PaymentRefund.reference == reference))
    if done is not None:
        return
    expired = payment.status in (P.EXPIRED.value, P.CANCELLED.value)  # its orders were cancelled
    reason = {P.EXPIRED.value: "paid after the hold expired",
              P.CANCELLED.value: "paid after the buyer cancelled"}.get(payment.status, "paid twice")
    refund_id = _provider(provider_name).refund(reference, payment.amount, payment.currency, reason)
    returned = PaymentRefund(id=uuid.uuid4(), payment_id=payment.id, reference=reference, amount=payment.amount,
                             currency=payment.currency, provider_refund_id=refund_id, reason=reason)
    db.session.add(returned)
    postings.payment_returned(returned.id, payment.currency, payment.amount, reason)
    if expired:
        payment.status = P.REFUNDED.value
    buyer = db.session.get(User, payment.buyer_id)
    with i18n.in_language_of(buyer):
        amount = format_money(payment.amount, payment.currency)
        body = (_("Your payment of %(amount)s arrived after your orders were cancelled, so it was refunded.",
                  amount=amount) if expired
                else _("Your checkout was paid twice: the second payment of %(amount)s was refunded.", amount=amount))
        notify(payment.buyer_id, "payment.refunded", _("Your payment was refunded"), body, "/orders")
    db.session.flush()
    logger.warning("payment refunded: %s", reason, extra={"payment_id": str(payment.id), "refund_id": refund_id})


# -- the hold ---------------------------------------------------------------------------------------

def expire_due(now: datetime | None = None) -> int:
    """Cancel the orders of every PENDING payment whose hold ended before `now`; how many expired.
    Rows another transaction holds (a notification being processed) are skipped for the next run."""
    now = now or utcnow()
    expired = 0
    while True:
        payments = list(db.session.scalars(
            select(CheckoutPayment)
            .where(CheckoutPayment.status == P.PENDING.value, CheckoutPayment.hold_until <= now)
            .order_by(CheckoutPayment.hold_until).limit(SWEEP_BATCH)
            .with_for_update(skip_locked=True).execution_options(populate_existing=True)))
        for payment in payments:
            unpaid.expire(_order_ids(payment))
            payment.status = P.EXPIRED.value
            _close_attempts(payment)
        db.session.flush()
        expired += len(payments)
        if len(payments) < SWEEP_BATCH:
            return expired


def _close_attempts(payment: CheckoutPayment) -> None:
    """Once the cancel or the expiry is committed, and after the response, ask the provider to close
    every attempt of the payment, so that none can be paid any more. Best effort: an attempt paid
    meanwhile stays open, its notification comes, and the money goes back (_decide)."""
    references = list(db.session.scalars(select(PaymentAttempt.reference).where(
        PaymentAttempt.payment_id == payment.id).order_by(PaymentAttempt.attempt)))
    after_commit(db.session, after_response, _close_at_provider, payment.provider, references)


def _close_at_provider(provider_name: str, references: list[str]) -> None:
    provider = _provider(provider_name)
    for reference in references:
        try:
            provider.cancel(reference)
        except ProviderError as error:
            logger.warning("attempt not closed at the provider: %s", error.message,
                           extra={"provider": provider_name, "reference": reference})


# -- reading --------------------------------------------------------------------------------------

def payment_of_checkout(user: User, checkout_id: uuid.UUID) -> CheckoutPayment | None:
    return db.session.scalar(select(CheckoutPayment).where(CheckoutPayment.checkout_id == checkout_id,
                                                           CheckoutPayment.buyer_id == user.id))


def get_payment(user: User, payment_id: uuid.UUID) -> CheckoutPayment:
    payment = db.session.scalar(select(CheckoutPayment).where(CheckoutPayment.id == payment_id,
                                                              CheckoutPayment.buyer_id == user.id))
    if payment is None:
        raise NotFound(_("We couldn't find that payment."))
    return payment


def can_pay(payment: CheckoutPayment | None, now: datetime | None = None) -> bool:
    return payment is not None and payment.status == P.PENDING.value and payment.hold_until > (now or utcnow())


def seconds_left(payment: CheckoutPayment, now: datetime | None = None) -> int:
    return max(int((payment.hold_until - (now or utcnow())).total_seconds()), 0)
