"""The user's own profile: name, avatar, and re-verified changes of phone or email.

A new phone or email is not trusted until a CHANGE_CONTACT code sent TO IT comes
back: until then the old contact stays (the user can still log in with it) and
the new one waits in otp_codes.destination.
"""
from flask import current_app
from flask_babel import gettext as _

from marketplace import i18n
from marketplace.extensions import db
from marketplace.models import OtpPurpose, User
from marketplace.services.accounts import otp
from marketplace.services.accounts.accounts import (
    Contact, clean_full_name, ensure_contact_unused, normalize_email, normalize_phone,
)
from marketplace.services.core.effects import after_commit
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.core.images import delete_image, store_image


def _wanted_change(user: User, kind: str, raw: str | None) -> Contact | None | bool:
    """None: unchanged; False: remove it; a Contact: change to it."""
    current = getattr(user, kind)
    if raw is None:
        return None
    if not raw.strip():
        return False if current else None
    value = normalize_email(raw) if kind == "email" else normalize_phone(raw)
    return None if value == current else Contact(kind, value)


def update_profile(user: User, *, full_name: str | None = None, email: str | None = None,
                   phone: str | None = None) -> Contact | None:
    """Apply the name now; start re-verification of a changed contact. Returns the contact now pending, if any.

    Arguments left as None are not touched; an empty string removes that contact,
    allowed while the other one remains.
    """
    if full_name is not None:
        user.full_name = clean_full_name(full_name)
    changes = {kind: _wanted_change(user, kind, raw) for kind, raw in (("email", email), ("phone", phone))}
    new = [c for c in changes.values() if isinstance(c, Contact)]
    if len(new) > 1:
        message = _("Change your email or your phone number, one at a time.")
        raise ValidationFailed(message, code="one_contact_change", fields={"email": message, "phone": message})
    for kind, change in changes.items():
        if change is False:
            other = "phone" if kind == "email" else "email"
            if not getattr(user, other):
                message = (_("Keep your email: an account needs a phone number or an email.") if kind == "email"
                           else _("Keep your phone number: an account needs a phone number or an email."))
                raise ValidationFailed(message, field=kind, code="contact_required")
            setattr(user, kind, None)
    db.session.flush()
    if not new:
        return None
    contact = new[0]
    ensure_contact_unused(contact, exclude=user)
    try:
        otp.issue_code(user, OtpPurpose.CHANGE_CONTACT, contact.value)
    except otp.ResendTooSoon as exc:
        exc.fields = {contact.kind: exc.message}
        raise
    return contact


def set_locale(user: User, locale: str) -> None:
    """The interface language the user chose (the switcher, the profile)."""
    if locale not in current_app.config["LOCALES"]:
        raise ValidationFailed(_("Choose one of the languages offered."), field="locale", code="locale_unknown")
    user.locale = locale
    db.session.flush()


def set_timezone(user: User, zone: str | None) -> None:
    """The time zone the user's times are shown in; empty: the marketplace's (DEFAULT_TIMEZONE)."""
    zone = (zone or "").strip() or None
    if zone is not None and not i18n.is_timezone(zone):
        raise ValidationFailed(_("Choose a time zone from the list, e.g. Asia/Ho_Chi_Minh."), field="timezone",
                               code="timezone_unknown")
    user.timezone = zone
    db.session.flush()


def pending_contact(user: User) -> Contact | None:
    row = otp.live_code(user, OtpPurpose.CHANGE_CONTACT)
    if row is None:
        return None
    return Contact("phone" if row.destination.startswith("+") else "email", row.destination)


def resend_contact_code(user: User) -> Contact:
    contact = pending_contact(user)
    if contact is None:
        raise ValidationFailed(_("There is no contact change waiting. Edit your profile first."),
                               code="otp_missing", field="code")
    otp.issue_code(user, OtpPurpose.CHANGE_CONTACT, contact.value)
    return contact


def confirm_contact_change(user: User, code: str) -> Contact:
    """Apply the pending phone or email once its code is right. A wrong try counts: the caller keeps
    it on the refusal (web/unit_of_work.py keep_on_refusal)."""
    row = otp.check_code(user, OtpPurpose.CHANGE_CONTACT, code)
    contact = Contact("phone" if row.destination.startswith("+") else "email", row.destination)
    # Someone may have registered it while the code was travelling.
    ensure_contact_unused(contact, exclude=user)
    setattr(user, contact.kind, contact.value)
    user.is_verified = True  # the user just proved they hold this contact
    db.session.flush()
    return contact


def cancel_contact_change(user: User) -> None:
    otp.discard_codes(user, OtpPurpose.CHANGE_CONTACT)
    db.session.flush()


def thumb_key(key: str | None) -> str | None:
    return key.removesuffix(".webp") + "-thumb.webp" if key else None


def set_avatar(user: User, data: bytes) -> User:
    """Store a new avatar (checked and re-encoded); the old files go once the change is committed."""
    stored = store_image(data, "avatars", field="avatar")
    old = user.avatar_key
    user.avatar_key = stored.key
    db.session.flush()
    if old:
        after_commit(db.session, delete_image, old, thumb_key(old))
    return user

