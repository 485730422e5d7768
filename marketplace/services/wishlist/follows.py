"""Following shops: follow, unfollow, toggle. One row per shopper and shop
(uq_shop_follows_user_shop): a second follow changes nothing, and no count is kept to drift
(follow_queries.py counts the rows)."""
import uuid

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from marketplace.extensions import db
from marketplace.models import Shop, ShopFollow, User
from marketplace.services.catalog.visibility import shop_visible_condition
from marketplace.services.core.errors import NotFound, ValidationFailed


def _require_open(user: User, shop_id: uuid.UUID) -> None:
    owner_id = db.session.scalar(select(Shop.owner_id).where(Shop.id == shop_id, shop_visible_condition()))
    if owner_id is None:
        raise NotFound(_("That shop is not open."), code="shop_not_found")
    if owner_id == user.id:
        raise ValidationFailed(_("This is your own shop: shoppers follow it, you run it."), code="own_shop")


def follow(user: User, shop_id: uuid.UUID) -> bool:
    """Follow an ACTIVE shop (NotFound for any other, refused for one's own); True when new.

    INSERT … ON CONFLICT DO NOTHING: two concurrent follows are one row.
    """
    _require_open(user, shop_id)
    inserted = db.session.execute(
        insert(ShopFollow).values(id=uuid.uuid4(), user_id=user.id, shop_id=shop_id)
        .on_conflict_do_nothing(constraint="uq_shop_follows_user_shop").returning(ShopFollow.id)
    ).first()
    return inserted is not None


def unfollow(user: User, shop_id: uuid.UUID) -> bool:
    """Stop following a shop, open or not any more; True when it was followed.

    Unfollowing a shop one doesn't follow is fine when the shop is open; a shop that isn't
    open and isn't followed is NotFound.
    """
    removed = db.session.execute(
        delete(ShopFollow).where(ShopFollow.user_id == user.id, ShopFollow.shop_id == shop_id)
        .returning(ShopFollow.id)
    ).first()
    if removed is None:
        owner_id = db.session.scalar(select(Shop.owner_id).where(Shop.id == shop_id, shop_visible_condition()))
        if owner_id is None:
            raise NotFound(_("That shop is not open."), code="shop_not_found")
    return removed is not None


def toggle(user: User, shop_id: uuid.UUID) -> bool:
    """Follow the shop if not followed, else unfollow it; answers whether it is followed now."""
    if unfollow(user, shop_id):
        return False
    follow(user, shop_id)
    return True
