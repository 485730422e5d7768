"""Shop vouchers: the seller's CRUD, validation with an exact reason, and the atomic claim.

Amounts are integers in minor units. A discount never exceeds the shop subtotal.
"""
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from marketplace import dates
from marketplace.extensions import db
from marketplace.models import Shop, User, Voucher, VoucherKind, VoucherUsage
from marketplace.models.base import utcnow
from marketplace.money import format_money
from marketplace.services.core import paging
from marketplace.services.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from marketplace.services.core.paging import Page

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")
EDITABLE = ("code", "kind", "value", "max_discount", "min_spend", "starts_at", "ends_at",
            "usage_limit", "per_user_limit", "is_active")


class VoucherInvalid(DomainError):
    """A code cannot be used; `code` says why (unknown, inactive, not_started, expired,
    min_spend_not_met, used_up, already_used, wrong_shop)."""

    status = 422
    code = "voucher_invalid"

    def __init__(self, message: str, *, code: str, shop_id: uuid.UUID | None = None):
        super().__init__(message, code=code, field="code")
        self.shop_id = shop_id


@dataclass(frozen=True)
class Quote:
    voucher: Voucher
    discount: int


def compute_discount(kind: VoucherKind, value: int, max_discount: int | None, subtotal: int) -> int:
    """Percent: floor(subtotal * value / 100), capped by max_discount. Fixed: the value.
    Either way, never more than the subtotal."""
    if subtotal <= 0:
        return 0
    if kind == VoucherKind.PERCENT:
        discount = subtotal * value // 100
        if max_discount is not None:
            discount = min(discount, max_discount)
    else:
        discount = value
    return max(0, min(discount, subtotal))


def describe(voucher: Voucher) -> str:
    """A short human summary, e.g. "10% off (up to $5.00) on orders from $20.00"."""
    values = {"percent": voucher.value, "amount": format_money(voucher.value),
              "cap": format_money(voucher.max_discount), "spend": format_money(voucher.min_spend)}
    if voucher.kind == VoucherKind.PERCENT and voucher.max_discount:
        if voucher.min_spend:
            return _("%(percent)s%% off (up to %(cap)s) on orders from %(spend)s", **values)
        return _("%(percent)s%% off (up to %(cap)s)", **values)
    if voucher.kind == VoucherKind.PERCENT:
        if voucher.min_spend:
            return _("%(percent)s%% off on orders from %(spend)s", **values)
        return _("%(percent)s%% off", **values)
    if voucher.min_spend:
        return _("%(amount)s off on orders from %(spend)s", **values)
    return _("%(amount)s off", **values)


# --- the seller's CRUD ----------------------------------------------------------------

def _clean(values: dict) -> dict:
    values = dict(values)
    if "code" in values:
        values["code"] = (values["code"] or "").strip().upper()
    if values.get("kind") is not None and not isinstance(values["kind"], VoucherKind):
        try:
            values["kind"] = VoucherKind(str(values["kind"]).upper())
        except ValueError:
            raise ValidationFailed(_("Choose percent or fixed amount."), field="kind") from None
    return values


def _check(voucher: Voucher) -> None:
    """The rules of a well-formed voucher, checked after every create and update."""
    if not CODE_PATTERN.match(voucher.code or ""):
        raise ValidationFailed(_("Use 3 to 40 letters, digits, - or _."), field="code", code="invalid_code")
    if voucher.kind == VoucherKind.PERCENT and not (1 <= (voucher.value or 0) <= 100):
        raise ValidationFailed(_("A percentage is between 1 and 100."), field="value")
    if voucher.kind == VoucherKind.FIXED and (voucher.value or 0) <= 0:
        raise ValidationFailed(_("The amount must be more than zero."), field="value")
    if voucher.kind == VoucherKind.FIXED:
        voucher.max_discount = None  # a fixed amount is its own cap
    if voucher.max_discount is not None and voucher.max_discount <= 0:
        raise ValidationFailed(_("The maximum discount must be more than zero."), field="max_discount")
    if (voucher.min_spend or 0) < 0:
        raise ValidationFailed(_("The minimum spend cannot be negative."), field="min_spend")
    if not voucher.starts_at or not voucher.ends_at:
        raise ValidationFailed(_("Give a start and an end."), field="ends_at")
    if voucher.ends_at <= voucher.starts_at:
        raise ValidationFailed(_("The end must be after the start."), field="ends_at")
    if voucher.usage_limit is not None and voucher.usage_limit < max(1, voucher.used_count or 0):
        raise ValidationFailed(
            _("The limit cannot be below the %(uses)s uses so far (and at least 1).", uses=voucher.used_count or 0),
            field="usage_limit",
        )
    if voucher.per_user_limit is not None and voucher.per_user_limit < 1:
        raise ValidationFailed(_("The per-buyer limit is at least 1."), field="per_user_limit")


def _flush_unique(voucher: Voucher) -> None:
    with db.session.no_autoflush:  # the pending row itself must not hit the index first
        taken = db.session.scalar(
            select(Voucher.id).where(
                Voucher.shop_id == voucher.shop_id, func.lower(Voucher.code) == voucher.code.lower(),
                Voucher.id != voucher.id,
            )
        )
    if taken:
        if voucher in db.session.new:
            db.session.expunge(voucher)
        raise Conflict(_("Your shop already has a voucher %(code)s.", code=voucher.code), field="code",
                       code="duplicate_code")
    try:
        with db.session.begin_nested():  # a concurrent create of the same code loses here
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("Your shop already has a voucher %(code)s.", code=voucher.code), field="code",
                       code="duplicate_code") from None


def create_voucher(shop: Shop, **values) -> Voucher:
    """Create a voucher for the seller's shop. Codes are stored upper-case, unique per shop."""
    values = _clean({k: v for k, v in values.items() if k in EDITABLE})
    values.setdefault("min_spend", 0)
    values.setdefault("is_active", True)
    voucher = Voucher(id=uuid.uuid4(), shop_id=shop.id, used_count=0, **values)
    _check(voucher)
    db.session.add(voucher)
    _flush_unique(voucher)
    return voucher


def get_shop_voucher(shop: Shop, voucher_id) -> Voucher:
    voucher = db.session.get(Voucher, voucher_id) if isinstance(voucher_id, uuid.UUID) else None
    if voucher is None or voucher.shop_id != shop.id:
        raise NotFound(_("That voucher does not exist."))
    return voucher


def update_voucher(shop: Shop, voucher_id, **values) -> Voucher:
    """Change a voucher of the seller's shop; uses so far are kept."""
    voucher = get_shop_voucher(shop, voucher_id)
    for key, value in _clean({k: v for k, v in values.items() if k in EDITABLE}).items():
        setattr(voucher, key, value)
    _check(voucher)
    _flush_unique(voucher)
    return voucher


def deactivate_voucher(shop: Shop, voucher_id) -> Voucher:
    voucher = get_shop_voucher(shop, voucher_id)
    voucher.is_active = False
    db.session.flush()
    return voucher


def list_shop_vouchers(shop: Shop, cursor: str | None = None, limit: int = 20) -> Page[Voucher]:
    """The shop's vouchers, newest first, keyset-paginated on (created_at, id)."""
    stmt = select(Voucher).where(Voucher.shop_id == shop.id)
    return paging.newest_first_page(stmt, Voucher.created_at, Voucher.id, cursor, limit)


# --- validation -------------------------------------------------------------------------

def _find(shop_id: uuid.UUID, code: str) -> Voucher:
    code = (code or "").strip()
    if not code:
        raise VoucherInvalid(_("Enter a voucher code."), code="unknown", shop_id=shop_id)
    voucher = db.session.scalar(
        select(Voucher).where(Voucher.shop_id == shop_id, func.lower(Voucher.code) == code.lower())
    )
    if voucher is not None:
        return voucher
    elsewhere = db.session.scalar(select(Voucher.id).where(func.lower(Voucher.code) == code.lower()).limit(1))
    if elsewhere:
        raise VoucherInvalid(_("%(code)s is not a voucher of this shop.", code=code.upper()), code="wrong_shop",
                             shop_id=shop_id)
    raise VoucherInvalid(_("There is no voucher %(code)s.", code=code.upper()), code="unknown", shop_id=shop_id)


def _uses_by(voucher_id: uuid.UUID, user: User | None) -> int:
    if user is None:
        return 0
    return db.session.scalar(
        select(func.count()).select_from(VoucherUsage)
        .where(VoucherUsage.voucher_id == voucher_id, VoucherUsage.user_id == user.id)
    ) or 0


def _refuse_if_unusable(voucher: Voucher, subtotal: int, user: User | None, now: datetime,
                        claimed: bool = False) -> None:
    """Raise the first reason the voucher cannot be used; `claimed`: our own use is already counted."""
    def no(message: str, code: str):
        raise VoucherInvalid(message, code=code, shop_id=voucher.shop_id)

    code = voucher.code
    if not voucher.is_active:
        no(_("%(code)s is no longer active.", code=code), "inactive")
    if now < voucher.starts_at:
        no(_("%(code)s starts on %(when)s.", code=code, when=dates.format_datetime(voucher.starts_at)), "not_started")
    if now >= voucher.ends_at:
        no(_("%(code)s expired on %(when)s.", code=code, when=dates.format_datetime(voucher.ends_at)), "expired")
    if subtotal < voucher.min_spend:
        no(_("%(code)s needs a minimum spend of %(spend)s at this shop (add %(missing)s more).", code=code,
             spend=format_money(voucher.min_spend), missing=format_money(voucher.min_spend - subtotal)),
           "min_spend_not_met")
    used_by_others = voucher.used_count - (1 if claimed else 0)
    if voucher.usage_limit is not None and used_by_others >= voucher.usage_limit:
        no(_("%(code)s has been used up.", code=code), "used_up")
    if voucher.per_user_limit is not None and _uses_by(voucher.id, user) >= voucher.per_user_limit:
        limit = voucher.per_user_limit
        no(_("You have already used %(code)s %(times)s times.", code=code, times=limit) if limit > 1
           else _("You have already used %(code)s.", code=code), "already_used")


def quote(shop_id: uuid.UUID, code: str, subtotal: int, user: User | None, now: datetime | None = None) -> Quote:
    """The voucher and its discount on `subtotal`, or VoucherInvalid saying exactly why not."""
    voucher = _find(shop_id, code)
    _refuse_if_unusable(voucher, subtotal, user, now or utcnow())
    return Quote(voucher, compute_discount(voucher.kind, voucher.value, voucher.max_discount, subtotal))


def validate(shop_id: uuid.UUID, code: str, subtotal: int, user: User | None, now: datetime | None = None) -> int:
    """The discount `code` gives on a shop subtotal, or VoucherInvalid with a stable code."""
    return quote(shop_id, code, subtotal, user, now).discount


def claim(voucher: Voucher, subtotal: int, user: User) -> int:
    """Take one use of the voucher for `user` inside the checkout transaction; returns the discount.

    Locking: the conditional UPDATE increments used_count only while it is under the
    limit, and leaves the voucher row locked until the transaction ends. A concurrent
    claim blocks on that row and then re-checks the limit against the committed count,
    so the limit can never be passed. The per-user count is read after the lock is
    held, so two checkouts of the same buyer are serialized too. The caller inserts
    the voucher_usages row in the same transaction.
    """
    now = utcnow()
    claimed = db.session.execute(
        update(Voucher)
        .where(Voucher.id == voucher.id, Voucher.is_active.is_(True),
               Voucher.starts_at <= now, Voucher.ends_at > now,
               or_(Voucher.usage_limit.is_(None), Voucher.used_count < Voucher.usage_limit))
        .values(used_count=Voucher.used_count + 1)
        .returning(Voucher.used_count),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    # Re-read the row as it is now: under our lock, or as the winner of a race left it.
    db.session.refresh(voucher)
    if claimed is None:
        _refuse_if_unusable(voucher, subtotal, user, now)
        raise VoucherInvalid(_("%(code)s has been used up.", code=voucher.code), code="used_up",
                             shop_id=voucher.shop_id)
    _refuse_if_unusable(voucher, subtotal, user, now, claimed=True)
    return compute_discount(voucher.kind, voucher.value, voucher.max_discount, subtotal)


def available_vouchers(shop_ids, user: User | None, now: datetime | None = None) -> dict[uuid.UUID, list[Voucher]]:
    """Vouchers buyers can use now in each shop (active, started, not ended, not used up,
    not exhausted by this user), in one query whatever the number of shops."""
    shop_ids = list(shop_ids)
    if not shop_ids:
        return {}
    params = {"shop_ids": shop_ids, "now": now or utcnow()}
    if user is not None:
        params["user_id"] = user.id
    found: dict[uuid.UUID, list[Voucher]] = {shop_id: [] for shop_id in shop_ids}
    for voucher in db.session.scalars(_available_statement(user is not None), params):
        found[voucher.shop_id].append(voucher)
    return found


@lru_cache(maxsize=2)
def _available_statement(for_user: bool):
    """Built once per shape (every cart page asks)."""
    stmt = select(Voucher).where(
        Voucher.shop_id.in_(bindparam("shop_ids", expanding=True)), Voucher.is_active.is_(True),
        Voucher.starts_at <= bindparam("now"), Voucher.ends_at > bindparam("now"),
        or_(Voucher.usage_limit.is_(None), Voucher.used_count < Voucher.usage_limit),
    )
    if for_user:
        used = (
            select(func.count()).select_from(VoucherUsage)
            .where(VoucherUsage.voucher_id == Voucher.id, VoucherUsage.user_id == bindparam("user_id"))
            .scalar_subquery()
        )
        stmt = stmt.where(or_(Voucher.per_user_limit.is_(None), used < Voucher.per_user_limit))
    return stmt.order_by(Voucher.min_spend, Voucher.code)


def available_for_shop(shop_id: uuid.UUID, user: User | None, subtotal: int | None = None) -> list[Quote]:
    """Usable vouchers of one shop with their discount; with a subtotal, only those it qualifies for."""
    quotes = []
    for voucher in available_vouchers([shop_id], user)[shop_id]:
        if subtotal is not None and subtotal < voucher.min_spend:
            continue
        amount = compute_discount(voucher.kind, voucher.value, voucher.max_discount, subtotal or 0)
        quotes.append(Quote(voucher, amount))
    return quotes
