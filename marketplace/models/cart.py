"""Cart lines: one per (user, variant); and the API's idempotent adds."""
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, UUIDPrimaryKey, utcnow
from marketplace.models.catalog import ProductVariant


class CartItem(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "cart_items"
    __table_args__ = (
        UniqueConstraint("user_id", "variant_id", name="uq_cart_items_user_variant"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product_variants.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    variant: Mapped[ProductVariant] = relationship()


class CartRequest(Base):
    """An add to the cart the mobile app sent with an Idempotency-Key: a retry with the same key
    answers the cart instead of adding again (services/cart/cart_requests.py). Kept a day."""

    __tablename__ = "cart_requests"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    variant_id: Mapped[uuid.UUID]  # what the key added: the same key for another add is refused
    quantity: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
