"""What the "Saved" page, the hearts and the API read of a shopper's saved products."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Product, Shop, WishlistItem
from marketplace.services.catalog.listing_queries import ProductCard, card_columns
from marketplace.services.catalog.visibility import visible_condition
from marketplace.services.core.paging import Page, cut, newest_first

DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 48


def saved_products(user_id: uuid.UUID, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE) -> Page[ProductCard]:
    """One page of the shopper's saved products that are still visible, last saved first, as listing
    cards (ONE statement). A product hidden since it was saved stays saved and shows again when it
    is back; the cursor is the saved item's (created_at, id)."""
    query = (select(*card_columns(), WishlistItem.created_at.label("saved_at"), WishlistItem.id.label("item_id"))
             .select_from(WishlistItem)
             .join(Product, Product.id == WishlistItem.product_id)
             .join(Shop, Shop.id == Product.shop_id)
             .where(WishlistItem.user_id == user_id, visible_condition()))
    rows = db.session.execute(newest_first(query, WishlistItem.created_at, WishlistItem.id, cursor, limit)).all()
    page = cut(rows, limit, key=lambda row: (row.saved_at, row.item_id))
    return Page(items=[ProductCard(*row[:-2]) for row in page.items], next_cursor=page.next_cursor)


def saved_product_ids(user_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """Every product the shopper has saved (one index-only read of uq_wishlist_items_user_product):
    what the hearts of a page show as pressed, whatever the number of cards or shelves on it."""
    return frozenset(db.session.scalars(select(WishlistItem.product_id).where(WishlistItem.user_id == user_id)))


def product_title(product_id: uuid.UUID) -> str | None:
    """A product's title (what a heart's accessible name and a flash say), or None when there is no such product."""
    return db.session.scalar(select(Product.title).where(Product.id == product_id))
