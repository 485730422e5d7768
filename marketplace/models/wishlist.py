"""What a shopper keeps for later: saved products (the "Saved" page) and followed shops."""
import uuid

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, Timestamped, UUIDPrimaryKey


class WishlistItem(UUIDPrimaryKey, Timestamped, Base):
    """A product a shopper saved; saving it twice is still one row."""

    __tablename__ = "wishlist_items"
    __table_args__ = (
        UniqueConstraint("user_id", "product_id", name="uq_wishlist_items_user_product"),
        # the "Saved" page: the shopper's items newest first, keyset on (created_at, id)
        Index("ix_wishlist_items_user_created", "user_id", "created_at", "id"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)


class ShopFollow(UUIDPrimaryKey, Timestamped, Base):
    """A shopper following a shop; the shop's follower count is a COUNT on ix_shop_follows_shop_id."""

    __tablename__ = "shop_follows"
    __table_args__ = (
        UniqueConstraint("user_id", "shop_id", name="uq_shop_follows_user_shop"),
        # the "Followed shops" page, newest first, keyset on (created_at, id)
        Index("ix_shop_follows_user_created", "user_id", "created_at", "id"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
