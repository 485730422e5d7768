"""What the admin's commission page reads: the overrides with the names of what they apply to, the
categories to choose from, a shop found by its address. Read-only."""
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Category, CommissionRate, Shop


@dataclass(frozen=True)
class Override:
    id: uuid.UUID
    scope: str            # "shop" or "category"
    name: str
    slug: str | None      # the shop's address
    rate_bp: int


def overrides() -> list[Override]:
    """Every override: shops first, then categories, by name (one statement)."""
    rows = db.session.execute(
        select(CommissionRate.id, CommissionRate.shop_id, Shop.name, Shop.slug, Category.name, CommissionRate.rate_bp)
        .outerjoin(Shop, Shop.id == CommissionRate.shop_id)
        .outerjoin(Category, Category.id == CommissionRate.category_id))
    found = [Override(rate_id, "shop" if shop_id else "category", shop_name if shop_id else category_name,
                      slug, rate) for rate_id, shop_id, shop_name, slug, category_name, rate in rows]
    return sorted(found, key=lambda o: (o.scope != "shop", o.name.lower()))


def get_override(rate_id: uuid.UUID) -> Override | None:
    return next((o for o in overrides() if o.id == rate_id), None)


def categories() -> list[tuple[uuid.UUID, str]]:
    return [(row.id, row.name) for row in db.session.execute(select(Category.id, Category.name).order_by(Category.name))]


def shop_id_by_slug(slug: str) -> uuid.UUID | None:
    return db.session.scalar(select(Shop.id).where(Shop.slug == (slug or "").strip().lower()))
