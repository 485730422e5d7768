"""Suspending an account and lifting it: the admin's move, which also closes the owner's open shop.

Accounts (services/accounts) know what a suspended user may not do; shops (services/shops)
how a shop is suspended. This is the one move that takes both, so it lives with the admin.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import i18n
from marketplace.extensions import db
from marketplace.models import Shop, ShopStatus, User, UserStatus
from marketplace.services.accounts.notifications import notify
from marketplace.services.core import audit
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.shops import shops

def suspend_user(actor: User, user: User, reason: str) -> User:
    """Admin: suspend an account. Its sessions end on their next request (session_version).

    A seller's open shop is suspended with it, in the same transaction: a shop whose owner
    cannot log in would go on taking orders nobody can fulfil. It goes through the shops
    screen's own move (services/shops/shops.py), so its audit entry, the owner's notice and the
    storefront (the shops cache version) behave exactly as when an admin suspends it there.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason: the user will see it."), field="reason", code="reason_required")
    if user.id == actor.id:
        raise ValidationFailed(_("You cannot suspend your own account."), code="cannot_suspend_self")
    if user.status == UserStatus.SUSPENDED:
        raise ValidationFailed(_("This account is already suspended."), code="already_suspended")
    user.status = UserStatus.SUSPENDED
    user.status_reason = reason
    user.session_version += 1
    db.session.flush()
    notify(user.id, "account.suspended", _l("Your account was suspended"), reason)
    audit.record(actor, "user.suspend", "user", user.id, reason)
    _suspend_open_shop(actor, user, reason)
    return user


def _suspend_open_shop(actor: User, owner: User, reason: str) -> Shop | None:
    """Suspend `owner`'s shop when it is open (ACTIVE); a pending or closed one is left as it is.

    Locking: the shop row is locked before its status is read, so an admin reinstating it
    at the same moment either runs first (and is suspended again here) or waits and then
    finds the owner suspended (services/shops/shops.py refuses to open such a shop).
    """
    shop = db.session.scalar(
        select(Shop).where(Shop.owner_id == owner.id).with_for_update().execution_options(populate_existing=True)
    )
    if shop is None or shop.status != ShopStatus.ACTIVE:
        return None
    with i18n.in_language_of(owner):  # the shop's reason is the owner's to read
        shop_reason = _("The owner's account is suspended: %(reason)s", reason=reason)
    return shops.suspend_shop(actor, shop, shop_reason)


def unsuspend_user(actor: User, user: User, reason: str | None = None) -> User:
    """Admin: lift a suspension; the user logs in again.

    Their shop, if suspended with the account, stays suspended: reopening it is a decision of
    its own, taken on the shops screen (shops.reinstate_shop).
    """
    if user.status != UserStatus.SUSPENDED:
        raise ValidationFailed(_("This account is not suspended."), code="not_suspended")
    reason = (reason or "").strip() or None
    user.status = UserStatus.ACTIVE
    user.status_reason = None
    user.session_version += 1
    db.session.flush()
    notify(user.id, "account.unsuspended", _l("Your account is active again"), reason or "")
    audit.record(actor, "user.unsuspend", "user", user.id, reason)
    return user
