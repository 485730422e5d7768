"""The shops the home page puts forward ("Shops to follow", the hero): the open shops that sold most lately.

One statement: the last 30 days of `shop_sales_daily` ranked per shop, then each chosen shop's
listed products counted and its reviews summed (shop_queries.product_figures). Cached per
process for a few minutes while the shops' cache version is unchanged: the ranking is a
recommendation, so minutes of staleness cost nothing, and a shop that closes (a new 'shops'
version) leaves at once.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache

from flask import current_app
from sqlalchemy import bindparam, exists, func, select, true

from marketplace.models import Product, ProductStatus, Shop, ShopSalesDaily, ShopStatus
from marketplace.services.catalog import storefront_cache
from marketplace.services.core import rollups
from marketplace.services.core.rows import execute_rows
from marketplace.services.shops import shop_queries

RECENT_DAYS = 30
CACHE_SECONDS = 300
_CACHE = "featured_shops_cache"
storefront_cache.OTHER_CACHES.append(_CACHE)


@dataclass(frozen=True, slots=True)
class FeaturedShop:
    id: uuid.UUID
    name: str
    slug: str
    logo_key: str | None
    joined: datetime
    product_count: int
    review_count: int
    rating_sum: int

    @property
    def average_rating(self) -> Decimal | None:  # over its products' reviews; None before the first
        return shop_queries.average_rating(self.rating_sum, self.review_count)


@lru_cache(maxsize=1)
def _statement():
    """The open shops with something listed, most orders in the last 30 days first (LIMIT before the
    figures: only the chosen shops' products are summed)."""
    recent = (select(ShopSalesDaily.shop_id, func.sum(ShopSalesDaily.orders).label("orders"))
              .where(ShopSalesDaily.day >= bindparam("since")).group_by(ShopSalesDaily.shop_id).subquery("recent"))
    orders = func.coalesce(recent.c.orders, 0)
    listed = exists().where(Product.shop_id == Shop.id, Product.status == ProductStatus.ACTIVE)
    chosen = (select(Shop.id, Shop.name, Shop.slug, Shop.logo_key, Shop.created_at, orders.label("orders"))
              .outerjoin(recent, recent.c.shop_id == Shop.id)
              .where(Shop.status == ShopStatus.ACTIVE, listed)
              .order_by(orders.desc(), Shop.created_at, Shop.id).limit(bindparam("limit")).subquery("chosen"))
    figures = shop_queries.product_figures(chosen.c.id)
    return (select(chosen.c.id, chosen.c.name, chosen.c.slug, chosen.c.logo_key, chosen.c.created_at,
                   figures.c.products, figures.c.reviews, figures.c.rating_sum)
            .join(figures, true()).order_by(chosen.c.orders.desc(), chosen.c.created_at, chosen.c.id))


def featured_shops(limit: int = 6) -> tuple[FeaturedShop, ...]:
    """Up to `limit` open shops with something listed, those with most orders in the last 30 days first."""
    version = rollups.cache_versions().get("shops")
    cached = current_app.extensions.get(_CACHE)
    now = time.monotonic()
    if cached is not None and cached[0] == (version, limit) and now - cached[1] < CACHE_SECONDS:
        return cached[2]
    since = datetime.now(timezone.utc).date() - timedelta(days=RECENT_DAYS)
    shops = tuple(FeaturedShop(*row) for row in execute_rows(_statement(), {"since": since, "limit": limit}))
    current_app.extensions[_CACHE] = ((version, limit), now, shops)
    return shops

