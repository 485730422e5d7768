"""Catalog: the category tree, products, their variants and images."""
import enum
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger, CheckConstraint, Computed, ForeignKey, Index, Numeric, String, Text, func, text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, UUIDPrimaryKey
from marketplace.models.shops import Shop
from marketplace.models.users import pg_enum

# Search text is folded in the database by fold_search_text() (migration 0001), an
# IMMUTABLE SQL function that lower-cases and strips Vietnamese and Latin diacritics,
# because the embedded server has no unaccent extension. Queries fold the same way.
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('simple'::regconfig, fold_search_text(title)), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, fold_search_text(description)), 'B')"
)
TITLE_VECTOR_SQL = "to_tsvector('simple'::regconfig, fold_search_text(title))"


class ProductStatus(str, enum.Enum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    HIDDEN = "HIDDEN"    # hidden by an admin, with a reason
    DELETED = "DELETED"  # soft delete: orders and carts still point at it


class Category(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "categories"

    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped["Category | None"] = relationship(remote_side="Category.id", back_populates="children")
    children: Mapped[list["Category"]] = relationship(back_populates="parent", order_by="Category.position")


class Product(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("review_count >= 0 AND rating_sum >= 0", name="rating_counters"),
        CheckConstraint("sold_count >= 0", name="sold_count_non_negative"),
        # migration catdel01: only a deleted product may lose its category (when the category is deleted).
        CheckConstraint("status = 'DELETED' OR category_id IS NOT NULL", name="category_unless_deleted"),
        Index("ix_products_search_vector", "search_vector", postgresql_using="gin"),
        # Storefront listings: only ACTIVE rows, keyset-ordered by each sort key + id.
        Index("ix_products_active_newest", "created_at", "id", postgresql_where=text("status = 'ACTIVE'")),
        Index("ix_products_active_price", "min_price", "id", postgresql_where=text("status = 'ACTIVE'")),
        Index("ix_products_active_rating", "average_rating", "id", postgresql_where=text("status = 'ACTIVE'")),
        Index("ix_products_active_sold", "sold_count", "id", postgresql_where=text("status = 'ACTIVE'")),
        # migration perf05: a broad search walks the best sellers' titles here, never reading the table
        Index("ix_products_active_sold_title", "sold_count", "id", postgresql_include=["title_vector", "shop_id"],
              postgresql_where=text("status = 'ACTIVE'")),
        Index("ix_products_category_newest", "category_id", "created_at", "id", postgresql_where=text("status = 'ACTIVE'")),
        # migration perf01: the other sorts of a category page
        Index("ix_products_category_price", "category_id", "min_price", "id", postgresql_where=text("status = 'ACTIVE'")),
        Index("ix_products_category_rating", "category_id", "average_rating", "id",
              postgresql_where=text("status = 'ACTIVE'")),
        Index("ix_products_category_sold", "category_id", "sold_count", "id", postgresql_where=text("status = 'ACTIVE'")),
        Index("ix_products_shop_status", "shop_id", "status", "created_at"),
    )

    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="RESTRICT"))
    # NULL only for a DELETED product whose category was deleted since (CHECK category_unless_deleted):
    # shoppers never see deleted products, and their orders keep copies of the titles.
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"),
                                                          index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProductStatus] = mapped_column(pg_enum(ProductStatus, "product_status"), default=ProductStatus.DRAFT)
    status_reason: Mapped[str | None] = mapped_column(Text)  # why an admin hid it
    # Denormalised for listing sorts and cards; kept current by the catalog and review services.
    min_price: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    review_count: Mapped[int] = mapped_column(default=0)
    average_rating: Mapped[Decimal] = mapped_column(Numeric(3, 2), default=Decimal("0"))
    sold_count: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    # Migration perf04: moved by triggers whenever this product's page changes (the product, its
    # variants but their stock, images, reviews); the page cache keys the product page on it.
    page_version: Mapped[int] = mapped_column(BigInteger, server_default="0")
    # Migration perf07: the first picture's thumbnail (by position, then id), what a listing card shows;
    # set by the database whenever the product's pictures change (never by a service). NULL: no picture.
    thumb_key: Mapped[str | None] = mapped_column(String(200))
    search_vector: Mapped[str] = mapped_column(TSVECTOR, Computed(SEARCH_VECTOR_SQL, persisted=True), deferred=True)
    title_vector: Mapped[str] = mapped_column(TSVECTOR, Computed(TITLE_VECTOR_SQL, persisted=True), deferred=True)

    shop: Mapped[Shop] = relationship()
    category: Mapped[Category | None] = relationship()
    variants: Mapped[list["ProductVariant"]] = relationship(
        back_populates="product", order_by="ProductVariant.position", cascade="all, delete-orphan"
    )
    images: Mapped[list["ProductImage"]] = relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )


class ProductVariant(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "product_variants"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_non_negative"),
        CheckConstraint("price >= 0", name="price_non_negative"),
        # SKU is unique within a shop among variants that still exist.
        Index("uq_product_variants_shop_sku", "shop_id", "sku", unique=True, postgresql_where=text("deleted_at IS NULL")),
        Index("ix_product_variants_product", "product_id", "position"),
        Index("ix_product_variants_low_stock", "shop_id", "stock", postgresql_where=text("deleted_at IS NULL")),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="RESTRICT"))
    sku: Mapped[str] = mapped_column(String(64))
    # e.g. {"Colour": "Đỏ", "Size": "M"}; name is the display label built from them.
    options: Mapped[dict] = mapped_column(JSONB, default=dict)
    name: Mapped[str] = mapped_column(String(120), default="")
    price: Mapped[int]
    stock: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    image_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("product_images.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship(back_populates="variants")
    image: Mapped["ProductImage | None"] = relationship(foreign_keys=[image_id])


class ProductImage(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "product_images"
    __table_args__ = (Index("ix_product_images_product", "product_id", "position"),)

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    storage_key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    # The 1200x630 link-preview picture (migration seo01); None for pictures stored before it
    # until `flask seo share-pictures` makes theirs.
    share_key: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int | None]
    height: Mapped[int | None]

    product: Mapped[Product] = relationship(back_populates="images", foreign_keys=[product_id])


class PendingImage(UUIDPrimaryKey, Timestamped, Base):
    """A picture chosen on a seller's product form that no product has yet: the form was refused
    (or remade its rows), and browsers can't refill a file input, so the file is stored and kept
    for its shop until the form is saved (it becomes a ProductImage with the same files), removed,
    or swept after services/catalog/pending_images.py KEEP_FOR."""

    __tablename__ = "pending_images"
    __table_args__ = (Index("ix_pending_images_created_at", "created_at"),)

    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    share_key: Mapped[str | None] = mapped_column(String(200))
    width: Mapped[int | None]
    height: Mapped[int | None]
