"""Shops as shoppers find them: an open shop by its slug (with its page's header figures), and the
open shops for the listing's filter."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, true
from sqlalchemy.dialects.postgresql import array_agg

from marketplace.extensions import db
from marketplace.models import Product, ProductStatus, Review, Shop, ShopStatus
from marketplace.services.core import rollups
from marketplace.services.core.errors import NotFound


def product_figures(shop_id, name: str = "figures"):
    """A LATERAL of one shop's listed (ACTIVE) products, correlated to `shop_id` (a column): `products`,
    `reviews` and `rating_sum`, the products' own review rollups summed (ix_products_shop_status). Every
    place that shows a shop's product count or rating reads it through this."""
    return (select(func.count().label("products"),
                   func.coalesce(func.sum(Product.review_count), 0).label("reviews"),
                   func.coalesce(func.sum(Product.rating_sum), 0).label("rating_sum"))
            .where(Product.shop_id == shop_id, Product.status == ProductStatus.ACTIVE).lateral(name))


def average_rating(rating_sum: int, review_count: int) -> Decimal | None:
    """A shop's rating to one decimal, half up; None before its first review."""
    if not review_count:
        return None
    return (Decimal(rating_sum) / review_count).quantize(Decimal("0.1"), ROUND_HALF_UP)


def get_visible_shop(slug: str) -> Shop:
    """An ACTIVE shop by its slug; pending, rejected and suspended shops are NotFound."""
    shop = None
    if "\x00" not in slug:  # PostgreSQL refuses NUL in text: such a slug simply matches nothing
        shop = db.session.scalar(select(Shop).where(Shop.slug == slug, Shop.status == ShopStatus.ACTIVE))
    if shop is None:
        raise NotFound(_("That shop is not open."), code="shop_not_found")
    return shop


@dataclass(frozen=True)
class ShopPage:
    """An open shop and the figures its page's header shows, over its ACTIVE products."""
    shop: Shop
    product_count: int
    review_count: int
    rating_sum: int
    category_ids: frozenset[uuid.UUID]  # the categories it sells in (directly)

    @property
    def average_rating(self) -> Decimal | None:
        return average_rating(self.rating_sum, self.review_count)


def get_shop_page(slug: str) -> ShopPage:
    """An ACTIVE shop by its slug with its product count, rating and categories, in one statement.

    The rating is the products' own rollups (products.rating_sum and review_count, kept by
    services/reviews/reviews.py with each review) summed over the shop's active products: no
    per-shop counter to keep, and a shop's products are read through ix_products_shop_status.
    """
    stats = product_figures(Shop.id, "stats")
    categories = (select(array_agg(Product.category_id.distinct()).label("category_ids"))
                  .where(Product.shop_id == Shop.id, Product.status == ProductStatus.ACTIVE).lateral("categories"))
    row = None
    if "\x00" not in slug:  # PostgreSQL refuses NUL in text: such a slug simply matches nothing
        row = db.session.execute(
            select(Shop, stats.c.products, stats.c.reviews, stats.c.rating_sum, categories.c.category_ids)
            .select_from(Shop).join(stats, true()).join(categories, true())
            .where(Shop.slug == slug, Shop.status == ShopStatus.ACTIVE)
        ).one_or_none()
    if row is None:
        raise NotFound(_("That shop is not open."), code="shop_not_found")
    shop, products, reviews, rating_sum, category_ids = row
    return ShopPage(shop, products, int(reviews), int(rating_sum),
                    frozenset(c for c in (category_ids or ()) if c is not None))


@dataclass(frozen=True)
class SellerCard:
    """What a product page's seller card says about the shop: its listed products, their rating, and
    how often the seller answers reviews."""
    product_count: int
    review_count: int
    rating_sum: int
    replied: int  # published reviews of the shop's products that have the seller's reply
    published: int

    @property
    def average_rating(self) -> Decimal | None:
        return average_rating(self.rating_sum, self.review_count)

    @property
    def reply_percent(self) -> int | None:
        return round(100 * self.replied / self.published) if self.published else None


def seller_card(slug: str) -> SellerCard:
    """An open shop's seller-card figures (one statement: its products through ix_products_shop_status,
    its reviews through ix_reviews_shop_created); NotFound when the shop is not open."""
    products = product_figures(Shop.id, "products")
    reviews = (select(func.count(Review.seller_reply).label("replied"), func.count().label("published"))
               .where(Review.shop_id == Shop.id, Review.is_hidden.is_(False)).lateral("reviews"))
    row = None
    if "\x00" not in slug:  # as get_visible_shop
        row = db.session.execute(
            select(products.c.products, products.c.reviews, products.c.rating_sum, reviews.c.replied,
                   reviews.c.published)
            .select_from(Shop).join(products, true()).join(reviews, true())
            .where(Shop.slug == slug, Shop.status == ShopStatus.ACTIVE)
        ).one_or_none()
    if row is None:
        raise NotFound(_("That shop is not open."), code="shop_not_found")
    return SellerCard(*(int(value) for value in row))


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
