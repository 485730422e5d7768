"""Shops: registration by a verified user, profile edits, and the moderated lifecycle.

    PENDING --approve--> ACTIVE --suspend--> SUSPENDED --reinstate--> ACTIVE
    PENDING --reject---> REJECTED --resubmit (owner)--> PENDING

An admin move is audited and the owner is notified, in the same transaction.
Any move not in TRANSITIONS is refused with the reason, and so is opening (approve,
reinstate) the shop of a suspended owner. Suspending an account suspends its open shop
(services/accounts/accounts.py); unsuspending it does not reopen the shop: an admin does, here.
"""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.models import Role, Shop, ShopStatus, User, UserStatus
from marketplace.models.base import utcnow
from marketplace.services.accounts.notifications import lazy_format, notify
from marketplace.services.core import audit
from marketplace.services.core.effects import after_commit
from marketplace.services.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.services.core.images import delete_image, store_image
from marketplace.services.core.text import clean_text, slugify

SLUG_MIN, SLUG_MAX = 3, 60
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_MIN, NAME_MAX = 2, 120
DESCRIPTION_MAX = 5000
REASON_MAX = 1000
LOGO_SIDE = 512
BANNER_WIDTH = 1600  # the longest side kept of a banner (shown across the shop page, about 4:1)
SHOP_LINK = "/seller/shop"


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


@dataclass(frozen=True)
class Transition:
    source: ShopStatus
    target: ShopStatus
    by_admin: bool
    needs_reason: bool
    notice: str | None  # notification kind sent to the owner
    title: str  # its title (lazy_gettext), said in the owner's language


TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(ShopStatus.PENDING, ShopStatus.ACTIVE, True, False, "shop.approved",
                          _l("Your shop “%(name)s” is open")),
    "reject": Transition(ShopStatus.PENDING, ShopStatus.REJECTED, True, True, "shop.rejected",
                         _l("Your shop “%(name)s” was not approved")),
    "suspend": Transition(ShopStatus.ACTIVE, ShopStatus.SUSPENDED, True, True, "shop.suspended",
                          _l("Your shop “%(name)s” was suspended")),
    "reinstate": Transition(ShopStatus.SUSPENDED, ShopStatus.ACTIVE, True, False, "shop.reinstated",
                            _l("Your shop “%(name)s” is open again")),
    # A rejected owner fixes the profile and asks again: owner_id is unique, so a
    # rejected shop would otherwise lock its owner out of selling for good.
    "resubmit": Transition(ShopStatus.REJECTED, ShopStatus.PENDING, False, False, None, ""),
}


def allowed_actions(shop: Shop, *, by_admin: bool = True) -> list[str]:
    """Names of the moves `shop` may take now (for buttons)."""
    return [name for name, move in TRANSITIONS.items() if move.source == shop.status and move.by_admin == by_admin]


# --- registration and profile ---------------------------------------------------------

def validate_slug(slug: str, field: str = "slug") -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_MIN <= len(slug) <= SLUG_MAX or not SLUG_RE.match(slug):
        raise ValidationFailed(
            _("Use %(min)d–%(max)d lowercase letters (a–z), digits and single hyphens, "
              "not starting or ending with a hyphen.", min=SLUG_MIN, max=SLUG_MAX), field=field, code="slug_invalid")
    return slug


def slug_taken(slug: str) -> bool:
    return db.session.scalar(select(Shop.id).where(Shop.slug == slug)) is not None


def suggest_slug(name: str) -> str:
    """A free slug made from the name, accents folded ("Đà Lạt Coffee" -> "da-lat-coffee", then -2, -3...)."""
    # "Lan's Shop" -> "lans-shop", not "lan-s-shop".
    base = slugify(re.sub(r"['’`]", "", name or ""), SLUG_MAX) or "shop"
    if len(base) < SLUG_MIN:
        base = f"{base}-shop".strip("-")
    candidate, n = base, 1
    while slug_taken(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
    return candidate


def shop_of(user: User) -> Shop | None:
    return db.session.scalar(select(Shop).where(Shop.owner_id == user.id))


def register_shop(user: User, name: str, slug: str | None = None, description: str = "",
                  logo: bytes | None = None) -> Shop:
    """Open a PENDING shop for `user`, who becomes a SELLER. A blank slug is made from the name.

    One shop per user and unique slugs are enforced by unique constraints as well, so
    two simultaneous requests cannot both win; the loser gets the same clear error.
    """
    if not user.is_verified:
        raise Forbidden(_("Verify your phone number or email before opening a shop."), code="not_verified")
    if user.role == Role.ADMIN:
        raise Forbidden(_("Administrator accounts can't open a shop; use a separate account."),
                        code="admin_cannot_sell")
    if shop_of(user) is not None:
        raise Conflict(_("You already have a shop: each account can open one."), code="shop_exists")
    name = clean_text(name, field="name", label=_("shop name"), min_len=NAME_MIN, max_len=NAME_MAX)
    slug = validate_slug(slug) if (slug or "").strip() else suggest_slug(name)
    description = clean_text(description, field="description", label=_("description"), max_len=DESCRIPTION_MAX)
    if slug_taken(slug):
        raise Conflict(_("The address “%(slug)s” is taken. Try “%(suggestion)s”.", slug=slug,
                         suggestion=suggest_slug(slug)), field="slug", code="slug_taken")
    shop = Shop(owner_id=user.id, name=name, slug=slug, description=description, status=ShopStatus.PENDING)
    if logo:
        shop.logo_key = store_image(logo, "logos", field="logo", max_side=LOGO_SIDE, thumbnail=False).key
    _insert_shop(shop)
    if user.role == Role.BUYER:
        user.role = Role.SELLER
    db.session.flush()
    return shop


def _insert_shop(shop: Shop) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(shop)
            db.session.flush()
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", "") or ""
        if "slug" in constraint:
            raise Conflict(_("That shop address was just taken. Choose another."), field="slug",
                           code="slug_taken") from exc
        raise Conflict(_("You already have a shop: each account can open one."), code="shop_exists") from exc


def update_shop(shop: Shop, *, name: str | None = None, description: str | None = None,
                logo: bytes | None = None, remove_logo: bool = False,
                banner: bytes | None = None, remove_banner: bool = False) -> Shop:
    """Change the profile; a replaced or removed logo or banner file is deleted after the commit."""
    if name is not None:
        shop.name = clean_text(name, field="name", label=_("shop name"), min_len=NAME_MIN, max_len=NAME_MAX)
    if description is not None:
        shop.description = clean_text(description, field="description", label=_("description"), max_len=DESCRIPTION_MAX)
    old_logo, old_banner = shop.logo_key, shop.banner_key
    if logo:
        shop.logo_key = store_image(logo, "logos", field="logo", max_side=LOGO_SIDE, thumbnail=False).key
    elif remove_logo:
        shop.logo_key = None
    if banner:
        shop.banner_key = store_image(banner, "banners", field="banner", max_side=BANNER_WIDTH, thumbnail=False).key
    elif remove_banner:
        shop.banner_key = None
    for old, new in ((old_logo, shop.logo_key), (old_banner, shop.banner_key)):
        if old and old != new:
            after_commit(db.session, delete_image, old)
    db.session.flush()
    return shop


# --- lifecycle ------------------------------------------------------------------------

def _clean_reason(reason: str | None, required: bool) -> str | None:
    text = clean_text(reason, field="reason", label=_("reason"), max_len=REASON_MAX)
    if required and not text:
        raise ValidationFailed(_("Give a reason: the shop owner will read it."), field="reason",
                               code="reason_required")
    return text or None


def transition_shop(actor: User, shop: Shop, action: str, reason: str | None = None) -> Shop:
    """Move `shop` by `action` (a key of TRANSITIONS) or raise with the reason it can't.

    Locking: the shop row is locked (SELECT ... FOR UPDATE) and its status re-read, so
    two admins acting on the same shop at once can't both apply a move.
    """
    move = TRANSITIONS.get(action)
    if move is None:
        raise ValidationFailed(_("Unknown shop action “%(action)s”.", action=action), code="unknown_action")
    if move.by_admin and actor.role != Role.ADMIN:
        raise Forbidden(_("Only administrators can do that."))
    if not move.by_admin and actor.id != shop.owner_id:
        raise NotFound(_("No such shop."))
    reason = _clean_reason(reason, move.needs_reason)
    db.session.refresh(shop, with_for_update=True)
    if shop.status != move.source:
        raise TransitionNotAllowed(
            _("This shop is %(status)s; only a %(source)s shop can be %(action)s.", status=_state(shop.status),
              source=_state(move.source), action=_past(action)))
    if move.target == ShopStatus.ACTIVE and _owner_suspended(shop):
        raise Conflict(_("The owner's account is suspended: unsuspend it on the users screen first, then "
                         "approve the shop.") if action == "approve" else
                       _("The owner's account is suspended: unsuspend it on the users screen first, then "
                         "reopen the shop."), code="owner_suspended")
    previous = shop.status
    shop.status = move.target
    shop.status_reason = reason if move.needs_reason else None
    if action == "approve":
        shop.approved_at = utcnow()
    db.session.flush()
    if move.by_admin:
        audit.record(actor, f"shop.{action}", "shop", shop.id, reason,
                     from_status=previous.value, to_status=move.target.value, name=shop.name)
    if move.notice:
        notify(shop.owner_id, move.notice, lazy_format(move.title, name=shop.name),
               body=_l("Reason: %(reason)s", reason=reason) if reason else _NOTICE_BODIES[action], link=SHOP_LINK)
    return shop


def _owner_suspended(shop: Shop) -> bool:
    """A shop never opens while its owner is suspended: nobody could fulfil its orders
    (suspending an account suspends its open shop too: services/accounts/accounts.py suspend_user)."""
    return db.session.scalar(select(User.status).where(User.id == shop.owner_id)) == UserStatus.SUSPENDED


_NOTICE_BODIES = {
    "approve": _l("Shoppers can now find and buy your active products."),
    "reinstate": _l("Your products are visible to shoppers again."),
}


# Words inside a sentence ("this shop is pending; only an active shop can be suspended"), with a
# context: other screens say "pending" or "suspended" of other things, in other words.
def _state(status: ShopStatus) -> str:
    return {ShopStatus.PENDING: pgettext("shop status", "pending"),
            ShopStatus.ACTIVE: pgettext("shop status", "active"),
            ShopStatus.REJECTED: pgettext("shop status", "rejected"),
            ShopStatus.SUSPENDED: pgettext("shop status", "suspended")}[status]


def _past(action: str) -> str:
    return {"approve": pgettext("shop action", "approved"), "reject": pgettext("shop action", "rejected"),
            "suspend": pgettext("shop action", "suspended"), "reinstate": pgettext("shop action", "reinstated"),
            "resubmit": pgettext("shop action", "resubmitted")}[action]


def approve_shop(actor: User, shop: Shop) -> Shop:
    return transition_shop(actor, shop, "approve")


def reject_shop(actor: User, shop: Shop, reason: str) -> Shop:
    return transition_shop(actor, shop, "reject", reason)


def suspend_shop(actor: User, shop: Shop, reason: str) -> Shop:
    return transition_shop(actor, shop, "suspend", reason)


def reinstate_shop(actor: User, shop: Shop) -> Shop:
    return transition_shop(actor, shop, "reinstate")


def resubmit_shop(owner: User, shop: Shop) -> Shop:
    """The owner of a REJECTED shop asks for another review."""
    return transition_shop(owner, shop, "resubmit")

