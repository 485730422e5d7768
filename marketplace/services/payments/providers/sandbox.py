"""The sandbox: a payment page the app serves itself (/pay/sandbox/<reference>, marketplace/payments),
where the shopper chooses "Pay", "Decline" or "Cancel". It then tells the app as a real provider does:
a notification signed with HMAC-SHA256 (SANDBOX_PAYMENT_SECRET) posted to notify_url, and the
browser sent to return_url. Development, the demo and the tests all run the real notification path.

The attempt lives in the page's address (`session`, signed with the same key): the sandbox keeps no
table of its own, as a provider's records are none of our database's business.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from itsdangerous import BadSignature, URLSafeSerializer

from marketplace.services.payments.providers.base import (
    Ack, BadNotification, Charge, Notification, Outcome, Started,
)

SIGNATURE_HEADER = "X-Sandbox-Signature"
PAGE_PATH = "/pay/sandbox/"
_STATUS = {Ack.ACCEPTED: 200, Ack.DUPLICATE: 200, Ack.UNKNOWN_PAYMENT: 404, Ack.WRONG_AMOUNT: 422,
           Ack.BAD_SIGNATURE: 400}


@dataclass(frozen=True)
class Session:
    """One attempt as the sandbox page shows it."""
    reference: str
    amount: int
    currency: str
    description: str
    return_url: str
    notify_url: str


def secret_of(config: Mapping) -> bytes:
    """SANDBOX_PAYMENT_SECRET, or a key derived from SECRET_KEY (never SECRET_KEY itself)."""
    configured = config.get("SANDBOX_PAYMENT_SECRET")
    if configured:
        return configured.encode()
    return hmac.new(str(config["SECRET_KEY"]).encode(), b"sandbox-payment-notifications", hashlib.sha256).digest()


def from_config(config: Mapping) -> SandboxProvider:
    return SandboxProvider(secret_of(config))


class SandboxProvider:
    name = "sandbox"

    def __init__(self, secret: bytes):
        self._secret = secret
        self._sessions = URLSafeSerializer(secret, salt="sandbox-session")

    # -- the provider's side: its page and its notification --------------------------------------

    def start(self, charge: Charge) -> Started:
        reference = f"sbx_{uuid.uuid4().hex}"
        token = self._sessions.dumps({
            "reference": reference, "amount": charge.amount, "currency": charge.currency,
            "description": charge.description, "return_url": charge.return_url, "notify_url": charge.notify_url,
        })
        origin = urlsplit(charge.notify_url)
        page = f"{origin.scheme}://{origin.netloc}{PAGE_PATH}{reference}?{urlencode({'session': token})}"
        return Started(reference=reference, redirect_url=page)

    def session(self, reference: str, token: str) -> Session:
        """The attempt a page address carries; BadNotification when it was not made by start()."""
        try:
            data = self._sessions.loads(token or "")
        except BadSignature:
            raise BadNotification("not a sandbox session") from None
        if data.get("reference") != reference:
            raise BadNotification("the session is for another reference")
        return Session(**data)

    def signed_notification(self, session: Session, outcome: Outcome) -> tuple[bytes, dict[str, str]]:
        """What the sandbox posts to notify_url when the shopper chose `outcome`: a body and its signature."""
        body = json.dumps({
            "event_id": f"evt_{secrets.token_hex(12)}", "reference": session.reference, "outcome": outcome.value,
            "amount": session.amount, "currency": session.currency,
        }).encode()
        return body, {"Content-Type": "application/json", SIGNATURE_HEADER: self.sign(body)}

    def sign(self, body: bytes) -> str:
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    # -- our side: the interface ------------------------------------------------------------------

    def read_notification(self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> Notification:
        signature = headers.get(SIGNATURE_HEADER) or ""
        if not hmac.compare_digest(signature, self.sign(body)):
            raise BadNotification("bad or missing sandbox signature")
        try:
            data = json.loads(body)
            return Notification(event_id=str(data["event_id"]), reference=str(data["reference"]),
                                outcome=Outcome(data["outcome"]), amount=int(data["amount"]),
                                currency=str(data["currency"]).upper(), raw=data)
        except (ValueError, KeyError, TypeError) as error:
            raise BadNotification(f"malformed sandbox notification: {error}") from None

    def client_secret(self, reference: str) -> str | None:
        return None  # the shopper pays on the provider's page (Started.redirect_url)

    def read_return(self, query: Mapping[str, str]) -> Notification | None:
        return None  # the return says nothing: the notification has already told us

    def acknowledge(self, ack: Ack) -> tuple[bytes | str, int, dict[str, str]]:
        return json.dumps({"result": ack.value}), _STATUS[ack], {"Content-Type": "application/json"}

    def cancel(self, reference: str) -> None:
        """Nothing to close: the sandbox keeps no attempts (its page's "Pay" after a cancel is refunded)."""

    def refund(self, reference: str, amount: int, currency: str, reason: str, *, idempotency_key: str | None = None,
               partial: bool = False) -> str:
        # Like a real provider, the same key answers with the same refund.
        return f"sbx_refund_{idempotency_key or uuid.uuid4().hex}"
