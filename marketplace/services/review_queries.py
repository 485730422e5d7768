"""Review listings: a product's reviews, its rating summary, a buyer's and a shop's reviews.

Every listing is keyset-paginated on (created_at, id), newest first, and loads its rows
in a fixed number of statements (the rows, then their authors and photos by IN lists).
"""
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import selectinload

from marketplace.extensions import db
from marketplace.models import Order, OrderItem, Product, Review
from marketplace.services.errors import ValidationFailed
from marketplace.services.reviews import REVIEWABLE_STATUSES, is_editable
from marketplace.web.pagination import InvalidCursor, Page, decode_cursor, encode_cursor

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50


@dataclass
class RatingSummary:
    average: Decimal
    count: int
    stars: dict[int, int] = field(default_factory=dict)  # 5 -> how many 5-star reviews, ...

    def percent(self, star: int) -> int:
        return round(100 * self.stars.get(star, 0) / self.count) if self.count else 0


@dataclass
class ReviewRow:
    """A review with what was bought (buyer's list) or which product it is about (seller's list)."""

    review: Review
    product_title: str
    variant_name: str = ""

    @property
    def editable(self) -> bool:
        return is_editable(self.review)


@dataclass
class ToReviewRow:
    item: OrderItem
    order_number: str
    ordered_at: datetime


def _keyset(cursor: str | None, created_col, id_col):
    """The WHERE clause that continues after `cursor` (newest first), or None on page one."""
    try:
        values = decode_cursor(cursor)
        if values is None:
            return None
        created, row_id = datetime.fromisoformat(values[0]), uuid.UUID(str(values[1]))
    except (InvalidCursor, ValueError, TypeError, IndexError) as exc:
        raise ValidationFailed("That page link is no longer valid.", field="cursor", code="invalid_cursor") from exc
    return tuple_(created_col, id_col) < tuple_(created, row_id)


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_PAGE_SIZE))


def _page(rows: list, limit: int, key) -> Page:
    """Cut the extra row we fetched to learn whether another page exists."""
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more:
        created, row_id = key(rows[-1])
        next_cursor = encode_cursor([created.isoformat(), str(row_id)])
    return Page(items=rows, next_cursor=next_cursor)


def _newest_first(query: Select, cursor: str | None, limit: int, created_col=Review.created_at,
                  id_col=Review.id) -> Select:
    after = _keyset(cursor, created_col, id_col)
    if after is not None:
        query = query.where(after)
    return query.order_by(created_col.desc(), id_col.desc()).limit(limit + 1)


def clean_rating_filter(rating) -> int | None:
    if rating in (None, "", 0, "0"):
        return None
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationFailed("Filter by a rating from 1 to 5 stars.", field="rating", code="rating_invalid")
    return value


def list_product_reviews(product_id: uuid.UUID, *, rating=None, with_images: bool = False,
                         cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[Review]:
    """Visible reviews of a product, newest first; three statements (reviews, users, images)."""
    rating, limit = clean_rating_filter(rating), _limit(limit)
    # `NOT is_hidden` (not `IS false`) so the planner can use ix_reviews_product_visible.
    query = select(Review).where(Review.product_id == product_id, ~Review.is_hidden)
    if rating:
        query = query.where(Review.rating == rating)
    if with_images:
        query = query.where(Review.has_images)
    query = _newest_first(query, cursor, limit).options(selectinload(Review.user), selectinload(Review.images))
    rows = list(db.session.scalars(query))
    return _page(rows, limit, lambda r: (r.created_at, r.id))


def rating_summary(product_id: uuid.UUID) -> RatingSummary:
    """Average, count and count per star of a product's visible reviews, from one GROUP BY."""
    counts = dict(db.session.execute(
        select(Review.rating, func.count()).where(Review.product_id == product_id, ~Review.is_hidden)
        .group_by(Review.rating)
    ).all())
    total = sum(counts.values())
    rating_sum = sum(star * n for star, n in counts.items())
    average = (Decimal(rating_sum) / total).quantize(Decimal("0.01"), ROUND_HALF_UP) if total else Decimal("0")
    return RatingSummary(average=average, count=total, stars={star: counts.get(star, 0) for star in range(5, 0, -1)})


def list_user_reviews(user_id: uuid.UUID, *, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[ReviewRow]:
    """A buyer's own reviews (hidden ones included, they are theirs), newest first."""
    limit = _limit(limit)
    query = (
        select(Review, OrderItem.product_title, OrderItem.variant_name)
        .join(OrderItem, OrderItem.id == Review.order_item_id)
        .where(Review.user_id == user_id)
        .options(selectinload(Review.images))
    )
    result = db.session.execute(_newest_first(query, cursor, limit))
    rows = [ReviewRow(r, title, variant) for r, title, variant in result]
    return _page(rows, limit, lambda row: (row.review.created_at, row.review.id))


def list_to_review(user_id: uuid.UUID, *, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[ToReviewRow]:
    """A buyer's delivered or completed order lines that have no review yet, newest order first."""
    limit = _limit(limit)
    query = (
        select(OrderItem, Order.number, Order.created_at)
        .join(Order, Order.id == OrderItem.order_id)
        .outerjoin(Review, Review.order_item_id == OrderItem.id)
        .where(Order.buyer_id == user_id, Order.status.in_(REVIEWABLE_STATUSES),
               OrderItem.product_id.is_not(None), Review.id.is_(None))
    )
    query = _newest_first(query, cursor, limit, Order.created_at, OrderItem.id)
    rows = [ToReviewRow(item, number, created) for item, number, created in db.session.execute(query)]
    return _page(rows, limit, lambda row: (row.ordered_at, row.item.id))


def reviewed_item_ids(order: Order) -> set[uuid.UUID]:
    """The lines of `order` that already have a review (one statement)."""
    item_ids = [item.id for item in order.items]
    if not item_ids:
        return set()
    return set(db.session.scalars(select(Review.order_item_id).where(Review.order_item_id.in_(item_ids))))


def count_to_review(user_id: uuid.UUID) -> int:
    return db.session.scalar(
        select(func.count()).select_from(OrderItem)
        .join(Order, Order.id == OrderItem.order_id)
        .outerjoin(Review, Review.order_item_id == OrderItem.id)
        .where(Order.buyer_id == user_id, Order.status.in_(REVIEWABLE_STATUSES),
               OrderItem.product_id.is_not(None), Review.id.is_(None))
    )


def list_shop_reviews(shop_id: uuid.UUID, *, unreplied: bool = False, rating=None, cursor: str | None = None,
                      limit: int = PAGE_SIZE) -> Page[ReviewRow]:
    """Reviews of a shop's products (hidden ones too, flagged), newest first; three statements."""
    rating, limit = clean_rating_filter(rating), _limit(limit)
    query = (
        select(Review, Product.title)
        .join(Product, Product.id == Review.product_id)
        .where(Product.shop_id == shop_id)
        .options(selectinload(Review.user), selectinload(Review.images))
    )
    if unreplied:
        query = query.where(Review.seller_reply.is_(None))
    if rating:
        query = query.where(Review.rating == rating)
    rows = [ReviewRow(r, title) for r, title in db.session.execute(_newest_first(query, cursor, limit))]
    return _page(rows, limit, lambda row: (row.review.created_at, row.review.id))


def product_title(product_id: uuid.UUID) -> str:
    return db.session.scalar(select(Product.title).where(Product.id == product_id)) or ""
