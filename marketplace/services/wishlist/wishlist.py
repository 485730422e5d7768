"""Saving products for later: save, remove, toggle. A saved product is one row per shopper and
product (uq_wishlist_items_user_product): a second save changes nothing."""
import uuid

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from marketplace.extensions import db
from marketplace.models import Product, Shop, User, WishlistItem
from marketplace.services.catalog.visibility import visible_condition
from marketplace.services.core.errors import NotFound


def _require_visible(product_id: uuid.UUID) -> None:
    visible = db.session.scalar(select(Product.id).join(Shop, Shop.id == Product.shop_id)
                                .where(Product.id == product_id, visible_condition()))
    if visible is None:
        raise NotFound(_("That product is not available."), code="product_not_found")


def save(user: User, product_id: uuid.UUID) -> bool:
    """Keep a product the shopper can see (NotFound otherwise); True when it was not saved before.

    INSERT … ON CONFLICT DO NOTHING: two taps at once (two tabs, a retry) are one item.
    """
    _require_visible(product_id)
    inserted = db.session.execute(
        insert(WishlistItem).values(id=uuid.uuid4(), user_id=user.id, product_id=product_id)
        .on_conflict_do_nothing(constraint="uq_wishlist_items_user_product").returning(WishlistItem.id)
    ).first()
    return inserted is not None


def remove(user: User, product_id: uuid.UUID) -> bool:
    """Forget a saved product, visible or not any more; True when it was saved.

    Removing a product that isn't saved is fine, as long as the shopper can see it: a hidden
    product they never saved is NotFound, like everywhere else (its existence is not told).
    """
    removed = db.session.execute(
        delete(WishlistItem).where(WishlistItem.user_id == user.id, WishlistItem.product_id == product_id)
        .returning(WishlistItem.id)
    ).first()
    if removed is None:
        _require_visible(product_id)
    return removed is not None


def toggle(user: User, product_id: uuid.UUID) -> bool:
    """Save the product if it isn't saved, else remove it; answers whether it is saved now."""
    if remove(user, product_id):
        return False
    save(user, product_id)
    return True
