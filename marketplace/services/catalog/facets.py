"""Facet counts beside a search's filters: how many of its products are in each category, price band
and rating, in ONE statement whatever the number of categories and bands.

The statement reads the search's matches once, at most COUNTED of them (its words, its shop and
"in stock" filters, the visibility rule), and groups them by GROUPING SETS ((category_id), (stars)). Each facet counts under
every filter but its own (FILTER clauses): the category counts honour the price and rating
filters, the price bands the category and rating, the ratings the category and price. So every
count is what its link shows, and picking one value of a facet still shows the others. Bands
are inclusive at both ends, as the price filter is: a price on an edge counts in both bands.
Cached per process and 'catalog' cache version, like the listings (storefront_cache.py).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision
from flask import current_app
from sqlalchemy import Integer, and_, bindparam, cast, func, select, true

from marketplace.models import Product, Shop
from marketplace.services.catalog import search, storefront_cache
from marketplace.services.catalog.listing_queries import in_stock_condition
from marketplace.services.catalog.visibility import visible_condition
from marketplace.services.core import rollups
from marketplace.services.core.input_rules import MONEY_MAX
from marketplace.services.core.rows import execute_rows

# Where the price bands meet, in the currency's major unit (đồng; dollars and the like).
BAND_EDGES = {0: (100_000, 200_000, 500_000, 1_000_000), 2: (10, 25, 50, 100)}
RATING_FLOORS = (4, 3, 2, 1)
CATEGORY_LIMIT = 8  # the most populated categories; the rest are a category page away
# At most this many of a search's products are counted (as many as relevance ranks: listing_queries.py):
# a broad word ("ao": 4,677 of 100,000 products) read every match, 30-90 ms, ten times that at
# 1,000,000. Past it every count is "at least" (shown "N+").
COUNTED = 500
_CACHE = "facet_cache"
CACHE_SIZE = 1024
storefront_cache.OTHER_CACHES.append(_CACHE)


@dataclass(frozen=True)
class FacetQuery:
    """The search a facet count is for: the same fields as its ListingQuery (listing_queries.py)."""

    text: str
    category_ids: tuple[uuid.UUID, ...] | None = None
    shop_id: uuid.UUID | None = None
    min_price: int | None = None
    max_price: int | None = None
    min_rating: Decimal | None = None
    in_stock: bool = False


@dataclass(frozen=True)
class PriceBand:
    low: int | None  # minor units, both ends included; None: open
    high: int | None
    count: int


@dataclass(frozen=True)
class Facets:
    total: int  # products matching the search and every filter
    capped: bool  # the search has more than COUNTED products: every count is a lower bound
    categories: tuple[tuple[uuid.UUID, int], ...]  # the busiest first
    bands: tuple[PriceBand, ...]
    ratings: tuple[tuple[int, int], ...]  # (at least this many stars, products)


def band_edges(currency: str) -> tuple[int, ...]:
    """The band edges in minor units for `currency` (its ISO exponent decides the table and the scale)."""
    digits = get_currency_precision(currency)
    return tuple(edge * 10**digits for edge in BAND_EDGES.get(digits, BAND_EDGES[2]))


def _bands(edges: tuple[int, ...]) -> list[tuple[int | None, int | None]]:
    bounds = [None, *edges, None]
    return list(zip(bounds, bounds[1:]))


@lru_cache(maxsize=64)
def _statement(categories: bool, shop: bool, min_price: bool, max_price: bool, min_rating: bool, in_stock: bool,
               bands: int):
    """The SELECT for one shape of facet query, values bound (built once per shape, as the listings')."""
    conditions = [visible_condition(), search.matches(search.ts_query("q"))]
    if shop:
        conditions.append(Product.shop_id == bindparam("shop_id"))
    if in_stock:
        conditions.append(in_stock_condition())
    hits = (select(Product.category_id, Product.min_price, Product.average_rating)
            .join(Shop, Shop.id == Product.shop_id).where(and_(*conditions)).limit(COUNTED + 1).subquery("hits"))
    in_category = hits.c.category_id.in_(bindparam("category_ids", expanding=True)) if categories else true()
    priced = and_(*([hits.c.min_price >= bindparam("min_price")] if min_price else []),
                  *([hits.c.min_price <= bindparam("max_price")] if max_price else []), true())
    rated = hits.c.average_rating >= bindparam("min_rating") if min_rating else true()
    stars = cast(func.floor(hits.c.average_rating), Integer).label("stars")
    band_counts = [func.count().filter(and_(in_category, rated, hits.c.min_price.between(
        bindparam(f"band_low_{n}"), bindparam(f"band_high_{n}")))).label(f"band_{n}") for n in range(bands)]
    return (select(func.grouping(hits.c.category_id).label("per_stars"), hits.c.category_id, stars,
                   func.count().label("seen"),
                   func.count().filter(and_(priced, rated)).label("for_category"),
                   func.count().filter(and_(in_category, priced)).label("for_rating"),
                   func.count().filter(and_(in_category, priced, rated)).label("matching"), *band_counts)
            .group_by(func.grouping_sets(hits.c.category_id, stars)))


def count_facets(q: FacetQuery, currency: str) -> Facets:
    """The facet counts of a search (one SQL statement)."""
    bands = _bands(band_edges(currency))
    params = {"q": search.normalize_query(q.text), "category_ids": list(q.category_ids or ()) or None,
              "shop_id": q.shop_id, "min_price": q.min_price, "max_price": q.max_price, "min_rating": q.min_rating}
    for n, (low, high) in enumerate(bands):
        params[f"band_low_{n}"], params[f"band_high_{n}"] = low or 0, MONEY_MAX if high is None else high
    statement = _statement(q.category_ids is not None, q.shop_id is not None, q.min_price is not None,
                           q.max_price is not None, q.min_rating is not None, bool(q.in_stock), len(bands))
    categories, per_stars, band_counts, total, seen = [], {}, [0] * len(bands), 0, 0
    for row in execute_rows(statement, {k: v for k, v in params.items() if v is not None}):
        if not row.per_stars:
            if row.for_category:
                categories.append((row.category_id, row.for_category))
            continue
        per_stars[row.stars] = row.for_rating
        total, seen = total + row.matching, seen + row.seen
        for n in range(len(bands)):
            band_counts[n] += row[7 + n]
    categories.sort(key=lambda pair: (-pair[1], str(pair[0])))
    return Facets(
        total=min(total, COUNTED), capped=seen > COUNTED, categories=tuple(categories[:CATEGORY_LIMIT]),
        bands=tuple(PriceBand(low, high, count) for (low, high), count in zip(bands, band_counts)),
        ratings=tuple((floor, sum(n for stars, n in per_stars.items() if stars >= floor)) for floor in RATING_FLOORS))


def cached_facets(q: FacetQuery, currency: str) -> Facets:
    """count_facets() through a per-process cache emptied whenever the 'catalog' version changes."""
    version = rollups.cache_versions().get("catalog")
    if version is None:
        return count_facets(q, currency)
    cache = current_app.extensions.get(_CACHE)
    if cache is None or cache[0] != version:
        cache = current_app.extensions[_CACHE] = (version, storefront_cache.Lru(CACHE_SIZE))
    key = (q, currency)
    facets = cache[1].get(key)
    if facets is None:
        facets = count_facets(q, currency)
        cache[1].put(key, facets)
    return facets
