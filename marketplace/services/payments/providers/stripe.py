"""Stripe through PaymentIntents, with the official library.

An attempt is one PaymentIntent: the shopper confirms it on a Stripe Elements page (web) or in the
app's SDK with its client secret, and Stripe tells us the outcome by a signed webhook. Our minor unit
is Stripe's for every currency the marketplace uses: USD in cents, VND whole đồng (a zero-decimal
currency for Stripe, sent as is).
"""
from __future__ import annotations

import logging
from collections.abc import Mapping

import stripe
from flask_babel import gettext as _

from .base import Ack, BadNotification, Charge, Notification, Outcome, Started
from .errors import ProviderError

log = logging.getLogger(__name__)

OUTCOMES = {
    "payment_intent.succeeded": Outcome.PAID,
    "payment_intent.payment_failed": Outcome.FAILED,
    "payment_intent.canceled": Outcome.CANCELLED,
}


class IgnoredEvent(BadNotification):
    """A genuine, verified Stripe event of a type we do not act on (charge.*, payment_intent.created...).

    Nothing changes, as for any BadNotification, but the webhook should answer it 200
    (`acknowledge(Ack.DUPLICATE)`): a 4xx makes Stripe retry it for days, then disable the endpoint.
    Register the endpoint for the three types of OUTCOMES only and it rarely comes."""


class StripeProvider:
    name = "stripe"

    def __init__(self, secret_key: str, webhook_secret: str, *, tolerance: int = stripe.Webhook.DEFAULT_TOLERANCE,
                 http_client: stripe.HTTPClient | None = None):
        # requests underneath: a timeout far below the library's 80 s, so a stalled Stripe costs a checkout
        # a few seconds, not a worker.
        self.client = stripe.StripeClient(secret_key, http_client=http_client or stripe.RequestsClient(timeout=20))
        self.webhook_secret = webhook_secret
        self.tolerance = tolerance  # seconds: an older signed event is a replay and refused

    @classmethod
    def from_config(cls, config: Mapping) -> StripeProvider:
        return cls(config["STRIPE_SECRET_KEY"], config["STRIPE_WEBHOOK_SECRET"])

    def start(self, charge: Charge) -> Started:
        params = {
            "amount": charge.amount,
            "currency": charge.currency.lower(),
            "description": charge.description,
            "metadata": {"payment_id": str(charge.payment_id), "attempt": str(charge.attempt)},
            "automatic_payment_methods": {"enabled": True},
        }
        # A retried start of the same attempt gets the same PaymentIntent back, never a second one.
        options = {"idempotency_key": f"pi-{charge.payment_id}-{charge.attempt}"}
        try:
            intent = self.client.v1.payment_intents.create(params=params, options=options)
        except stripe.StripeError as error:
            log.warning("stripe: payment intent for payment %s attempt %d not created: %s",
                        charge.payment_id, charge.attempt, error)
            raise ProviderError(_("The payment service is not answering. Please try again in a moment.")) from error
        return Started(reference=intent.id, client_secret=intent.client_secret)

    def client_secret(self, reference: str) -> str | None:
        """The PaymentIntent's client secret, asked of Stripe each time the page is shown (never stored:
        with it, anyone can confirm the intent)."""
        try:
            intent = self.client.v1.payment_intents.retrieve(reference)
        except stripe.StripeError as error:
            log.warning("stripe: payment intent %s not read: %s", reference, error)
            raise ProviderError(_("The payment service is not answering. Please try again in a moment.")) from error
        return intent.client_secret

    def read_notification(self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> Notification:
        signature = next((v for k, v in headers.items() if k.lower() == "stripe-signature"), None)
        try:
            event = self.client.construct_event(body, signature, self.webhook_secret, self.tolerance)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise BadNotification(f"stripe webhook refused: {error}") from error
        outcome = OUTCOMES.get(event.type)
        if outcome is None:
            raise IgnoredEvent(f"stripe event type {event.type} is not acted on")
        intent = event.data.object.to_dict()
        # A failed or cancelled intent received nothing: its amount is what was asked.
        amount = intent["amount_received"] if outcome is Outcome.PAID else intent["amount"]
        error = intent.get("last_payment_error") or {}
        return Notification(
            event_id=event.id,
            reference=intent["id"],
            outcome=outcome,
            amount=amount,
            currency=intent["currency"].upper(),
            raw={"type": event.type, "livemode": event.livemode, "payment_intent": intent["id"],
                 "status": intent.get("status"), "metadata": intent.get("metadata") or {},
                 "decline_code": error.get("decline_code"), "error_message": error.get("message")},
        )

    def read_return(self, query: Mapping[str, str]) -> Notification | None:
        # Stripe's redirect carries the intent id and client secret, which anyone holding the page has:
        # only the webhook is believed.
        return None

    def acknowledge(self, ack: Ack) -> tuple[bytes | str, int, dict[str, str]]:
        return "", 200 if ack in (Ack.ACCEPTED, Ack.DUPLICATE) else 400, {}

    def cancel(self, reference: str) -> None:
        # Stripe refuses to cancel an intent that succeeded or is processing: its webhook then tells us, and
        # the payment is refunded (services/payments/payments.py _decide).
        try:
            self.client.v1.payment_intents.cancel(reference, params={"cancellation_reason": "abandoned"})
        except stripe.StripeError as error:
            log.warning("stripe: payment intent %s not cancelled: %s", reference, error)
            raise ProviderError(_("The payment service did not close the payment.")) from error

    def refund(self, reference: str, amount: int, currency: str, reason: str, *, idempotency_key: str | None = None,
               partial: bool = False) -> str:
        # Stripe refunds any amount up to what is left on the intent: partial needs nothing more.
        params = {"payment_intent": reference, "amount": amount, "metadata": {"reason": reason}}
        options = {"idempotency_key": f"refund-{idempotency_key}" if idempotency_key else f"refund-{reference}-{amount}"}
        try:
            refund = self.client.v1.refunds.create(params=params, options=options)
        except stripe.StripeError as error:
            log.warning("stripe: refund of %d on %s failed: %s", amount, reference, error)
            raise ProviderError(_("The payment service did not make the refund. Please try again later.")) from error
        return refund.id


def from_config(config: Mapping) -> StripeProvider:
    """What providers.get_provider calls on the module PAYMENT_PROVIDER names."""
    return StripeProvider.from_config(config)
