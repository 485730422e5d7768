"""Storefront reads: product listings (filters, sorts, keyset pages, search) and the product page.

Only visible products (services/visibility.py: ACTIVE products of ACTIVE shops) ever
leave this module. A listing page is ONE SQL statement whatever its length: the card
columns, the shop name and the first image's thumbnail (a correlated subquery that
PostgreSQL evaluates only for the rows that survive the LIMIT) come back together.

Pagination is keyset on (sort key, id) in the same direction, with the id as the tie
breaker, so no row is repeated or skipped across equal keys and deep pages cost what
the first one does. The cursor is opaque (services/paging) and names its sort.
"""
from __future__ import annotations

import enum
import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Integer, and_, bindparam, exists, select, tuple_

from marketplace.extensions import db
from marketplace.models import Product, ProductImage, ProductStatus, ProductVariant, Shop, ShopStatus
from marketplace.services import rollups, search
from marketplace.services.categories import CategoryNode, CategoryTree, get_tree
from marketplace.services.errors import NotFound, ValidationFailed
from marketplace.services.visibility import not_public_reason, visible_condition
from marketplace.services.paging import InvalidCursor, Page, decode_cursor, encode_cursor
from marketplace.services.rows import execute_rows, json_list

DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 48


class Sort(str, enum.Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    TOP_RATED = "top_rated"
    BEST_SELLING = "best_selling"


SORT_LABELS = {
    Sort.RELEVANCE: "Best match", Sort.NEWEST: "Newest", Sort.PRICE_ASC: "Price: low to high",
    Sort.PRICE_DESC: "Price: high to low", Sort.TOP_RATED: "Top rated", Sort.BEST_SELLING: "Best selling",
}
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


def _first_thumb():
    return (
        select(ProductImage.thumb_key)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
        .correlate(Product)
        .scalar_subquery()
    )


def in_stock_condition():
    return exists().where(
        ProductVariant.product_id == Product.id, ProductVariant.deleted_at.is_(None), ProductVariant.stock > 0
    )


def _shape(q: ListingQuery) -> tuple:
    """What decides the statement's SQL text: which filters are set, the sort, a cursor or not."""
    return (q.effective_sort, q.category_ids is not None, q.shop_id is not None, q.min_price is not None,
            q.max_price is not None, q.min_rating is not None, bool(q.in_stock), bool(q.text), bool(q.cursor))


def _params(q: ListingQuery, after: tuple | None, limit: int) -> dict:
    params = {"category_ids": q.category_ids, "shop_id": q.shop_id, "min_price": q.min_price,
              "max_price": q.max_price, "min_rating": q.min_rating, "limit": limit + 1}
    if q.text:
        params["q"] = search.normalize_query(q.text)
    if after is not None:
        params["after_key"], params["after_id"] = after
    return {k: v for k, v in params.items() if v is not None}


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed("That page link is no longer valid. Start again from the first page.",
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
               in_stock: bool, text: bool, cursor: bool):
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
    columns = [Product.id, Product.title, Product.min_price, Product.average_rating, Product.review_count,
               Product.sold_count, Product.created_at, Product.shop_id, Shop.name.label("shop_name"),
               Shop.slug.label("shop_slug"), _first_thumb().label("thumb_key")]
    if text:
        tsquery = search.ts_query("q")
        conditions.append(search.matches(tsquery))
    if sort == Sort.RELEVANCE:
        key, ascending = search.rank(tsquery), False
        columns.append(key.label("rank"))
    else:
        key, ascending = _KEYS[sort][0], _KEYS[sort][1]
    if cursor:
        row, bound = tuple_(key, Product.id), tuple_(bindparam("after_key", type_=key.type),
                                                     bindparam("after_id", type_=Product.id.type))
        conditions.append(row > bound if ascending else row < bound)
    order = [key.asc(), Product.id.asc()] if ascending else [key.desc(), Product.id.desc()]
    return (select(*columns).join(Shop, Shop.id == Product.shop_id)
            .where(and_(*conditions)).order_by(*order).limit(bindparam("limit", type_=Integer)))


def _prepared(q: ListingQuery) -> tuple:
    sort = q.effective_sort
    limit = max(1, min(q.limit or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))
    after = _decode(q.cursor, sort)
    return _statement(*_shape(q)), _params(q, after, limit), sort, limit


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


# ---- the product page ------------------------------------------------------------------------
# Plain read-only values, not ORM entities: the page only shows them, and loading entities
# (identity map, joined eager loads, de-duplication) cost three times the Python.

class ShopRef(NamedTuple):
    id: uuid.UUID
    name: str
    slug: str
    owner_id: uuid.UUID | None = None  # the owner sees "your shop's product", not an add-to-cart form


class VariantInfo(NamedTuple):
    id: uuid.UUID
    sku: str
    name: str
    options: dict
    price: int
    stock: int
    image_id: uuid.UUID | None
    position: int


class ImageInfo(NamedTuple):
    id: uuid.UUID
    storage_key: str
    thumb_key: str
    width: int | None
    height: int | None
    position: int


class ProductInfo(NamedTuple):
    id: uuid.UUID
    title: str
    description: str
    min_price: int
    average_rating: Decimal
    review_count: int
    sold_count: int
    created_at: datetime
    category_id: uuid.UUID
    variants: list[VariantInfo]  # the live ones


@dataclass
class ProductDetail:
    product: ProductInfo
    shop: ShopRef
    variants: list[VariantInfo]
    images: list[ImageInfo]
    breadcrumbs: list[CategoryNode] = field(default_factory=list)

    def pick_variant(self, variant_id: uuid.UUID | None = None) -> VariantInfo | None:
        """The asked-for variant, else the first in stock, else the first; None when there is none."""
        if variant_id is not None:
            for variant in self.variants:
                if variant.id == variant_id:
                    return variant
        return next((v for v in self.variants if v.stock > 0), self.variants[0] if self.variants else None)

    def image_for(self, variant: VariantInfo | None) -> ImageInfo | None:
        if variant is not None and variant.image_id is not None:
            for image in self.images:
                if image.id == variant.image_id:
                    return image
        return self.images[0] if self.images else None


def _detail_select():
    """ONE statement: the product and its shop, with its live variants and its images as JSON lists
    (a product has a handful of each); which product it may be is the caller's WHERE."""
    variants = json_list(
        and_(ProductVariant.product_id == Product.id, ProductVariant.deleted_at.is_(None)),
        (ProductVariant.position, ProductVariant.id),
        id=ProductVariant.id, sku=ProductVariant.sku, name=ProductVariant.name, options=ProductVariant.options,
        price=ProductVariant.price, stock=ProductVariant.stock, image_id=ProductVariant.image_id,
        position=ProductVariant.position,
    )
    images = json_list(
        ProductImage.product_id == Product.id, (ProductImage.position, ProductImage.id),
        id=ProductImage.id, storage_key=ProductImage.storage_key, thumb_key=ProductImage.thumb_key,
        width=ProductImage.width, height=ProductImage.height, position=ProductImage.position,
    )
    return (
        select(Product.id, Product.title, Product.description, Product.min_price, Product.average_rating,  # ProductInfo's
               Product.review_count, Product.sold_count, Product.created_at, Product.category_id,  # fields, in order
               Shop.id.label("shop_id"), Shop.name.label("shop_name"), Shop.slug.label("shop_slug"),
               Shop.owner_id.label("shop_owner_id"),
               variants.label("variants"), images.label("images"))
        .join(Shop, Shop.id == Product.shop_id)
    )


@lru_cache(maxsize=1)
def _detail_statement():
    """A visible product's page. Built once: building and keying it cost more than running it."""
    return _detail_select().where(Product.id == bindparam("product_id"), visible_condition())


@lru_cache(maxsize=1)
def _preview_statement():
    """The page of one of a shop's products whatever its status (deleted ones excepted, like every
    seller-center read), with the two statuses that say whether shoppers can see it."""
    return (_detail_select()
            .add_columns(Product.status.label("product_status"), Shop.status.label("shop_status"))
            .where(Product.id == bindparam("product_id"), Product.shop_id == bindparam("shop_id"),
                   Product.status != ProductStatus.DELETED))


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def get_product_detail(product_id: uuid.UUID, tree: CategoryTree | None = None) -> ProductDetail:
    """A visible product with its shop, live variants, images and breadcrumbs (1 statement + the tree).

    Hidden, draft or deleted products and products of shops that are not ACTIVE are NotFound.
    """
    rows = execute_rows(_detail_statement(), {"product_id": product_id})
    if not rows:
        raise NotFound("That product is not available.", code="product_not_found")
    return _detail(rows[0], tree)


def _detail(row, tree: CategoryTree | None) -> ProductDetail:
    variants = [VariantInfo(**{**v, "id": uuid.UUID(v["id"]), "image_id": _uuid(v["image_id"])})
                for v in row.variants]
    images = [ImageInfo(**{**i, "id": uuid.UUID(i["id"])}) for i in row.images]
    tree = tree or get_tree()
    return ProductDetail(
        product=ProductInfo(*row[:9], variants=variants),
        shop=ShopRef(row.shop_id, row.shop_name, row.shop_slug, row.shop_owner_id),
        variants=variants,
        images=images,
        breadcrumbs=tree.ancestors(row.category_id),
    )


@dataclass
class ProductPreview:
    """A seller's look at their own product page: the page's data, and why shoppers can't see it
    (services/visibility.not_public_reason; None when they can)."""

    detail: ProductDetail
    not_public: str | None


def get_product_preview(shop: Shop, product_id: uuid.UUID, tree: CategoryTree | None = None) -> ProductPreview:
    """`shop`'s product as its public page would show it, even while shoppers can't see it (a draft,
    a hidden product, a shop not yet approved): 1 statement + the tree. Another shop's product and
    deleted ones are NotFound."""
    rows = execute_rows(_preview_statement(), {"product_id": product_id, "shop_id": shop.id})
    if not rows:
        raise NotFound("No such product.", code="product_not_found")
    row = rows[0]
    return ProductPreview(_detail(row, tree), not_public_reason(row.product_status, row.shop_status))


def get_visible_shop(slug: str) -> Shop:
    """An ACTIVE shop by its slug; pending, rejected and suspended shops are NotFound."""
    shop = None
    if "\x00" not in slug:  # PostgreSQL refuses NUL in text: such a slug simply matches nothing
        shop = db.session.scalar(select(Shop).where(Shop.slug == slug, Shop.status == ShopStatus.ACTIVE))
    if shop is None:
        raise NotFound("That shop is not open.", code="shop_not_found")
    return shop


_SHOP_CHOICES = "shop_choices_cache"


def list_shop_choices(limit: int = 100) -> tuple[tuple[uuid.UUID, str], ...]:
    """ACTIVE shops by name, for the listing's shop filter.

    Cached per process while the shops' version (cache_versions, bumped by a trigger on
    every change of `shops`) is unchanged, like the category tree.
    """
    version = rollups.cache_versions().get("shops")
    cached = current_app.extensions.get(_SHOP_CHOICES)
    if cached is not None and version is not None and cached[0] == (version, limit):
        return cached[1]
    choices = tuple(tuple(row) for row in db.session.execute(
        select(Shop.id, Shop.name).where(Shop.status == ShopStatus.ACTIVE).order_by(Shop.name, Shop.id).limit(limit)
    ))
    current_app.extensions[_SHOP_CHOICES] = ((version, limit), choices)
    return choices
