"""Per-process caches of storefront reads, checked against the 'catalog' cache version.

The version (cache_versions, migration perf01) gets a new value at the commit of any
change to products, their images, shops, or a variant's availability (in stock or not),
so a cached listing never outlives the data it shows, in any process. The check is one
primary-key read per request, shared with the category tree and the shop filter
(services/core/rollups.py). Each process keeps its own copies: nothing depends on them, a
cold process simply reads the database.
"""
from __future__ import annotations

import threading
import uuid
from collections import OrderedDict

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from marketplace.models import Product, ProductVariant
from marketplace.services.catalog import search
from marketplace.services.catalog.listing_queries import (
    WALK_FLOOR_CACHE, ListingQuery, ProductCard, Sort, list_products,
)
from marketplace.services.core import rollups
from marketplace.services.core.paging import Page
from marketplace.services.core.rows import execute_rows

_LISTINGS = "listing_cache"
LISTING_CACHE_SIZE = 2048


class Lru:
    """A small thread-safe LRU (gunicorn threads share a process's caches)."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            if len(self.items) > self.size:
                self.items.popitem(last=False)


def cached_listing(q: ListingQuery) -> Page[ProductCard]:
    """list_products() through a per-process cache of pages, emptied whenever the 'catalog' version changes."""
    version = rollups.cache_versions().get("catalog")
    if version is None:
        return list_products(q)
    cache = current_app.extensions.get(_LISTINGS)
    if cache is None or cache[0] != version:
        cache = current_app.extensions[_LISTINGS] = (version, Lru(LISTING_CACHE_SIZE))
    key = (tuple(q.category_ids) if q.category_ids is not None else None, q.shop_id, q.min_price, q.max_price,
           q.min_rating, bool(q.in_stock), search.normalize_query(q.text) if q.text else q.text, q.effective_sort,
           q.cursor, q.limit)
    page = cache[1].get(key)
    if page is None:
        page = list_products(q)
        cache[1].put(key, page)
    return page


_HOME = "home_shelves_cache"
SHELF_SIZE = 10  # cards on a home shelf: two rows on a phone, one on a wide screen


def home_shelves(size: int) -> tuple[list[ProductCard], list[ProductCard]]:
    """The home page's best sellers and new arrivals (`size` cards each), cached per catalog version."""
    version = rollups.cache_versions().get("catalog")
    cached = current_app.extensions.get(_HOME)
    if cached is not None and version is not None and cached[0] == (version, size):
        return cached[1]
    shelves = (list_products(ListingQuery(sort=Sort.BEST_SELLING, limit=size)).items,
               list_products(ListingQuery(sort=Sort.NEWEST, limit=size)).items)
    current_app.extensions[_HOME] = ((version, size), shelves)
    return shelves


_LIVE = (select(Product.page_version,
                select(func.array_agg(aggregate_order_by(ProductVariant.stock, ProductVariant.id)))
                .where(ProductVariant.product_id == Product.id).scalar_subquery(),
                rollups.versions_column())
         .where(Product.id == bindparam("product_id")))


def live_state(product_id: uuid.UUID) -> tuple[int, tuple[int, ...]] | None:
    """What a product's cached page is keyed on besides the global versions, read now in one
    primary-key statement: its page version (migration perf04: moved by any change of the
    product, its variants, images or reviews) and its stock per variant. None: no such product.

    The same statement reads the cache versions (rollups.versions_column), so a product page,
    cached or not, costs one round trip to the database, and its key is one snapshot."""
    rollups.include_pending()
    rows = execute_rows(_LIVE, {"product_id": product_id})
    if not rows:
        return None
    page_version, stock, versions = rows[0]
    rollups.remember_versions(versions)
    return page_version, tuple(stock or ())


# Other storefront caches kept in app.extensions, by their keys, for clear() (modules add theirs; the
# title walk's floor is listing_queries', which can't import this module).
OTHER_CACHES: list[str] = [WALK_FLOOR_CACHE]


def clear() -> None:
    """Drop this process's cached listings, home shelves and OTHER_CACHES (tests; the versions do it otherwise)."""
    for key in (_LISTINGS, _HOME, *OTHER_CACHES):
        current_app.extensions.pop(key, None)
