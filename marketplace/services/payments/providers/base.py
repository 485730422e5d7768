"""What every payment provider does, in our words: start collecting a charge, read (and verify) what
it tells us about it, answer its notification the way it expects, and give money back.

A provider module (sandbox.py, stripe.py, vnpay.py) implements `Provider` and knows nothing of orders:
services/payments/payments.py ties its answers to the checkout's payment, once per event.
"""
from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


class Outcome(str, enum.Enum):
    PAID = "paid"              # the money is ours (captured)
    FAILED = "failed"          # declined: the shopper may try again while the hold lasts
    CANCELLED = "cancelled"    # the shopper gave up on this attempt: may try again too


class Ack(str, enum.Enum):
    """What we decided about a notification, for the provider's own answer format (VNPay's RspCode...)."""
    ACCEPTED = "accepted"                # processed now
    DUPLICATE = "duplicate"              # seen before: processed once already
    UNKNOWN_PAYMENT = "unknown_payment"  # no such payment: refused
    WRONG_AMOUNT = "wrong_amount"        # amount or currency is not the payment's: refused
    BAD_SIGNATURE = "bad_signature"      # not from the provider: refused


@dataclass(frozen=True)
class Charge:
    """One attempt at collecting a checkout's payment (a new attempt after a decline is a new Charge)."""
    payment_id: uuid.UUID
    attempt: int
    amount: int           # in the currency's minor unit (VND: whole đồng)
    currency: str         # ISO 4217, upper case
    description: str      # shown by the provider ("Chợ Phố order 2 shops")
    return_url: str       # absolute URL the shopper's browser comes back to
    notify_url: str       # absolute URL the provider posts its server-to-server notification to
    locale: str = "vi"    # the shopper's language ("vi", "en"), for the provider's page
    client_ip: str = "127.0.0.1"


@dataclass(frozen=True)
class Started:
    """How the shopper pays this attempt: a page to send them to (web) or a secret for the app's SDK."""
    reference: str                 # the provider's id of this attempt (sandbox session, PaymentIntent, vnp_TxnRef)
    redirect_url: str | None = None
    client_secret: str | None = None


@dataclass(frozen=True)
class Notification:
    """What the provider says happened to one attempt, verified."""
    event_id: str         # unique per provider event: notifications are processed once by (provider, event_id)
    reference: str        # Started.reference of the attempt
    outcome: Outcome
    amount: int           # minor units, as the provider reports them (checked against the payment)
    currency: str
    raw: Mapping = field(default_factory=dict)  # the provider's fields, kept for support


class BadNotification(Exception):
    """Not a notification we can believe: bad or missing signature, malformed body. Nothing changes."""


class Provider(Protocol):
    name: str  # "sandbox", "stripe", "vnpay": stored on the payment

    def start(self, charge: Charge) -> Started:
        """Open an attempt with the provider (may call its API)."""

    def client_secret(self, reference: str) -> str | None:
        """The secret with which the shopper's browser pays the attempt `reference` on a page of ours
        (Stripe's Payment Element); None when the provider's own page takes the payment (redirect_url)."""

    def read_notification(self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> Notification:
        """Verify and read a server-to-server notification (webhook, IPN). Raises BadNotification."""

    def read_return(self, query: Mapping[str, str]) -> Notification | None:
        """Verify and read the shopper's browser return, when the provider signs it (VNPay); None when
        the return says nothing trustworthy and the page should show the payment as it stands."""

    def acknowledge(self, ack: Ack) -> tuple[bytes | str, int, dict[str, str]]:
        """The HTTP answer (body, status, headers) the provider expects for a notification we decided `ack` on."""

    def cancel(self, reference: str) -> None:
        """Close the unpaid attempt `reference` so that it can no longer be paid (the buyer cancelled, or the
        hold ran out). A provider without such a call does nothing: its page expires on its own, and a payment
        that still comes is refunded. Raises ProviderError (the attempt may have been paid meanwhile)."""

    def refund(self, reference: str, amount: int, currency: str, reason: str, *, idempotency_key: str | None = None,
               partial: bool = False) -> str:
        """Give `amount` of a paid attempt back through the provider; returns the provider's refund id.
        `partial`: less than the attempt's whole amount. `idempotency_key` (our refund's id): asked
        twice with the same key, the provider refunds once."""
