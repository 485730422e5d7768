"""Making administrators: used by `flask create-admin`, the only way to get the ADMIN role."""
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditLog, Role, Shop, User, UserStatus
from marketplace.services.accounts.accounts import clean_full_name, find_user, parse_contact
from marketplace.services.accounts.passwords import check_password_rules, hash_password
from marketplace.services.core.errors import Conflict

DEFAULT_NAME = "Administrator"


def create_or_promote_admin(login: str, password: str, full_name: str | None = None) -> tuple[User, bool]:
    """The admin account for an email or phone: created, or an existing account promoted.

    Either way it gets `password`, counts as verified, and its other sessions end
    (session_version bump), as after any password change. Returns (user, created).
    The audit entry has no actor: it comes from the server's command line.
    """
    contact = parse_contact(login, field="login")
    check_password_rules(password or "")
    user = find_user(contact)
    created = user is None
    if created:
        user = User(full_name=clean_full_name(full_name or DEFAULT_NAME), role=Role.ADMIN, is_verified=True,
                    password_hash=hash_password(password), **{contact.kind: contact.value})
        db.session.add(user)
    else:
        if user.status != UserStatus.ACTIVE:
            raise Conflict(_("This account is suspended: an admin must unsuspend it before it can be promoted."),
                           code="account_suspended", field="login")
        if db.session.scalar(select(Shop.id).where(Shop.owner_id == user.id)) is not None:
            raise Conflict(_("This account owns a shop: a seller cannot also be an admin. Use another email or "
                             "phone."),
                           code="owns_shop", field="login")
        if full_name:
            user.full_name = clean_full_name(full_name)
        user.role = Role.ADMIN
        user.is_verified = True
        user.password_hash = hash_password(password)
        user.session_version += 1
    db.session.flush()
    db.session.add(AuditLog(actor_id=None, action="user.create_admin" if created else "user.promote_admin",
                            target_type="user", target_id=user.id, data={"via": "flask create-admin"}))
    db.session.flush()
    return user, created
