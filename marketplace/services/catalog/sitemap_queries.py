"""What the sitemaps list: every product, category and shop a visitor may see, with when it last changed.

Read-only, and flat in memory whatever the catalogue's size: the products are cut into pages of
at most `per_page` rows (the sitemap protocol allows 50,000 URLs a file) by ONE aggregate that
the database answers with a row per page (its first id, its newest change, its size), and a page
is read as a keyset range (`id >= first`, ordered by id, LIMIT per_page) streamed in batches
(`yield_per`), so a process never holds more than a batch of rows. Visibility is the one rule of
services/catalog/visibility.py.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Text, and_, cast, func, select

from marketplace.extensions import db
from marketplace.models import Product, ProductVariant, Shop
from marketplace.services.catalog.category_queries import CategoryTree
from marketplace.services.catalog.visibility import shop_visible_condition, visible_condition

BATCH = 2000  # rows fetched per round trip while a page streams


class SitemapPage(NamedTuple):
    number: int  # 1, 2, ...
    first_id: uuid.UUID
    lastmod: datetime
    size: int


class ProductEntry(NamedTuple):
    id: uuid.UUID
    title: str
    lastmod: datetime


class NamedEntry(NamedTuple):
    slug: str
    lastmod: datetime | None


def listed():
    """The products a sitemap lists: visible (visibility.py) with something left to buy. A product whose
    every variant is sold out is `noindex` on its page (seo/pages.py), so no sitemap offers it either."""
    in_stock = (select(ProductVariant.id).where(ProductVariant.product_id == Product.id,
                                                ProductVariant.deleted_at.is_(None), ProductVariant.stock > 0)
                .exists())
    return and_(visible_condition(), in_stock)


def _visible_products():
    return select(Product.id).join(Shop, Shop.id == Product.shop_id).where(listed())


def product_pages(per_page: int) -> list[SitemapPage]:
    """The pages of the products' sitemap, in id order: one statement, one row per page."""
    ranked = (_visible_products()
              .add_columns(Product.updated_at,
                           ((func.row_number().over(order_by=Product.id) - 1) // per_page).label("page"),
                           ((func.row_number().over(order_by=Product.id) - 1) % per_page).label("pos"))
              .subquery())
    rows = db.session.execute(
        select(ranked.c.page, func.max(cast(ranked.c.id, Text))
               .filter(ranked.c.pos == 0), func.max(ranked.c.updated_at), func.count())
        .group_by(ranked.c.page).order_by(ranked.c.page)).all()
    return [SitemapPage(page + 1, uuid.UUID(first), lastmod, size) for page, first, lastmod, size in rows]


def product_entries(first_id: uuid.UUID, per_page: int) -> Iterator[ProductEntry]:
    """The visible products from `first_id` on, in id order, at most `per_page`: streamed from the
    database BATCH rows at a time (a server-side cursor), never all in memory."""
    statement = (select(Product.id, Product.title, Product.updated_at).join(Shop, Shop.id == Product.shop_id)
                 .where(listed(), Product.id >= first_id).order_by(Product.id).limit(per_page)
                 .execution_options(yield_per=BATCH))
    for row in db.session.execute(statement):
        yield ProductEntry(*row)


def category_entries(tree: CategoryTree) -> list[NamedEntry]:
    """Categories with something listed in them or below them (what the storefront links to),
    each with the newest change among those products: one grouped statement, rolled up the (cached) tree."""
    newest: dict[uuid.UUID, datetime] = dict(db.session.execute(
        select(Product.category_id, func.max(Product.updated_at)).join(Shop, Shop.id == Product.shop_id)
        .where(listed()).group_by(Product.category_id)).all())
    entries = []
    for node in tree.walk():
        changes = [newest[i] for i in tree.subtree_ids(node.id) if i in newest]
        if changes:
            entries.append(NamedEntry(node.slug, max(changes)))
    return entries


def shop_entries() -> list[NamedEntry]:
    """Open shops with something listed (an empty shop's page is `noindex`), by slug, each changed when
    it was approved or when one of its listed products last changed: one statement."""
    newest = (select(Product.shop_id, func.max(Product.updated_at).label("newest"))
              .join(Shop, Shop.id == Product.shop_id).where(listed()).group_by(Product.shop_id).subquery())
    rows = db.session.execute(
        select(Shop.slug, func.greatest(Shop.approved_at, Shop.created_at, newest.c.newest))
        .join(newest, newest.c.shop_id == Shop.id).where(shop_visible_condition()).order_by(Shop.slug)).all()
    return [NamedEntry(slug, lastmod) for slug, lastmod in rows]


def newest_change() -> datetime | None:
    """When the newest visible product changed (the home page's lastmod)."""
    return db.session.scalar(select(func.max(Product.updated_at)).join(Shop, Shop.id == Product.shop_id)
                             .where(listed()))
