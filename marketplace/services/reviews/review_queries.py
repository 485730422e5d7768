"""Review listings: a product's reviews, its rating summary, a buyer's and a shop's reviews.

Every listing is keyset-paginated on (created_at, id), newest first, and loads its rows
in a fixed number of statements (the rows, then their authors and photos by IN lists; a
product's list brings them in its one statement, and on the product page the rating
summary too).
"""
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Integer, bindparam, func, select, tuple_
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import aliased, joinedload, selectinload

from marketplace.extensions import db
from marketplace.models import Order, OrderItem, Product, Review, ReviewImage, User
from marketplace.services.core import paging
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.core.paging import Page
from marketplace.services.core.rows import execute_rows, json_list
from marketplace.services.reviews.reviews import REVIEWABLE_STATUSES, is_editable

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50


@dataclass
class RatingSummary:
    average: Decimal
    count: int
    stars: dict[int, int] = field(default_factory=dict)  # 5 -> how many 5-star reviews, ...

    def percent(self, star: int) -> int:
        return round(100 * self.stars.get(star, 0) / self.count) if self.count else 0


class ReviewAuthor(NamedTuple):
    full_name: str


class ReviewPhoto(NamedTuple):
    id: uuid.UUID
    storage_key: str
    thumb_key: str


class PublishedReview(NamedTuple):
    """A review in its product's list (pages and API): plain values, with its author's name and its photos."""

    id: uuid.UUID
    product_id: uuid.UUID
    order_item_id: uuid.UUID
    rating: int
    body: str
    has_images: bool
    is_hidden: bool
    seller_reply: str | None
    seller_replied_at: datetime | None
    created_at: datetime
    updated_at: datetime | None
    user: ReviewAuthor
    images: list[ReviewPhoto]


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


def clean_rating_filter(rating) -> int | None:
    if rating in (None, "", 0, "0"):
        return None
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationFailed(_("Filter by a rating from 1 to 5 stars."), field="rating", code="rating_invalid")
    return value


def list_product_reviews(product_id: uuid.UUID, *, rating=None, with_images: bool = False,
                         cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[PublishedReview]:
    """Visible reviews of a product, newest first, with authors and photos: ONE statement, so the
    product page costs the same with or without reviews."""
    page, __ = _product_reviews(product_id, rating=rating, with_images=with_images, cursor=cursor, limit=limit)
    return page


def reviews_with_summary(product_id: uuid.UUID, limit: int = PAGE_SIZE) -> tuple[Page[PublishedReview], RatingSummary]:
    """The product page's block: the first page of reviews and the rating summary, in ONE statement.

    The star counts ride along on every row; no row means no visible review, hence no rating.
    """
    return _product_reviews(product_id, limit=limit, with_summary=True)


def _product_reviews(product_id: uuid.UUID, *, rating=None, with_images: bool = False, cursor: str | None = None,
                     limit: int = PAGE_SIZE, with_summary: bool = False) -> tuple[Page[PublishedReview], RatingSummary | None]:
    rating, limit = clean_rating_filter(rating), paging.clamp(limit, PAGE_SIZE, MAX_PAGE_SIZE)
    after = paging.after_cursor(cursor)
    params = {"product_id": product_id, "rating": rating, "limit": limit + 1}
    if after is not None:
        params["after_created"], params["after_id"] = after
    rows = execute_rows(_product_reviews_statement(bool(rating), with_images, after is not None, with_summary), params)
    reviews = [PublishedReview(*row[:11], user=ReviewAuthor(row.author_name),
                               images=[ReviewPhoto(uuid.UUID(p["id"]), p["storage_key"], p["thumb_key"])
                                       for p in row.photos])
               for row in rows]
    summary = _summary(dict(zip(range(1, 6), rows[0].stars)) if rows else {}) if with_summary else None
    return paging.cut(reviews, limit, lambda r: (r.created_at, r.id)), summary


@lru_cache(maxsize=16)
def _product_reviews_statement(rating: bool, with_images: bool, after: bool, with_summary: bool):
    """One statement per shape, built once: every product page runs the same one."""
    photos = json_list(ReviewImage.review_id == Review.id, (ReviewImage.position, ReviewImage.id),
                       id=ReviewImage.id, storage_key=ReviewImage.storage_key, thumb_key=ReviewImage.thumb_key)
    # PublishedReview's fields first, in its order
    columns = [Review.id, Review.product_id, Review.order_item_id, Review.rating, Review.body, Review.has_images,
               Review.is_hidden, Review.seller_reply, Review.seller_replied_at, Review.created_at, Review.updated_at,
               User.full_name.label("author_name"), photos.label("photos")]
    if with_summary:
        columns.append(_star_counts().label("stars"))
    # `NOT is_hidden` (not `IS false`) so the planner can use ix_reviews_product_visible.
    query = (select(*columns).join(User, User.id == Review.user_id)
             .where(Review.product_id == bindparam("product_id"), ~Review.is_hidden))
    if rating:
        query = query.where(Review.rating == bindparam("rating"))
    if with_images:
        query = query.where(Review.has_images)
    if after:
        query = query.where(tuple_(Review.created_at, Review.id)
                            < tuple_(bindparam("after_created", type_=Review.created_at.type),
                                     bindparam("after_id", type_=Review.id.type)))
    return query.order_by(Review.created_at.desc(), Review.id.desc()).limit(bindparam("limit", type_=Integer))


def _star_counts():
    """[how many 1-star, ..., 5-star] visible reviews of the product (a subquery run once per statement)."""
    other = aliased(Review)
    return (select(array([func.count().filter(other.rating == star) for star in range(1, 6)]))
            .where(other.product_id == bindparam("product_id"), ~other.is_hidden).scalar_subquery())


_STAR_COUNTS = (select(Review.rating, func.count()).where(Review.product_id == bindparam("product_id"), ~Review.is_hidden)
                .group_by(Review.rating))


def rating_summary(product_id: uuid.UUID) -> RatingSummary:
    """Average, count and count per star of a product's visible reviews, from one GROUP BY."""
    return _summary(dict(db.session.execute(_STAR_COUNTS, {"product_id": product_id}).all()))


def _summary(counts: dict[int, int]) -> RatingSummary:
    total = sum(counts.values())
    rating_sum = sum(star * n for star, n in counts.items())
    average = (Decimal(rating_sum) / total).quantize(Decimal("0.01"), ROUND_HALF_UP) if total else Decimal("0")
    return RatingSummary(average=average, count=total, stars={star: counts.get(star, 0) for star in range(5, 0, -1)})


def list_user_reviews(user_id: uuid.UUID, *, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[ReviewRow]:
    """A buyer's own reviews (hidden ones included, they are theirs), newest first."""
    limit = paging.clamp(limit, PAGE_SIZE, MAX_PAGE_SIZE)
    query = (
        select(Review, OrderItem.product_title, OrderItem.variant_name)
        .join(OrderItem, OrderItem.id == Review.order_item_id)
        .where(Review.user_id == user_id)
        .options(selectinload(Review.images))
    )
    result = db.session.execute(paging.newest_first(query, Review.created_at, Review.id, cursor, limit))
    rows = [ReviewRow(r, title, variant) for r, title, variant in result]
    return paging.cut(rows, limit, lambda row: (row.review.created_at, row.review.id))


def list_to_review(user_id: uuid.UUID, *, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[ToReviewRow]:
    """A buyer's delivered or completed order lines that have no review yet, newest order first."""
    limit = paging.clamp(limit, PAGE_SIZE, MAX_PAGE_SIZE)
    query = (
        select(OrderItem, Order.number, Order.created_at)
        .join(Order, Order.id == OrderItem.order_id)
        .outerjoin(Review, Review.order_item_id == OrderItem.id)
        .where(Order.buyer_id == user_id, Order.status.in_(REVIEWABLE_STATUSES),
               OrderItem.product_id.is_not(None), Review.id.is_(None))
    )
    query = paging.newest_first(query, Order.created_at, OrderItem.id, cursor, limit)
    rows = [ToReviewRow(item, number, created) for item, number, created in db.session.execute(query)]
    return paging.cut(rows, limit, lambda row: (row.ordered_at, row.item.id))


def reviewed_item_ids(order: Order) -> set[uuid.UUID]:
    """The lines of `order` that already have a review (one statement)."""
    return set(review_ids_of_lines([item.id for item in order.items]))


def review_ids_of_lines(item_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """{order line id: its review's id} for the lines that have one (one statement, however many lines)."""
    if not item_ids:
        return {}
    return dict(db.session.execute(
        select(Review.order_item_id, Review.id).where(Review.order_item_id.in_(item_ids))).all())


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
    """Reviews of a shop's products (hidden ones too, flagged), newest first, with authors and photos joined
    in: one statement, whether there are reviews or not (the seller dashboard's SQL budget)."""
    rating, limit = clean_rating_filter(rating), paging.clamp(limit, PAGE_SIZE, MAX_PAGE_SIZE)
    query = (
        select(Review, Product.title)
        .join(Product, Product.id == Review.product_id)
        .where(Review.shop_id == shop_id)  # the product's shop, copied by a trigger: index (shop_id, created_at, id)
        .options(joinedload(Review.user), joinedload(Review.images))
    )
    if unreplied:
        query = query.where(Review.seller_reply.is_(None))
    if rating:
        query = query.where(Review.rating == rating)
    result = db.session.execute(paging.newest_first(query, Review.created_at, Review.id, cursor, limit)).unique()
    rows = [ReviewRow(r, title) for r, title in result]
    return paging.cut(rows, limit, lambda row: (row.review.created_at, row.review.id))


def product_title(product_id: uuid.UUID) -> str:
    return db.session.scalar(select(Product.title).where(Product.id == product_id)) or ""
