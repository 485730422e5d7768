"""Storefront listings: the product cards of the home, category, search and shop pages (filters, sorts,
keyset pages, search). One product's page is product_queries.py.

Only visible products (services/catalog/visibility.py: ACTIVE products of ACTIVE shops) ever
leave this module. A listing page is ONE SQL statement whatever its length: the card
columns, the shop name and the first image's thumbnail (products.thumb_key, kept by the
database: migration perf07) come back together.

Pagination is keyset on (sort key, id) in the same direction, with the id as the tie
breaker, so no row is repeated or skipped across equal keys and deep pages cost what
the first one does. The cursor is opaque (services/core/paging.py) and names its sort.
"""
from __future__ import annotations

import enum
import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, bindparam, exists, func, select, tuple_, union_all

from marketplace.models import Product, ProductStatus, ProductVariant, Shop
from marketplace.services.catalog import search
from marketplace.services.catalog.visibility import shop_visible_condition, visible_condition
from marketplace.services.core import rollups
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.core.paging import InvalidCursor, Page, decode_cursor, encode_cursor
from marketplace.services.core.rows import execute_rows

DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 48
# One statement may read up to this many cards: a listing reopened after several "Load more"s
# (marketplace/catalog/listing.py) shows its pages again at once.
MAX_ROWS = 240


class Sort(str, enum.Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    TOP_RATED = "top_rated"
    BEST_SELLING = "best_selling"


SORT_LABELS = {
    Sort.RELEVANCE: _l("Best match"), Sort.NEWEST: _l("Newest"), Sort.PRICE_ASC: _l("Price: low to high"),
    Sort.PRICE_DESC: _l("Price: high to low"), Sort.TOP_RATED: _l("Top rated"), Sort.BEST_SELLING: _l("Best selling"),
}
# A search sorted by relevance ranks at most this many of its matches: the best sellers among them.
# Ranking every match of a common word read every matching row: "ao" in a million products (47,440
# matches) cost 160-205 ms of database time. An unfiltered search takes its candidates from the
# best sellers' titles (below: 6-31 ms for the same word); a filtered one from the partial index
# on (sold_count, id). The first page still shows only title matches (the top tier of the rank);
# what changes is which of the 47,440 it shows: best sellers, ordered by rank, not the 24 with the
# highest cover density (bench/search_relevance.py, bench/README.md "Ten times the catalogue").
# A search with 500 matches or fewer (after its filters) ranks all of them.
RELEVANCE_CANDIDATES = 500
# An unfiltered relevance search first walks the TITLE_WALK best sellers' titles in one index
# (ix_products_active_sold_title, migration perf05: no table row read) for its candidates, ranked
# by their titles alone (all of them match there); a word too rare to give TITLE_MATCHES_ENOUGH of
# them (two pages) there takes every match instead, ranked by its whole text.
TITLE_WALK = 50_000
TITLE_MATCHES_ENOUGH = 48
# sort -> (column, ascending?, parse a cursor value back to the column's type)
_KEYS = {
    Sort.NEWEST: (Product.created_at, False, datetime.fromisoformat),
    Sort.PRICE_ASC: (Product.min_price, True, int),
    Sort.PRICE_DESC: (Product.min_price, False, int),
    Sort.TOP_RATED: (Product.average_rating, False, Decimal),
    Sort.BEST_SELLING: (Product.sold_count, False, int),
}


@dataclass
class ListingQuery:
    """What a listing asks for; every field is optional. `text` turns it into a search."""

    category_ids: list[uuid.UUID] | None = None
    shop_id: uuid.UUID | None = None
    min_price: int | None = None
    max_price: int | None = None
    min_rating: Decimal | None = None
    in_stock: bool = False
    text: str | None = None
    # Fewer than TITLE_MATCHES_ENOUGH titles can match the words (the catalogue's words say so:
    # services/catalog/spelling.py): a relevance search skips the title walk it would give up on.
    few_title_matches: bool = False
    sort: Sort | None = None  # default: relevance when searching, newest otherwise
    cursor: str | None = None
    limit: int = DEFAULT_PAGE_SIZE

    @property
    def effective_sort(self) -> Sort:
        if self.sort is None or (self.sort == Sort.RELEVANCE and not self.text):
            return Sort.RELEVANCE if self.text else Sort.NEWEST
        return self.sort


class ProductCard(NamedTuple):
    """A listing card: one row of the listing statement, in its column order (an immutable value caches keep)."""

    id: uuid.UUID
    title: str
    min_price: int
    average_rating: Decimal
    review_count: int
    sold_count: int
    created_at: datetime
    shop_id: uuid.UUID
    shop_name: str
    shop_slug: str
    thumb_key: str | None
    rank: float | None = None


def card_columns() -> list:
    """The columns of a ProductCard (without its rank), for a statement that joins Product and Shop."""
    return [Product.id, Product.title, Product.min_price, Product.average_rating, Product.review_count,
            Product.sold_count, Product.created_at, Product.shop_id, Shop.name.label("shop_name"),
            Shop.slug.label("shop_slug"), Product.thumb_key]


def in_stock_condition():
    return exists().where(
        ProductVariant.product_id == Product.id, ProductVariant.deleted_at.is_(None), ProductVariant.stock > 0
    )


def _shape(q: ListingQuery) -> tuple:
    """What decides the statement's SQL text: which filters are set, the sort, a cursor or not, and whether
    a relevance search walks the best sellers' titles (then its floor is bound too: _prepared)."""
    return (q.effective_sort, q.category_ids is not None, q.shop_id is not None, q.min_price is not None,
            q.max_price is not None, q.min_rating is not None, bool(q.in_stock), bool(q.text), bool(q.cursor),
            _walks_titles(q))


def _params(q: ListingQuery, after: tuple | None, limit: int) -> dict:
    params = {"category_ids": q.category_ids, "shop_id": q.shop_id, "min_price": q.min_price,
              "max_price": q.max_price, "min_rating": q.min_rating, "limit": limit + 1}
    if q.text:
        params["q"] = search.normalize_query(q.text)
    if after is not None:
        params["after_key"], params["after_id"] = after
    return {k: v for k, v in params.items() if v is not None}


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed(_("That page link is no longer valid. Start again from the first page."),
                            field="cursor", code="invalid_cursor")


def _decode(cursor: str | None, sort: Sort) -> tuple | None:
    """(key, id) from an opaque cursor made for this sort; anything else is a clear 422."""
    try:
        values = decode_cursor(cursor)
    except InvalidCursor as exc:
        raise _bad_cursor() from exc
    if values is None:
        return None
    if len(values) != 3 or values[0] != sort.value:
        raise _bad_cursor()
    try:
        parse = float if sort == Sort.RELEVANCE else _KEYS[sort][2]
        key = parse(values[1])
        if isinstance(key, datetime) and key.tzinfo is None:
            raise ValueError("naive datetime")
        if isinstance(key, (float, Decimal)) and not math.isfinite(key):
            raise ValueError("not finite")
        return key, uuid.UUID(str(values[2]))
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise _bad_cursor() from exc


def _encode(sort: Sort, card: ProductCard) -> str:
    if sort == Sort.RELEVANCE:
        key = card.rank
    else:
        key = getattr(card, _KEYS[sort][0].key)
        key = key.isoformat() if isinstance(key, datetime) else str(key) if isinstance(key, Decimal) else key
    return encode_cursor([sort.value, key, str(card.id)])


@lru_cache(maxsize=512)
def _statement(sort: Sort, categories: bool, shop: bool, min_price: bool, max_price: bool, min_rating: bool,
               in_stock: bool, text: bool, cursor: bool, title_walk: bool):
    """The SELECT for one shape of listing, with every value a bound parameter.

    Built once per shape and reused: building a statement and computing its cache key
    cost more Python than PostgreSQL spends running it (SQLAlchemy then reuses the
    compiled SQL too).
    """
    conditions = [visible_condition()]
    if categories:
        conditions.append(Product.category_id.in_(bindparam("category_ids", expanding=True)))
    if shop:
        conditions.append(Product.shop_id == bindparam("shop_id"))
    if min_price:
        conditions.append(Product.min_price >= bindparam("min_price"))
    if max_price:
        conditions.append(Product.min_price <= bindparam("max_price"))
    if min_rating:
        conditions.append(Product.average_rating >= bindparam("min_rating"))
    if in_stock:
        conditions.append(in_stock_condition())
    if text:
        tsquery = search.ts_query("q")
        conditions.append(search.matches(tsquery))
    if sort == Sort.RELEVANCE:
        return _relevance_statement(conditions, tsquery, cursor, title_walk=title_walk)
    key, ascending = _KEYS[sort][0], _KEYS[sort][1]
    if cursor:
        row, bound = tuple_(key, Product.id), tuple_(bindparam("after_key", type_=key.type),
                                                     bindparam("after_id", type_=Product.id.type))
        conditions.append(row > bound if ascending else row < bound)
    order = [key.asc(), Product.id.asc()] if ascending else [key.desc(), Product.id.desc()]
    return (select(*card_columns()).join(Shop, Shop.id == Product.shop_id)
            .where(and_(*conditions)).order_by(*order).limit(bindparam("limit", type_=Integer)))


def _relevance_statement(conditions: list, tsquery, cursor: bool, title_walk: bool):
    """A relevance page: the candidates with their rank, the page's rows of them by rank, then those
    rows' cards (a product row read for each card shown, not for each candidate).

    The candidates are the best sellers among the matches, not every match (RELEVANCE_CANDIDATES);
    the filters and the visibility rule choose them. An unfiltered search first tries the best
    sellers' titles (_title_walk_or), whose rank the index alone gives.
    """
    matches = (select(Product.id).join(Shop, Shop.id == Product.shop_id).where(and_(*conditions))
               .order_by(Product.sold_count.desc(), Product.id.desc()).limit(RELEVANCE_CANDIDATES)
               .subquery("matches"))
    ranked = select(Product.id, search.rank(tsquery).label("rank")).where(Product.id.in_(select(matches.c.id)))
    candidates = (_title_walk_or(ranked, tsquery) if title_walk else ranked).subquery("candidates")
    top = select(candidates.c.id, candidates.c.rank)
    if cursor:
        top = top.where(tuple_(candidates.c.rank, candidates.c.id) < tuple_(
            bindparam("after_key", type_=candidates.c.rank.type), bindparam("after_id", type_=Product.id.type)))
    top = (top.order_by(candidates.c.rank.desc(), candidates.c.id.desc())
           .limit(bindparam("limit", type_=Integer)).subquery("page"))
    return (select(*card_columns(), top.c.rank).select_from(top)
            .join(Product, Product.id == top.c.id).join(Shop, Shop.id == Product.shop_id)
            .order_by(top.c.rank.desc(), top.c.id.desc()))


@lru_cache(maxsize=1)
def _by_ids_statement():
    return (select(*card_columns()).join(Shop, Shop.id == Product.shop_id)
            .where(visible_condition(), Product.id.in_(bindparam("ids", expanding=True))))


def cards_by_ids(ids: list[uuid.UUID]) -> list[ProductCard]:
    """The cards of these products that are still visible, in the order given (one statement)."""
    if not ids:
        return []
    by_id = {row[0]: ProductCard(*row) for row in execute_rows(_by_ids_statement(), {"ids": list(ids)})}
    return [by_id[i] for i in ids if i in by_id]


def _title_walk_or(ranked, tsquery):
    """The (id, rank) candidates of an unfiltered relevance search: the best-selling title matches
    among the TITLE_WALK best sellers, read and ranked from one index without touching the table
    (migration perf05), when there are at least TITLE_MATCHES_ENOUGH of them; else `ranked`, the
    best-selling matches of every kind. Which one is decided once per statement (PostgreSQL runs
    the branch whose condition holds and skips the other).

    The walk is one index-only scan that tests each entry where it stands: it stops at the floor
    (title_walk_floor(), an index condition) and skips the products of hidden shops by one hashed
    list of those shops. A LIMIT over a subquery of the best sellers joined to each entry's shop had
    cost two to three times as much (bench/README.md, session 14)."""
    floor = tuple_(Product.sold_count, Product.id) >= tuple_(bindparam("walk_sold", type_=Integer),
                                                             bindparam("walk_id", type_=Product.id.type))
    hidden_shops = select(Shop.id).where(~shop_visible_condition())
    titled = (select(Product.id, search.title_rank(Product.title_vector, tsquery).label("rank"))
              .where(Product.status == ProductStatus.ACTIVE, floor, Product.title_vector.op("@@")(tsquery),
                     Product.shop_id.not_in(hidden_shops))
              .order_by(Product.sold_count.desc(), Product.id.desc())
              .limit(RELEVANCE_CANDIDATES).cte("title_matches"))
    enough = select(func.count()).select_from(titled).scalar_subquery() >= TITLE_MATCHES_ENOUGH
    return union_all(select(titled.c.id, titled.c.rank).where(enough), ranked.where(~enough))


def _walks_titles(q: ListingQuery) -> bool:
    """Whether a listing takes its candidates from the title walk: a relevance search with no filter
    (nor words too rare for it)."""
    return (q.effective_sort == Sort.RELEVANCE and not q.few_title_matches and q.category_ids is None
            and q.shop_id is None and q.min_price is None and q.max_price is None and q.min_rating is None
            and not q.in_stock)


WALK_FLOOR_CACHE = "title_walk_floor"  # in app.extensions: ((catalog version, TITLE_WALK), floor)


@lru_cache(maxsize=1)
def _floor_statement():
    return (select(Product.sold_count, Product.id).where(Product.status == ProductStatus.ACTIVE)
            .order_by(Product.sold_count.desc(), Product.id.desc())
            .offset(bindparam("offset", type_=Integer)).limit(1))


def title_walk_floor() -> tuple[int, uuid.UUID]:
    """Where the title walk stops: the (sold_count, id) of the TITLE_WALK-th best-selling active product
    (below every product when there are fewer), read once per process for each 'catalog' version (8 ms at
    a million products). Sales move it; a floor a version old walks a few entries more or fewer, never
    shows a product it should not (the walk only bounds which best sellers are candidates)."""
    key = (rollups.cache_versions().get("catalog"), TITLE_WALK)
    cached = current_app.extensions.get(WALK_FLOOR_CACHE)
    if cached is not None and key[0] is not None and cached[0] == key:
        return cached[1]
    rows = execute_rows(_floor_statement(), {"offset": TITLE_WALK - 1})
    floor = tuple(rows[0]) if rows else (-1, uuid.UUID(int=0))
    current_app.extensions[WALK_FLOOR_CACHE] = (key, floor)
    return floor


def _prepared(q: ListingQuery) -> tuple:
    sort = q.effective_sort
    limit = max(1, min(q.limit or DEFAULT_PAGE_SIZE, MAX_ROWS))
    after = _decode(q.cursor, sort)
    params = _params(q, after, limit)
    if _walks_titles(q):
        params["walk_sold"], params["walk_id"] = title_walk_floor()
    return _statement(*_shape(q)), params, sort, limit


def listing_statement(q: ListingQuery):
    """The SELECT of one listing page (limit + 1 rows, to know whether there is a next page), values bound."""
    statement, params, _, _ = _prepared(q)
    return statement.params(**params)


def list_products(q: ListingQuery) -> Page[ProductCard]:
    """One page of visible product cards, in one SQL statement."""
    statement, params, sort, limit = _prepared(q)
    rows = execute_rows(statement, params)
    cards = [ProductCard(*row) for row in rows[:limit]]
    next_cursor = _encode(sort, cards[-1]) if len(rows) > limit else None
    return Page(items=cards, next_cursor=next_cursor)
