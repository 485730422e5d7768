"""Seller dashboard figures, each one SQL aggregate over the shop's orders and variants.

Days are UTC calendar days: "today" starts at UTC midnight, "7 days" is today and the
six days before it, "30 days" today and the 29 before. Revenue is the sum of order
totals (what the buyer pays, shipping included) of every order not cancelled.
"""
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Date, cast, func, select

from marketplace.extensions import db
from marketplace.models import Order, OrderItem, OrderStatus, Product, ProductStatus, ProductVariant

SOLD_STATUSES = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
STATUS_ORDER = [OrderStatus.PENDING_PAYMENT, OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPING,
                OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.CANCELLED]
CHART_DAYS = 30


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


def day_start(now: datetime | None = None, days_back: int = 0) -> datetime:
    """UTC midnight of today (or of `days_back` days ago)."""
    today = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).date()
    return datetime.combine(today - timedelta(days=days_back), time.min, tzinfo=timezone.utc)


def sales_windows(shop_id: uuid.UUID, now: datetime | None = None) -> list[Window]:
    """Revenue, orders and cancellations for today, 7 and 30 days: one statement with FILTERs."""
    starts = [("Today", day_start(now)), ("7 days", day_start(now, 6)), ("30 days", day_start(now, CHART_DAYS - 1))]
    live = Order.status != OrderStatus.CANCELLED
    columns = []
    for _, since in starts:
        recent = Order.created_at >= since
        columns += [
            func.coalesce(func.sum(Order.total).filter(live, recent), 0),
            func.count().filter(live, recent),
            func.count().filter(Order.status == OrderStatus.CANCELLED, recent),
        ]
    row = db.session.execute(
        select(*columns).where(Order.shop_id == shop_id, Order.created_at >= starts[-1][1])
    ).one()
    return [Window(label, int(row[3 * i]), row[3 * i + 1], row[3 * i + 2]) for i, (label, _) in enumerate(starts)]


def revenue_by_day(shop_id: uuid.UUID, now: datetime | None = None, days: int = CHART_DAYS) -> list[DayFigure]:
    """Revenue and order count per UTC day for the last `days` days (days without orders are 0)."""
    since = day_start(now, days - 1)
    day = cast(func.timezone("UTC", Order.created_at), Date)
    totals = {
        d: (int(revenue), orders)
        for d, revenue, orders in db.session.execute(
            select(day, func.sum(Order.total), func.count())
            .where(Order.shop_id == shop_id, Order.status != OrderStatus.CANCELLED, Order.created_at >= since)
            .group_by(day)
        )
    }
    first = since.date()
    return [DayFigure(d, *totals.get(d, (0, 0))) for d in (first + timedelta(days=i) for i in range(days))]


def orders_by_status(shop_id: uuid.UUID) -> list[tuple[OrderStatus, int]]:
    """How many of the shop's orders are in each status (all time), in lifecycle order."""
    counts = dict(db.session.execute(
        select(Order.status, func.count()).where(Order.shop_id == shop_id).group_by(Order.status)
    ).all())
    return [(status, counts.get(status, 0)) for status in STATUS_ORDER
            if status != OrderStatus.PENDING_PAYMENT or counts.get(status)]


def top_products(shop_id: uuid.UUID, now: datetime | None = None, days: int = CHART_DAYS,
                 limit: int = 5) -> list[TopProduct]:
    """Products by units sold in delivered or completed orders placed in the last `days` days."""
    units = func.sum(OrderItem.quantity)
    rows = db.session.execute(
        select(OrderItem.product_id, func.max(OrderItem.product_title), units, func.sum(OrderItem.line_total))
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.shop_id == shop_id, Order.status.in_(SOLD_STATUSES), Order.created_at >= day_start(now, days - 1))
        .group_by(OrderItem.product_id)
        .order_by(units.desc(), func.max(OrderItem.product_title), OrderItem.product_id)
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
