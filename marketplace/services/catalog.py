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

from sqlalchemy import and_, exists, select, tuple_
from sqlalchemy.orm import contains_eager, selectinload

from marketplace.extensions import db
from marketplace.models import Product, ProductImage, ProductVariant, Shop, ShopStatus
from marketplace.services import search
from marketplace.services.categories import CategoryNode, CategoryTree, get_tree
from marketplace.services.errors import NotFound, ValidationFailed
from marketplace.services.visibility import visible_condition
from marketplace.services.paging import InvalidCursor, Page, decode_cursor, encode_cursor

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


@dataclass(frozen=True)
class ProductCard:
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


def _filters(q: ListingQuery) -> list:
    conditions = [visible_condition()]
    if q.category_ids is not None:
        conditions.append(Product.category_id.in_(q.category_ids))
    if q.shop_id is not None:
        conditions.append(Product.shop_id == q.shop_id)
    if q.min_price is not None:
        conditions.append(Product.min_price >= q.min_price)
    if q.max_price is not None:
        conditions.append(Product.min_price <= q.max_price)
    if q.min_rating is not None:
        conditions.append(Product.average_rating >= q.min_rating)
    if q.in_stock:
        conditions.append(in_stock_condition())
    return conditions


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


def listing_statement(q: ListingQuery):
    """The SELECT of one listing page (limit + 1 rows, to know whether there is a next page)."""
    sort = q.effective_sort
    limit = max(1, min(q.limit or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))
    after = _decode(q.cursor, sort)
    conditions = _filters(q)
    columns = [Product.id, Product.title, Product.min_price, Product.average_rating, Product.review_count,
               Product.sold_count, Product.created_at, Product.shop_id, Shop.name.label("shop_name"),
               Shop.slug.label("shop_slug"), _first_thumb().label("thumb_key")]
    if q.text:
        tsquery = search.ts_query(q.text)
        conditions.append(search.matches(tsquery))
    if sort == Sort.RELEVANCE:
        key, ascending = search.rank(tsquery), False
        columns.append(key.label("rank"))
    else:
        key, ascending = _KEYS[sort][0], _KEYS[sort][1]
    if after is not None:
        row, bound = tuple_(key, Product.id), tuple_(*after)
        conditions.append(row > bound if ascending else row < bound)
    order = [key.asc(), Product.id.asc()] if ascending else [key.desc(), Product.id.desc()]
    return (select(*columns).join(Shop, Shop.id == Product.shop_id)
            .where(and_(*conditions)).order_by(*order).limit(limit + 1))


def list_products(q: ListingQuery) -> Page[ProductCard]:
    """One page of visible product cards, in one SQL statement."""
    sort = q.effective_sort
    limit = max(1, min(q.limit or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))
    rows = db.session.execute(listing_statement(q)).all()
    cards = [ProductCard(**row._mapping) for row in rows[:limit]]
    next_cursor = _encode(sort, cards[-1]) if len(rows) > limit else None
    return Page(items=cards, next_cursor=next_cursor)


# ---- the product page ------------------------------------------------------------------------

@dataclass
class ProductDetail:
    product: Product
    shop: Shop
    variants: list[ProductVariant]
    images: list[ProductImage]
    breadcrumbs: list[CategoryNode] = field(default_factory=list)

    def pick_variant(self, variant_id: uuid.UUID | None = None) -> ProductVariant | None:
        """The asked-for variant, else the first in stock, else the first; None when there is none."""
        if variant_id is not None:
            for variant in self.variants:
                if variant.id == variant_id:
                    return variant
        return next((v for v in self.variants if v.stock > 0), self.variants[0] if self.variants else None)

    def image_for(self, variant: ProductVariant | None) -> ProductImage | None:
        if variant is not None and variant.image_id is not None:
            for image in self.images:
                if image.id == variant.image_id:
                    return image
        return self.images[0] if self.images else None


def get_product_detail(product_id: uuid.UUID, tree: CategoryTree | None = None) -> ProductDetail:
    """A visible product with its shop, live variants, images and breadcrumbs (3 statements + the tree).

    Hidden, draft or deleted products and products of shops that are not ACTIVE are NotFound.
    """
    product = db.session.scalars(
        select(Product)
        .join(Shop, Shop.id == Product.shop_id)
        .where(Product.id == product_id, visible_condition())
        .options(contains_eager(Product.shop), selectinload(Product.variants), selectinload(Product.images))
        .execution_options(populate_existing=True)
    ).first()
    if product is None:
        raise NotFound("That product is not available.", code="product_not_found")
    tree = tree or get_tree()
    return ProductDetail(
        product=product,
        shop=product.shop,
        variants=[v for v in product.variants if v.deleted_at is None],
        images=list(product.images),
        breadcrumbs=tree.ancestors(product.category_id),
    )


def get_visible_shop(slug: str) -> Shop:
    """An ACTIVE shop by its slug; pending, rejected and suspended shops are NotFound."""
    shop = None
    if "\x00" not in slug:  # PostgreSQL refuses NUL in text: such a slug simply matches nothing
        shop = db.session.scalar(select(Shop).where(Shop.slug == slug, Shop.status == ShopStatus.ACTIVE))
    if shop is None:
        raise NotFound("That shop is not open.", code="shop_not_found")
    return shop


def list_shop_choices(limit: int = 100) -> list[tuple[uuid.UUID, str]]:
    """ACTIVE shops by name, for the listing's shop filter."""
    return [tuple(row) for row in db.session.execute(
        select(Shop.id, Shop.name).where(Shop.status == ShopStatus.ACTIVE).order_by(Shop.name, Shop.id).limit(limit)
    )]
