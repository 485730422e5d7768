"""Seller dashboard figures, each one SQL aggregate over the shop's sales rollups and variants.

Order figures come from shop_sales_daily and product_sales_daily (migration perf01, kept
exact by the database at every commit), so a shop with 20,000 orders costs what one with
20 does.

Days are the marketplace's calendar days (the rollups' zone, DEFAULT_TIMEZONE: a sale at 23:30
in Hồ Chí Minh City counts for that day, not the next UTC one; services/core/rollups.py):
"today" starts at local midnight, "7 days" is today and the six days before it, "30 days"
today and the 29 before. Revenue is the sum of order totals (what the buyer pays, shipping
included) of every order not cancelled.
"""
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select

from marketplace.extensions import db
from marketplace.models import OrderStatus, Product, ProductSalesDaily, ProductStatus, ProductVariant, ShopSalesDaily
from marketplace.services.core import rollups

SOLD_STATUSES = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
# The shop's statuses: an order awaiting payment is not the shop's work yet.
STATUS_ORDER = [OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPING, OrderStatus.DELIVERED,
                OrderStatus.COMPLETED, OrderStatus.CANCELLED]
CHART_DAYS = 30
NO_PRODUCT = literal(uuid.UUID(int=0))  # product_sales_daily's key for lines whose product row is gone


@dataclass(frozen=True)
class Window:
    label: str
    revenue: int
    orders: int     # placed and not cancelled
    cancelled: int


@dataclass(frozen=True)
class DayFigure:
    day: date
    revenue: int
    orders: int


@dataclass(frozen=True)
class TopProduct:
    product_id: uuid.UUID | None
    title: str
    units: int
    revenue: int


@dataclass(frozen=True)
class LowStockVariant:
    variant_id: uuid.UUID
    product_id: uuid.UUID
    product_title: str
    variant_name: str
    sku: str
    stock: int


WINDOWS = ((_l("Today"), 0), (_l("7 days"), 6), (_l("30 days"), CHART_DAYS - 1))  # (label, days before today)


def first_day(now: datetime | None = None, days_back: int = 0) -> date:
    """Today in the marketplace's zone (or the day `days_back` days before it)."""
    return rollups.local_today(now) - timedelta(days=days_back)


def sales_windows(shop_id: uuid.UUID, now: datetime | None = None) -> list[Window]:
    """Revenue, orders and cancellations for today, 7 and 30 days: one statement with FILTERs
    over the shop's daily rollup (services/core/rollups.py)."""
    rollups.include_pending()
    starts = [(label, first_day(now, back)) for label, back in WINDOWS]
    live = ShopSalesDaily.status.notin_((OrderStatus.CANCELLED, OrderStatus.AWAITING_PAYMENT))  # paid orders only
    columns = []
    for _, since in starts:
        recent = ShopSalesDaily.day >= since
        columns += [
            func.coalesce(func.sum(ShopSalesDaily.total).filter(live, recent), 0),
            func.coalesce(func.sum(ShopSalesDaily.orders).filter(live, recent), 0),
            func.coalesce(func.sum(ShopSalesDaily.orders).filter(ShopSalesDaily.status == OrderStatus.CANCELLED,
                                                                 recent), 0),
        ]
    row = db.session.execute(
        select(*columns).where(ShopSalesDaily.shop_id == shop_id, ShopSalesDaily.day >= starts[-1][1])
    ).one()
    return [Window(str(label), int(row[3 * i]), int(row[3 * i + 1]), int(row[3 * i + 2]))
            for i, (label, _) in enumerate(starts)]


def revenue_by_day(shop_id: uuid.UUID, now: datetime | None = None, days: int = CHART_DAYS) -> list[DayFigure]:
    """Revenue and order count per local day for the last `days` days (days without orders are 0)."""
    rollups.include_pending()
    first = first_day(now, days - 1)
    totals = {
        d: (int(revenue), int(orders))
        for d, revenue, orders in db.session.execute(
            select(ShopSalesDaily.day, func.sum(ShopSalesDaily.total), func.sum(ShopSalesDaily.orders))
            .where(ShopSalesDaily.shop_id == shop_id, ShopSalesDaily.status.notin_((OrderStatus.CANCELLED, OrderStatus.AWAITING_PAYMENT)),
                   ShopSalesDaily.day >= first)
            .group_by(ShopSalesDaily.day)
        )
    }
    return [DayFigure(d, *totals.get(d, (0, 0))) for d in (first + timedelta(days=i) for i in range(days))]


def orders_by_status(shop_id: uuid.UUID) -> list[tuple[OrderStatus, int]]:
    """How many of the shop's orders are in each status (all time), in lifecycle order (STATUS_ORDER)."""
    rollups.include_pending()
    counts = {status: int(n) for status, n in db.session.execute(
        select(ShopSalesDaily.status, func.sum(ShopSalesDaily.orders))
        .where(ShopSalesDaily.shop_id == shop_id).group_by(ShopSalesDaily.status)
    )}
    return [(status, counts.get(status, 0)) for status in STATUS_ORDER]


def top_products(shop_id: uuid.UUID, now: datetime | None = None, days: int = CHART_DAYS,
                 limit: int = 5) -> list[TopProduct]:
    """Products by units sold in delivered or completed orders placed in the last `days` days.

    From the product_sales_daily rollup: rows per (day, product, line title). A title counts
    for a product's name (the greatest, as before) only while some sold line still carries it.
    """
    rollups.include_pending()
    per_title = (
        select(ProductSalesDaily.product_key, ProductSalesDaily.title,
               func.sum(ProductSalesDaily.units).label("units"), func.sum(ProductSalesDaily.revenue).label("revenue"))
        .where(ProductSalesDaily.shop_id == shop_id, ProductSalesDaily.day >= first_day(now, days - 1))
        .group_by(ProductSalesDaily.product_key, ProductSalesDaily.title)
        .having(func.sum(ProductSalesDaily.units) > 0)
        .subquery()
    )
    product_id = func.nullif(per_title.c.product_key, NO_PRODUCT)  # lines whose product was deleted
    units = func.sum(per_title.c.units)
    rows = db.session.execute(
        select(product_id, func.max(per_title.c.title), units, func.sum(per_title.c.revenue))
        .group_by(per_title.c.product_key)
        .order_by(units.desc(), func.max(per_title.c.title), product_id)
        .limit(limit)
    )
    return [TopProduct(pid, title, int(n), int(revenue)) for pid, title, n, revenue in rows]


def low_stock_variants(shop_id: uuid.UUID, threshold: int, limit: int = 20) -> list[LowStockVariant]:
    """Variants (not deleted) of the shop's ACTIVE products with stock at or under `threshold`."""
    rows = db.session.execute(
        select(ProductVariant.id, Product.id, Product.title, ProductVariant.name, ProductVariant.sku,
               ProductVariant.stock)
        .join(Product, Product.id == ProductVariant.product_id)
        .where(ProductVariant.shop_id == shop_id, ProductVariant.deleted_at.is_(None),
               ProductVariant.stock <= threshold, Product.status == ProductStatus.ACTIVE)
        .order_by(ProductVariant.stock, Product.title, ProductVariant.sku)
        .limit(limit)
    )
    return [LowStockVariant(*row) for row in rows]
