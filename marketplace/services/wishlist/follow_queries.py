"""What the "Followed shops" page, the shop page's Follow button and the API read of followed shops."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, select, true

from marketplace.extensions import db
from marketplace.models import Shop, ShopFollow
from marketplace.services.catalog.visibility import shop_visible_condition
from marketplace.services.core.paging import Page, cut, newest_first
from marketplace.services.shops import shop_queries

DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 48


class FollowedShop(NamedTuple):
    id: uuid.UUID
    name: str
    slug: str
    logo_key: str | None
    product_count: int
    review_count: int
    rating_sum: int
    followed_at: datetime
    follow_id: uuid.UUID

    @property
    def average_rating(self) -> Decimal | None:
        """The shop's rating: every review of its live products, averaged (None without reviews)."""
        return shop_queries.average_rating(self.rating_sum, self.review_count)


class FollowState(NamedTuple):
    following: bool
    followers: int


def followed_shops(user_id: uuid.UUID, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE) -> Page[FollowedShop]:
    """One page of the open shops the shopper follows, last followed first, each with its number of
    live products and its rating (ONE statement: the figures are a LATERAL aggregate per shop of
    the page, over ix_products_shop_status)."""
    stats = shop_queries.product_figures(Shop.id, "stats")
    query = (select(Shop.id, Shop.name, Shop.slug, Shop.logo_key, stats.c.products, stats.c.reviews,
                    stats.c.rating_sum, ShopFollow.created_at.label("followed_at"), ShopFollow.id.label("follow_id"))
             .select_from(ShopFollow)
             .join(Shop, Shop.id == ShopFollow.shop_id)
             .join(stats, true())
             .where(ShopFollow.user_id == user_id, shop_visible_condition()))
    rows = db.session.execute(newest_first(query, ShopFollow.created_at, ShopFollow.id, cursor, limit)).all()
    page = cut(rows, limit, key=lambda row: (row.followed_at, row.follow_id))
    return Page(items=[FollowedShop(*row) for row in page.items], next_cursor=page.next_cursor)


def follow_state(user_id: uuid.UUID | None, shop_id: uuid.UUID) -> FollowState:
    """Whether the shopper (None: a visitor) follows the shop, and its follower count: one COUNT
    over ix_shop_follows_shop_id."""
    count, following = db.session.execute(
        select(func.count(), func.coalesce(func.bool_or(ShopFollow.user_id == user_id), False))
        .where(ShopFollow.shop_id == shop_id)
    ).one()
    return FollowState(following=bool(following) and user_id is not None, followers=count)


def follower_count_by_slug(slug: str) -> int:
    """A shop's follower count from its slug (the shop page's cache key: web/page_cache.py live_key)."""
    if "\x00" in slug:  # PostgreSQL refuses NUL in text: such a slug names no shop
        return 0
    return db.session.scalar(select(func.count()).select_from(ShopFollow).join(Shop, Shop.id == ShopFollow.shop_id)
                             .where(Shop.slug == slug))


class ShopRef(NamedTuple):
    id: uuid.UUID
    name: str
    slug: str
    owner_id: uuid.UUID


def shop_ref(shop_id: uuid.UUID) -> ShopRef | None:
    """A shop's name and slug (what the Follow button and a flash say), or None when there is no such shop."""
    row = db.session.execute(select(Shop.id, Shop.name, Shop.slug, Shop.owner_id).where(Shop.id == shop_id)).first()
    return ShopRef(*row) if row else None
