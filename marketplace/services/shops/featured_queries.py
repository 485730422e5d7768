"""The shops the home page puts forward ("Shops to follow", the hero): the open shops that sold most lately.

One statement: the last 30 days of `shop_sales_daily` ranked per shop, then each chosen shop's
listed products counted and its reviews summed through `ix_products_shop_status`. Cached per
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

from flask import current_app
from sqlalchemy import text

from marketplace.services.catalog import storefront_cache
from marketplace.services.core import rollups
from marketplace.services.core.rows import execute_rows

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
    average_rating: Decimal | None  # over its products' reviews; None before the first


_FEATURED = text("""
    WITH recent AS (
        SELECT shop_id, sum(orders) AS orders FROM shop_sales_daily
        WHERE day >= :since GROUP BY shop_id
    ), chosen AS (
        SELECT s.id, s.name, s.slug, s.logo_key, s.created_at, coalesce(r.orders, 0) AS orders
        FROM shops s LEFT JOIN recent r ON r.shop_id = s.id
        WHERE s.status = 'ACTIVE'
          AND EXISTS (SELECT 1 FROM products WHERE shop_id = s.id AND status = 'ACTIVE')
        ORDER BY coalesce(r.orders, 0) DESC, s.created_at, s.id
        LIMIT :limit
    )
    SELECT c.id, c.name, c.slug, c.logo_key, c.created_at, p.products, p.reviews,
           CASE WHEN p.reviews > 0 THEN round(p.rating_sum::numeric / p.reviews, 1) END
    FROM chosen c
    CROSS JOIN LATERAL (
        SELECT count(*) AS products, coalesce(sum(review_count), 0) AS reviews,
               coalesce(sum(rating_sum), 0) AS rating_sum
        FROM products WHERE shop_id = c.id AND status = 'ACTIVE'
    ) p
    ORDER BY c.orders DESC, c.created_at, c.id
""")


def featured_shops(limit: int = 6) -> tuple[FeaturedShop, ...]:
    """Up to `limit` open shops with something listed, those with most orders in the last 30 days first."""
    version = rollups.cache_versions().get("shops")
    cached = current_app.extensions.get(_CACHE)
    now = time.monotonic()
    if cached is not None and cached[0] == (version, limit) and now - cached[1] < CACHE_SECONDS:
        return cached[2]
    since = datetime.now(timezone.utc).date() - timedelta(days=RECENT_DAYS)
    shops = tuple(FeaturedShop(*row) for row in execute_rows(_FEATURED, {"since": since, "limit": limit}))
    current_app.extensions[_CACHE] = ((version, limit), now, shops)
    return shops

