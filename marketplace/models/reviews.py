"""Product reviews by buyers of delivered order lines."""
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, FetchedValue, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, UUIDPrimaryKey
from marketplace.models.users import User


class Review(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("char_length(body) <= 2000", name="body_length"),
        Index("ix_reviews_product_visible", "product_id", "created_at", "id", postgresql_where=text("NOT is_hidden")),
        Index("ix_reviews_user", "user_id", "created_at"),
        Index("ix_reviews_shop_created", "shop_id", "created_at", "id"),  # migration perf01
        Index("ix_reviews_hidden", "product_id", postgresql_where=text("is_hidden")),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    order_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The product's shop, set by a database trigger (migration perf01) for the seller's review lists.
    shop_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"),
                                                      server_default=FetchedValue(), server_onupdate=FetchedValue())
    rating: Mapped[int]
    body: Mapped[str] = mapped_column(Text, default="")
    has_images: Mapped[bool] = mapped_column(default=False)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    seller_reply: Mapped[str | None] = mapped_column(Text)
    seller_replied_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    user: Mapped[User] = relationship()
    images: Mapped[list["ReviewImage"]] = relationship(
        back_populates="review", order_by="ReviewImage.position", cascade="all, delete-orphan"
    )


class ReviewImage(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "review_images"

    review_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    review: Mapped[Review] = relationship(back_populates="images")
