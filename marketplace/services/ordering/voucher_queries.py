"""Vouchers as shoppers see them on a shop's page: what each gives, from what spend, until when."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select

from marketplace.extensions import db
from marketplace.models import Shop, ShopStatus, Voucher, VoucherKind
from marketplace.models.base import utcnow
from marketplace.money import format_money


@dataclass(frozen=True)
class VoucherOffer:
    code: str
    gives: str  # "10% off, up to $5.00" or "$3.00 off"
    min_spend: int
    ends_at: datetime


def gives(kind: VoucherKind, value: int, max_discount: int | None) -> str:
    if kind == VoucherKind.PERCENT and max_discount:
        return _("%(percent)s%% off, up to %(cap)s", percent=value, cap=format_money(max_discount))
    if kind == VoucherKind.PERCENT:
        return _("%(percent)s%% off", percent=value)
    return _("%(amount)s off", amount=format_money(value))


@lru_cache(maxsize=1)
def _offers_statement():
    return (
        select(Voucher.code, Voucher.kind, Voucher.value, Voucher.max_discount, Voucher.min_spend, Voucher.ends_at)
        .join(Shop, Shop.id == Voucher.shop_id)
        .where(Shop.slug == bindparam("slug"), Shop.status == ShopStatus.ACTIVE, Voucher.is_active.is_(True),
               Voucher.starts_at <= bindparam("now"), Voucher.ends_at > bindparam("now"),
               or_(Voucher.usage_limit.is_(None), Voucher.used_count < Voucher.usage_limit))
        .order_by(Voucher.min_spend, Voucher.code)
    )


def shop_offers(slug: str, now: datetime | None = None) -> tuple[VoucherOffer, ...]:
    """The vouchers anyone can use in the open shop `slug` now (active, started, not ended, not used up).

    Limits per buyer are not applied: the page is the same for every visitor; checkout checks them.
    """
    if "\x00" in slug:
        return ()
    rows = db.session.execute(_offers_statement(), {"slug": slug, "now": now or utcnow()}).all()
    return tuple(VoucherOffer(code, gives(kind, value, max_discount), min_spend, ends_at)
                 for code, kind, value, max_discount, min_spend, ends_at in rows)
