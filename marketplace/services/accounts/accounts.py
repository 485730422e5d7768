"""Accounts: contacts, registration, verification, login and password reset. Suspending an account
is the admin's move (services/admin/suspensions.py).

A contact is a phone number (stored E.164) or an email (stored lower-case). Every
entry point (web form, JSON API, admin) normalises through `phone_contact` /
`email_contact` so the same person always maps to the same row.
"""
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.models import OtpPurpose, User, UserStatus
from marketplace.models.base import utcnow
from marketplace.services.accounts import otp
from marketplace.services.accounts.passwords import check_password_rules, hash_password, verify_password
from marketplace.services.core.errors import DomainError, ValidationFailed

FULL_NAME_MAX = 120
# The reason a shop gets when its owner's account is suspended (the owner and the audit log read it).
_dummy_hash: str | None = None


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"


class AccountSuspended(DomainError):
    status = 403
    code = "account_suspended"


@dataclass(frozen=True)
class Contact:
    kind: str  # "phone" or "email": also the name of the input field it came from
    value: str


def normalize_phone(raw: str | None, field: str = "phone") -> str:
    """E.164 (+84901234567); numbers without a country code use DEFAULT_PHONE_REGION."""
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed(_("Enter a phone number."), field=field, code="invalid_phone")
    try:
        number = phonenumbers.parse(text, current_app.config["DEFAULT_PHONE_REGION"])
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationFailed(_("That is not a valid phone number."), field=field, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str | None, field: str = "email") -> str:
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed(_("Enter an email address."), field=field, code="invalid_email")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationFailed(_("That is not a valid email address."), field=field, code="invalid_email") from exc
    email = checked.normalized.lower()
    if len(email) > 254:
        raise ValidationFailed(_("That email address is too long."), field=field, code="invalid_email")
    return email


def phone_contact(raw: str | None) -> Contact:
    return Contact("phone", normalize_phone(raw))


def email_contact(raw: str | None) -> Contact:
    return Contact("email", normalize_email(raw))


def contact_from(phone: str | None = None, email: str | None = None) -> Contact:
    """Exactly one of `phone` / `email` (the JSON API's two fields)."""
    phone, email = (phone or "").strip(), (email or "").strip()
    if phone and email:
        message = _("Give a phone number or an email, not both.")
        raise ValidationFailed(message, code="one_contact", fields={"phone": message, "email": message})
    if email:
        return email_contact(email)
    if phone:
        return phone_contact(phone)
    message = _("Give a phone number or an email.")
    raise ValidationFailed(message, code="contact_required", fields={"phone": message, "email": message})


def parse_contact(text: str | None, field: str = "login") -> Contact:
    """One free-text box that takes either ("Phone number or email"): an @ means email."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Enter your phone number or email."), field=field, code="contact_required")
    try:
        return email_contact(text) if "@" in text else phone_contact(text)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field=field, code=exc.code) from exc


def find_user(contact: Contact) -> User | None:
    column = User.email if contact.kind == "email" else User.phone
    return db.session.scalar(select(User).where(column == contact.value))


def ensure_contact_unused(contact: Contact, *, exclude: User | None = None) -> None:
    owner = find_user(contact)
    if owner is not None and (exclude is None or owner.id != exclude.id):
        message = (_("An account with this email already exists. Log in, or reset its password.")
                   if contact.kind == "email" else
                   _("An account with this phone number already exists. Log in, or reset its password."))
        raise ValidationFailed(message, field=contact.kind, code="duplicate_account")


def clean_full_name(full_name: str | None) -> str:
    name = " ".join((full_name or "").split())
    if not name:
        raise ValidationFailed(_("Enter your name."), field="full_name", code="name_required")
    if len(name) > FULL_NAME_MAX:
        raise ValidationFailed(_("Use at most %(limit)d characters.", limit=FULL_NAME_MAX), field="full_name",
                               code="name_too_long")
    return name


def register(contact: Contact, password: str, full_name: str, locale: str | None = None) -> User:
    """Create an unverified BUYER and send a VERIFY code to the contact (after the commit).

    `locale`: the language the account speaks (the one the registration was made in), None for
    the marketplace's default."""
    name = clean_full_name(full_name)
    check_password_rules(password or "")
    ensure_contact_unused(contact)
    user = User(full_name=name, password_hash=hash_password(password), is_verified=False, locale=locale,
                **{contact.kind: contact.value})
    try:
        # A parallel registration of the same contact loses on the unique index, not with a 500.
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError as exc:
        raise ValidationFailed(_("An account with this contact was just created. Log in instead."),
                               field=contact.kind, code="duplicate_account") from exc
    otp.issue_code(user, OtpPurpose.VERIFY, contact.value)
    return user


def verification_destination(user: User) -> str:
    return user.phone or user.email or ""


def send_verification(user: User) -> otp.IssuedCode:
    """(Re-)send the VERIFY code; ResendTooSoon within the cooldown."""
    if user.is_verified:
        raise ValidationFailed(_("This account is already verified."), code="already_verified", field="code")
    return otp.issue_code(user, OtpPurpose.VERIFY, verification_destination(user))


def verify_account(user: User, code: str) -> User:
    """Mark the user verified with their VERIFY code. A wrong try counts: the caller keeps it on
    the refusal (web/unit_of_work.py keep_on_refusal)."""
    if user.is_verified:
        raise ValidationFailed(_("This account is already verified."), code="already_verified", field="code")
    otp.check_code(user, OtpPurpose.VERIFY, code)
    user.is_verified = True
    db.session.flush()
    return user


def verify_contact(contact: Contact, code: str) -> User:
    """The API's verify-otp: mark the account of this contact verified with its VERIFY code.

    Anyone may call it, so every failure is the same CodeRefused: an unknown contact, a
    wrong or dead code, and an account that is already verified (it has no code waiting,
    unless a password reset verified it meanwhile: the right code is then accepted and
    changes nothing). A wrong try counts: the caller keeps it on the refusal
    (web/unit_of_work.py keep_on_refusal).
    """
    user = find_user(contact)
    otp.check_code_for_contact(user, OtpPurpose.VERIFY, code)
    user.is_verified = True
    db.session.flush()
    return user


def resend_for_contact(contact: Contact) -> None:
    """The API's resend-otp: a new VERIFY code for an unverified active account; the same work, silent, for others.

    Within the cooldown nothing is sent: a "too soon" answer would only come for real accounts.
    """
    user = find_user(contact)
    waiting = user is not None and not user.is_verified and user.status == UserStatus.ACTIVE
    otp.offer_code(user if waiting else None, OtpPurpose.VERIFY, contact.value)


def _dummy_password_hash() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("not-a-real-password")
    return _dummy_hash


def authenticate(login: str, password: str) -> User:
    """The user for a phone-or-email + password; one message for every wrong combination."""
    wrong = InvalidCredentials(_("That phone/email and password don't match an account."), field="login")
    try:
        contact = parse_contact(login)
    except ValidationFailed:
        contact = None
    user = find_user(contact) if contact else None
    if user is None:
        verify_password(password or "", _dummy_password_hash())  # same time as a real check
        raise wrong
    if not verify_password(password or "", user.password_hash):
        raise wrong
    if user.status != UserStatus.ACTIVE:
        raise AccountSuspended(_("This account is suspended. Reason: %(reason)s. Contact support if you think this "
                                 "is a mistake.", reason=user.status_reason) if user.status_reason else
                               _("This account is suspended. Contact support if you think this is a mistake."),
                               field="login")
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    db.session.flush()


def forgot_password(contact: Contact) -> None:
    """Send a RESET code if an active account has this contact (not within its cooldown).

    The caller answers the same either way, and the work is the same: see otp.offer_code.
    """
    user = find_user(contact)
    active = user is not None and user.status == UserStatus.ACTIVE
    otp.offer_code(user if active else None, OtpPurpose.RESET, contact.value)


def reset_password(contact: Contact, code: str, new_password: str) -> User:
    """Set a new password with a RESET code; ends every session and remember cookie of the user.

    Every failure of the code, and an unknown or suspended account, is the same CodeRefused
    (otp.check_code_for_contact). A wrong code counts a try: the caller keeps it on the
    refusal (web/unit_of_work.py keep_on_refusal).
    """
    check_password_rules(new_password or "", field="new_password")
    user = find_user(contact)
    active = user is not None and user.status == UserStatus.ACTIVE
    otp.check_code_for_contact(user if active else None, OtpPurpose.RESET, code)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    user.is_verified = True  # the code reached the account's own contact: that proves it
    db.session.flush()
    return user
