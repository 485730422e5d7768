"""Derived tables the database keeps current (migration perf01): sales rollups and cache versions.

Nothing in Python writes them: triggers on `orders` maintain the rollups at commit, and
triggers on what the storefront shows (categories, shops, products, their images and
variants, reviews and their authors; migrations perf01 to perf03) bump cache_versions.
Readers live in services/core/rollups.py.
"""
import uuid
from datetime import date

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Integer, SmallInteger, String, Table, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base
from marketplace.models.catalog import ProductStatus
from marketplace.models.orders import OrderStatus
from marketplace.models.users import pg_enum


class _OrdersPerDay:
    """Orders placed and their total per UTC day and status, in shards (readers sum them)."""

    day: Mapped[date] = mapped_column(primary_key=True)
    status: Mapped[OrderStatus] = mapped_column(pg_enum(OrderStatus, "order_status"), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    orders: Mapped[int]
    total: Mapped[int] = mapped_column(BigInteger)


class SalesDaily(_OrdersPerDay, Base):
    """Platform-wide."""

    __tablename__ = "sales_daily"


class ShopSalesDaily(_OrdersPerDay, Base):
    """Per shop."""

    __tablename__ = "shop_sales_daily"

    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)


class ProductSalesDaily(Base):
    """Units and revenue of delivered/completed orders per shop, order day, product and line title.

    product_key is the order line's product_id, or the zero UUID for lines whose product
    row was deleted (order_items.product_id SET NULL).
    """

    __tablename__ = "product_sales_daily"

    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    product_key: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    units: Mapped[int]
    revenue: Mapped[int] = mapped_column(BigInteger)


class ProductCount(Base):
    """How many products have each status, in shards (readers sum them): statement-level triggers
    on `products` keep it in the changing transaction (migration perf06), so the admin dashboard
    reads a handful of rows instead of counting the catalogue."""

    __tablename__ = "product_counts"

    status: Mapped[ProductStatus] = mapped_column(pg_enum(ProductStatus, "product_status"), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    products: Mapped[int] = mapped_column(BigInteger)


class CacheVersion(Base):
    """A version per cached storefront object; a new sequence value on every change of its table."""

    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


# What this transaction's order changes add to the rollups, until its COMMIT applies it at once
# (migration perf03). Never holds committed rows: the transaction that stages them deletes them.
sales_rollup_pending = Table(
    "sales_rollup_pending", Base.metadata,
    Column("order_id", Uuid, nullable=False),
    Column("shop_id", Uuid, nullable=False),
    Column("day", Date, nullable=False),
    Column("status", pg_enum(OrderStatus, "order_status"), nullable=False),
    Column("total", Integer, nullable=False),
    Column("sign", SmallInteger, nullable=False),
    prefixes=["UNLOGGED"],
)
