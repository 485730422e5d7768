"""Sending online refunds to the payment's provider, once their decision is committed.

services/ledger/refunds.py decides a refund (OWED) and, after the commit, hands its id to the sender
marketplace/jobs.py registered: an RQ job when Redis is configured, inline after the response
otherwise; `flask refunds send` retries what is still OWED (a worker that died, a Redis that was
down). `send` locks the refund row and calls the provider only while the refund is OWED, with the
refund's id as the provider's idempotency key: two senders at once run one after the other and the
second finds it PAID, and a call retried after a lost answer is refunded once by the provider.
Success marks it PAID (REFUND_PAID posted); a provider error marks it FAILED, and an admin pays it
by hand from the refunds queue.
"""
import logging
import uuid

from flask import current_app
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CheckoutPayment, PaymentMethod, Refund, RefundStatus
from marketplace.services.ledger import refunds
from marketplace.services.payments.providers import get_provider
from marketplace.services.payments.providers.errors import ProviderError

logger = logging.getLogger("marketplace.refunds")


def send(refund_id: uuid.UUID) -> Refund:
    """Ask the provider for one OWED online refund; PAID or FAILED after. Locks the refund row for
    the provider's call (see the module doc). A refund not OWED, or not online, is left as it is."""
    refund = refunds.locked_refund(refund_id)
    if refund.status != RefundStatus.OWED.value or refund.method != PaymentMethod.ONLINE.value:
        return refund
    payment = db.session.get(CheckoutPayment, refund.payment_id) if refund.payment_id else None
    if payment is None or not payment.paid_reference:
        return refunds.mark_failed(refund.id, "no captured payment to refund")
    provider = get_provider(current_app.config, payment.provider)
    try:
        provider_refund_id = provider.refund(payment.paid_reference, refund.amount, refund.currency, refund.reason,
                                             idempotency_key=refund.id.hex, partial=refund.amount < payment.amount)
    except ProviderError as error:
        logger.warning("provider refused refund %s: %s", refund.id, error.message)
        return refunds.mark_failed(refund.id, f"{payment.provider}: {error.message}")
    return refunds.mark_paid(refund.id, provider_refund_id=provider_refund_id)


def owed_online(limit: int = 100) -> list[uuid.UUID]:
    """Online refunds decided and not yet sent, oldest first (`flask refunds send`)."""
    return list(db.session.scalars(
        select(Refund.id).where(Refund.status == RefundStatus.OWED.value, Refund.method == PaymentMethod.ONLINE.value)
        .order_by(Refund.created_at, Refund.id).limit(limit)))
