"""Platform figures for the admin dashboard, each computed by one SQL aggregate.

Days are UTC calendar days (times are stored in UTC). GMV is the sum of the totals
of orders that were not cancelled; "orders" counts every order placed that day.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import Date, cast, func, literal_column, select

from marketplace.extensions import db
from marketplace.models import (
    Order, OrderStatus, Product, ProductStatus, Review, Role, Shop, ShopStatus, User, UserStatus,
)


@dataclass(frozen=True)
class PlatformCounts:
    users: int
    sellers: int
    admins: int
    suspended_users: int
    active_shops: int
    pending_shops: int
    suspended_shops: int
    products: int
    hidden_products: int
    hidden_reviews: int


@dataclass(frozen=True)
class DailySales:
    day: date
    orders: int
    gmv: int


def _count(model, *conditions):
    return select(func.count()).select_from(model).where(*conditions).scalar_subquery()


def platform_counts() -> PlatformCounts:
    """Head counts in one statement (one scalar subquery per figure)."""
    row = db.session.execute(select(
        _count(User).label("users"),
        _count(User, User.role == Role.SELLER).label("sellers"),
        _count(User, User.role == Role.ADMIN).label("admins"),
        _count(User, User.status == UserStatus.SUSPENDED).label("suspended_users"),
        _count(Shop, Shop.status == ShopStatus.ACTIVE).label("active_shops"),
        _count(Shop, Shop.status == ShopStatus.PENDING).label("pending_shops"),
        _count(Shop, Shop.status == ShopStatus.SUSPENDED).label("suspended_shops"),
        _count(Product, Product.status != ProductStatus.DELETED).label("products"),
        _count(Product, Product.status == ProductStatus.HIDDEN).label("hidden_products"),
        _count(Review, Review.is_hidden.is_(True)).label("hidden_reviews"),
    )).one()
    return PlatformCounts(**row._asdict())


def _utc_day(column):
    # AT TIME ZONE makes the grouping independent of the connection's TimeZone setting.
    return func.date_trunc("day", func.timezone("UTC", column))


def daily_sales(days: int = 30, today: date | None = None) -> list[DailySales]:
    """Orders placed and GMV for each of the last `days` UTC days (today included), zero days too.

    One statement: the orders of the window grouped by day, right-joined to a
    generate_series of the days so quiet days show as zero.
    """
    first, today, window_start, window_end = _window(days, today)

    per_day = (
        select(
            _utc_day(Order.created_at).label("day"),
            func.count().label("orders"),
            func.coalesce(func.sum(Order.total).filter(Order.status != OrderStatus.CANCELLED), 0).label("gmv"),
        )
        .where(Order.created_at >= window_start, Order.created_at < window_end)
        .group_by(literal_column("1"))
        .subquery()
    )
    series = select(
        func.generate_series(cast(first, Date), cast(today, Date), literal_column("interval '1 day'"))
        .column_valued("day")
    ).subquery()
    day = cast(series.c.day, Date)
    rows = db.session.execute(
        select(day, func.coalesce(per_day.c.orders, 0), func.coalesce(per_day.c.gmv, 0))
        .select_from(series.outerjoin(per_day, cast(per_day.c.day, Date) == day))
        .order_by(day)
    ).all()
    return [DailySales(day=d, orders=int(n), gmv=int(g)) for d, n, g in rows]


def orders_by_status() -> dict[OrderStatus, int]:
    """Number of orders in each status (every status listed, zero included)."""
    rows = db.session.execute(select(Order.status, func.count()).group_by(Order.status)).all()
    found = dict(rows)
    return {status: found.get(status, 0) for status in OrderStatus}


def _window(days: int, today: date | None) -> tuple[date, date, datetime, datetime]:
    today = today or datetime.now(timezone.utc).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=timezone.utc)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=timezone.utc)
    return first, today, start, end


def sales_summary(days: int = 30, today: date | None = None) -> DailySales:
    """Orders and GMV over the whole window (`day` is its first day)."""
    first, _, start, end = _window(days, today)
    orders, gmv = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Order.total).filter(Order.status != OrderStatus.CANCELLED), 0))
        .where(Order.created_at >= start, Order.created_at < end)
    ).one()
    return DailySales(day=first, orders=int(orders), gmv=int(gmv))
