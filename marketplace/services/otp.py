"""One-time codes: six digits, stored as an HMAC, 5 minutes to live, 5 tries, re-send after 60 s.

There is one live code per (user, purpose): issuing again replaces the row. The
plain code exists only in memory and in the message sent after the commit; the
table holds HMAC-SHA256(SECRET_KEY, user:purpose:code), so a leaked table (or a
code copied between accounts) proves nothing.
"""
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from marketplace import messaging
from marketplace.extensions import db
from marketplace.models import OtpCode, OtpPurpose, User
from marketplace.models.base import utcnow
from marketplace.services.effects import after_commit
from marketplace.services.errors import DomainError, ValidationFailed

CODE_LENGTH = 6
LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)

MESSAGES = {
    OtpPurpose.VERIFY: ("Verify your Marketplace account", "Your Marketplace verification code is {code}."),
    OtpPurpose.RESET: ("Reset your Marketplace password", "Your Marketplace password reset code is {code}."),
    OtpPurpose.CHANGE_CONTACT: ("Confirm your new contact", "Your Marketplace code to confirm this contact is {code}."),
}


class ResendTooSoon(DomainError):
    """A new code was asked for within the cooldown; `retry_after` says how many seconds to wait."""

    status = 429
    code = "otp_resend_too_soon"

    def __init__(self, retry_after: int):
        unit = "second" if retry_after == 1 else "seconds"
        super().__init__(f"Wait {retry_after} {unit} before asking for a new code.", field="code")
        self.retry_after = retry_after


@dataclass(frozen=True)
class IssuedCode:
    destination: str
    expires_at: datetime


def _digest(user_id, purpose: OtpPurpose, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{user_id}:{purpose.value}:{code}".encode(), hashlib.sha256).hexdigest()


def _seconds_left(until: datetime, now: datetime) -> int:
    return max(0, math.ceil((until - now).total_seconds()))


def live_code(user: User, purpose: OtpPurpose) -> OtpCode | None:
    return db.session.scalar(
        select(OtpCode).where(OtpCode.user_id == user.id, OtpCode.purpose == purpose)
        .execution_options(populate_existing=True)
    )


def has_usable_code(user: User, purpose: OtpPurpose) -> bool:
    """A code is waiting that can still be entered (not expired, tries left)."""
    row = live_code(user, purpose)
    return row is not None and row.attempts < MAX_ATTEMPTS and utcnow() < row.expires_at


def resend_cooldown(user: User, purpose: OtpPurpose) -> int:
    """Seconds until a new code of this purpose may be sent (0: now)."""
    row = live_code(user, purpose)
    return _seconds_left(row.sent_at + RESEND_AFTER, utcnow()) if row else 0


def issue_code(user: User, purpose: OtpPurpose, destination: str) -> IssuedCode:
    """Create or replace the user's code for `purpose` and send it to `destination` after the commit.

    Raises ResendTooSoon within 60 s of the previous code. Concurrency: a single
    INSERT .. ON CONFLICT DO UPDATE .. WHERE sent_at <= cutoff decides atomically,
    so two simultaneous requests cannot both send a code.
    """
    now = utcnow()
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
    values = {
        "user_id": user.id, "purpose": purpose, "destination": destination,
        "code_hash": _digest(user.id, purpose, code), "attempts": 0, "sent_at": now,
        "expires_at": now + LIFETIME,
    }
    statement = insert(OtpCode).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[OtpCode.user_id, OtpCode.purpose],
        set_={k: statement.excluded[k] for k in ("destination", "code_hash", "attempts", "sent_at", "expires_at")},
        where=OtpCode.sent_at <= now - RESEND_AFTER,
    ).returning(OtpCode.id)
    if db.session.scalar(statement) is None:
        raise ResendTooSoon(max(1, resend_cooldown(user, purpose)))
    subject, text = MESSAGES[purpose]
    body = f"{text.format(code=code)} It expires in {int(LIFETIME.total_seconds() // 60)} minutes. Never share it."
    after_commit(db.session, messaging.send_to_contact, destination, subject, body)
    return IssuedCode(destination=destination, expires_at=values["expires_at"])


def check_code(user: User, purpose: OtpPurpose, code: str) -> OtpCode:
    """Accept `code` for the user's live code of `purpose` and consume it; returns the consumed row.

    A wrong code counts a try and raises: the caller must COMMIT after catching
    that error, or the failed try would be rolled back and never count.
    Locks the code row (SELECT .. FOR UPDATE) so parallel guesses are counted one by one.
    """
    row = db.session.scalar(
        select(OtpCode).where(OtpCode.user_id == user.id, OtpCode.purpose == purpose)
        .with_for_update().execution_options(populate_existing=True)
    )
    if row is None:
        raise ValidationFailed("There is no code waiting for this account. Ask for a new one.",
                               code="otp_missing", field="code")
    if row.attempts >= MAX_ATTEMPTS:
        raise ValidationFailed("Too many wrong tries for this code. Ask for a new one.",
                               code="otp_locked", field="code")
    if utcnow() >= row.expires_at:
        raise ValidationFailed("This code has expired. Ask for a new one.", code="otp_expired", field="code")
    given = (code or "").strip()
    if not hmac.compare_digest(row.code_hash, _digest(user.id, purpose, given)):
        row.attempts += 1
        db.session.flush()
        left = MAX_ATTEMPTS - row.attempts
        if left == 0:
            raise ValidationFailed("That code is wrong, and that was the last try. Ask for a new code.",
                                   code="otp_locked", field="code")
        raise ValidationFailed(f"That code is wrong. {left} {'try' if left == 1 else 'tries'} left.",
                               code="otp_invalid", field="code")
    db.session.delete(row)
    db.session.flush()
    return row


def discard_codes(user: User, purpose: OtpPurpose) -> None:
    db.session.execute(delete(OtpCode).where(OtpCode.user_id == user.id, OtpCode.purpose == purpose))


def mask_destination(destination: str) -> str:
    """Show enough of a phone or email for its owner to recognise it, and little more."""
    if "@" in destination:
        local, _, domain = destination.partition("@")
        return f"{local[:1]}{'•' * max(1, min(len(local) - 1, 5))}@{domain}"
    if len(destination) <= 6:
        return "•" * len(destination)
    return f"{destination[:4]}{'•' * (len(destination) - 7)}{destination[-3:]}"
