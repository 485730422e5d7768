"""One-time codes: six digits, stored as an HMAC, 5 minutes to live, 5 tries, re-send after 60 s.

There is one live code per (user, purpose): issuing again replaces the row. The
plain code exists only in memory and in the message sent after the commit; the
table holds HMAC-SHA256(SECRET_KEY, user:purpose:code), so a leaked table (or a
code copied between accounts) proves nothing.

Two faces. A logged-in user (`issue_code`, `check_code`) hears the details: "wait
40 seconds", "3 tries left", "expired". Someone naming an account by its phone or
email (`offer_code`, `check_code_for_contact`: forgot and reset password, the API's
resend and verify) may not own it, so every outcome but success answers alike and
does the same work whether or not the account exists.
"""
import hashlib
import hmac
import math
import secrets
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, literal, select, text, update
from sqlalchemy.dialects.postgresql import insert

from marketplace import i18n, messaging
from marketplace.extensions import db
from marketplace.models import OtpCode, OtpPurpose, User
from marketplace.models.base import utcnow
from marketplace.services.core.effects import after_commit, after_response
from marketplace.services.core.errors import DomainError, ValidationFailed

CODE_LENGTH = 6
LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)
# No account has this id: the contact-named paths run their statement for it when there is no
# account to act on, so an unknown contact costs the same statements as a real one.
NOBODY = uuid.UUID(int=0)

# purpose: (email subject, text); they may name the site (SITE_NAME), the code and its lifetime in minutes.
MESSAGES = {
    OtpPurpose.VERIFY: (_l("Verify your %(site)s account"),
                        _l("Your %(site)s verification code is %(code)s. It expires in %(minutes)d minutes. "
                           "Never share it.")),
    OtpPurpose.RESET: (_l("Reset your %(site)s password"),
                       _l("Your %(site)s password reset code is %(code)s. It expires in %(minutes)d minutes. "
                          "Never share it.")),
    OtpPurpose.CHANGE_CONTACT: (_l("Confirm your new contact"),
                                _l("Your %(site)s code to confirm this contact is %(code)s. It expires in "
                                   "%(minutes)d minutes. Never share it.")),
}


class ResendTooSoon(DomainError):
    """A new code was asked for within the cooldown; `retry_after` says how many seconds to wait."""

    status = 429
    code = "otp_resend_too_soon"

    def __init__(self, retry_after: int):
        super().__init__(ngettext("Wait %(num)d second before asking for a new code.",
                                  "Wait %(num)d seconds before asking for a new code.", retry_after), field="code")
        self.retry_after = retry_after


class CodeRefused(ValidationFailed):
    """The one answer to a wrong, expired, used-up or missing code, or a contact without an account.

    No tries-left counter: an unknown contact has no code to count down, and a made-up
    counter would need state for every contact anyone types. The static limits in the
    message are all a user needs to decide to ask for a new code.
    """

    code = "otp_invalid"

    def __init__(self):
        super().__init__(_("That code is wrong or no longer valid (a code works for 5 minutes and 5 tries). "
                           "Check it, or ask for a new one."), field="code")


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


def _new_code() -> str:
    return "".join(secrets.choice("0123456789") for unused in range(CODE_LENGTH))


def _store_code(user_id, purpose: OtpPurpose, destination: str, code: str) -> datetime | None:
    """Write the code for the account `user_id`; its expiry, or None when nothing was written
    (no such account, as for NOBODY, or within the cooldown of the previous code).

    One INSERT .. SELECT (the users row) .. ON CONFLICT DO UPDATE .. WHERE sent_at <= cutoff:
    the same statement whether or not the account exists, and atomic, so two simultaneous
    requests cannot both send a code.
    """
    now = utcnow()
    values = {"purpose": purpose, "destination": destination, "code_hash": _digest(user_id, purpose, code),
              "attempts": 0, "sent_at": now, "expires_at": now + LIFETIME}
    columns = OtpCode.__table__.c
    row = select(User.id, *(literal(value, columns[name].type) for name, value in values.items()))
    statement = insert(OtpCode).from_select(["user_id", *values], row.where(User.id == user_id))
    statement = statement.on_conflict_do_update(
        index_elements=[OtpCode.user_id, OtpCode.purpose],
        set_={name: statement.excluded[name] for name in values if name != "purpose"},
        where=OtpCode.sent_at <= now - RESEND_AFTER,
    ).returning(OtpCode.id)
    return values["expires_at"] if db.session.scalar(statement) is not None else None


def _message(user: User, purpose: OtpPurpose, code: str) -> tuple[str, str]:
    """(subject, text) of a code's message, in its owner's language. An owner who never chose one hears
    the asker's (this page's): a new account's first code, a reset asked for from this browser."""
    subject, text = MESSAGES[purpose]
    values = {"site": current_app.config["SITE_NAME"], "code": code, "minutes": int(LIFETIME.total_seconds() // 60)}
    with i18n.in_language_of(user) if user.locale else nullcontext():
        return str(subject) % values, str(text) % values


def issue_code(user: User, purpose: OtpPurpose, destination: str) -> IssuedCode:
    """Create or replace the user's code for `purpose` and send it to `destination` after the commit.

    Raises ResendTooSoon within 60 s of the previous code.
    """
    code = _new_code()
    expires_at = _store_code(user.id, purpose, destination, code)
    if expires_at is None:
        raise ResendTooSoon(max(1, resend_cooldown(user, purpose)))
    after_commit(db.session, messaging.send_to_contact, destination, *_message(user, purpose, code))
    return IssuedCode(destination=destination, expires_at=expires_at)


def offer_code(user: User | None, purpose: OtpPurpose, destination: str) -> None:
    """For a contact-named request: send `user` a code, or do the same work for nobody (None).

    Within the cooldown nothing is sent and nothing said. Every case runs the same
    statement (for NOBODY it writes nothing), commits without waiting for the disk and
    sends nothing before the answer is out (the message goes after the commit AND after
    the response), so neither the answer nor its timing tells whether the account exists.
    """
    _commit_without_waiting()
    code = _new_code()
    if _store_code(user.id if user is not None else NOBODY, purpose, destination, code) is not None:
        after_commit(db.session, after_response, messaging.send_to_contact, destination,
                     *_message(user, purpose, code))


def _commit_without_waiting() -> None:
    """This transaction's commit doesn't wait for the WAL flush.

    For the contact-named paths only: whether they write depends on whether the account
    exists, and a commit that wrote waits for the disk (0.3 ms on a local SSD, more on
    network storage) while one that didn't returns at once. A database crash can lose
    the last fraction of a second of these writes: a fresh code or a counted wrong try,
    never a changed password (success paths don't call this).
    """
    db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def _count_try(user_id, purpose: OtpPurpose) -> OtpCode | None:
    """Count one try against the code and return its row (None without one), in one UPDATE .. RETURNING.

    The row lock orders parallel guesses, so each sees its own count; the statement is the
    same with or without a row.
    """
    statement = (update(OtpCode).where(OtpCode.user_id == user_id, OtpCode.purpose == purpose)
                 .values(attempts=OtpCode.attempts + 1).returning(OtpCode))
    return db.session.scalars(statement, execution_options={"populate_existing": True}).one_or_none()


def _refusal(row: OtpCode | None, user_id, purpose: OtpPurpose, code: str | None) -> str | None:
    """None when `code` is the row's live code; otherwise why not (the try is already counted)."""
    given = _digest(user_id, purpose, (code or "").strip())  # also without a row: the same work
    if row is None:
        return "missing"
    if row.attempts > MAX_ATTEMPTS:  # this try came after the last allowed one
        return "locked"
    if utcnow() >= row.expires_at:
        return "expired"
    return None if hmac.compare_digest(row.code_hash, given) else "wrong"


def _consume(row: OtpCode) -> OtpCode:
    db.session.delete(row)
    db.session.flush()
    return row


def check_code(user: User, purpose: OtpPurpose, code: str) -> OtpCode:
    """Accept `code` for the user's live code of `purpose` and consume it; returns the consumed row.

    For a logged-in user, who may hear why a code fails and how many tries are left.
    Every try counts, right or wrong: the caller must COMMIT after catching the error, or
    the failed try would be rolled back and never count.
    """
    row = _count_try(user.id, purpose)
    refusal = _refusal(row, user.id, purpose, code)
    if refusal == "missing":
        raise ValidationFailed(_("There is no code waiting for this account. Ask for a new one."),
                               code="otp_missing", field="code")
    if refusal == "locked":
        raise ValidationFailed(_("Too many wrong tries for this code. Ask for a new one."),
                               code="otp_locked", field="code")
    if refusal == "expired":
        raise ValidationFailed(_("This code has expired. Ask for a new one."), code="otp_expired", field="code")
    if refusal == "wrong":
        left = MAX_ATTEMPTS - row.attempts
        if left == 0:
            raise ValidationFailed(_("That code is wrong, and that was the last try. Ask for a new code."),
                                   code="otp_locked", field="code")
        raise ValidationFailed(ngettext("That code is wrong. %(num)d try left.", "That code is wrong. %(num)d tries left.",
                                        left),
                               code="otp_invalid", field="code")
    return _consume(row)


def check_code_for_contact(user: User | None, purpose: OtpPurpose, code: str) -> None:
    """Accept and consume `user`'s code, for a request that named the account by its contact.

    `user` is None when there is no account to act on. Every failure raises the same
    CodeRefused after the same statements (the counted try, a no-wait commit), so neither
    answer nor timing tells an unknown contact from a real account, with or without a
    code waiting. Commit after catching it, as for `check_code`.
    """
    user_id = user.id if user is not None else NOBODY
    row = _count_try(user_id, purpose)
    if _refusal(row, user_id, purpose, code) is not None:
        _commit_without_waiting()
        raise CodeRefused()
    _consume(row)


def discard_codes(user: User, purpose: OtpPurpose) -> None:
    db.session.execute(delete(OtpCode).where(OtpCode.user_id == user.id, OtpCode.purpose == purpose))


def mask_destination(destination: str) -> str:
    """Show enough of a phone or email for its owner to recognise it, and little more."""
    if "@" in destination:
        local, unused, domain = destination.partition("@")
        return f"{local[:1]}{'•' * max(1, min(len(local) - 1, 5))}@{domain}"
    if len(destination) <= 6:
        return "•" * len(destination)
    return f"{destination[:4]}{'•' * (len(destination) - 7)}{destination[-3:]}"
