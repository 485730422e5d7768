"""Platform figures for the admin dashboard, each computed by one SQL aggregate.

Days are the marketplace's calendar days (the rollups' zone, DEFAULT_TIMEZONE; times are stored
in UTC: services/core/rollups.py). GMV is the sum of the totals of orders that were not
cancelled; "orders" counts every order placed that day. Order figures come from the sales_daily
rollup (migration perf01), so the dashboard costs the same with 200,000 orders as with 20.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (
    OrderStatus, ProductCount, ProductStatus, Review, Role, SalesDaily, Shop, ShopStatus, User, UserStatus,
)
from marketplace.services.core import rollups


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
    return PlatformCounts(**db.session.execute(platform_counts_statement()).one()._asdict())


def _products(*statuses: ProductStatus):
    """Products with these statuses, from the counts the database keeps (migration perf06)."""
    return (select(func.coalesce(func.sum(ProductCount.products), 0))
            .where(ProductCount.status.in_(statuses)).scalar_subquery())


def platform_counts_statement():
    """Users and shops are counted (thousands of rows, with their own indexes); products come from
    product_counts, a handful of rows whatever the size of the catalogue."""
    return select(
        _count(User).label("users"),
        _count(User, User.role == Role.SELLER).label("sellers"),
        _count(User, User.role == Role.ADMIN).label("admins"),
        _count(User, User.status == UserStatus.SUSPENDED).label("suspended_users"),
        _count(Shop, Shop.status == ShopStatus.ACTIVE).label("active_shops"),
        _count(Shop, Shop.status == ShopStatus.PENDING).label("pending_shops"),
        _count(Shop, Shop.status == ShopStatus.SUSPENDED).label("suspended_shops"),
        _products(*(status for status in ProductStatus if status != ProductStatus.DELETED)).label("products"),
        _products(ProductStatus.HIDDEN).label("hidden_products"),
        _count(Review, Review.is_hidden).label("hidden_reviews"),  # plain column: ix_reviews_hidden answers
    )


def daily_sales(days: int = 30, today: date | None = None) -> list[DailySales]:
    """Orders placed and GMV for each of the last `days` local days (today included), zero days too.

    Read from the sales_daily rollup (a few rows per day, kept by the database at each
    commit; services/core/rollups.py), not from the orders themselves.
    """
    rollups.include_pending()
    first, today = _window(days, today)
    found = {
        day: (int(orders), int(gmv))
        for day, orders, gmv in db.session.execute(
            select(SalesDaily.day, func.sum(SalesDaily.orders), _gmv(SalesDaily))
            .where(SalesDaily.day >= first, SalesDaily.day <= today)
            .group_by(SalesDaily.day)
        )
    }
    return [DailySales(day=d, orders=found.get(d, (0, 0))[0], gmv=found.get(d, (0, 0))[1])
            for d in (first + timedelta(days=i) for i in range(days))]


def _gmv(table):
    paid = table.status.notin_((OrderStatus.CANCELLED, OrderStatus.AWAITING_PAYMENT))  # paid orders only
    return func.coalesce(func.sum(table.total).filter(paid), 0)


def orders_by_status() -> dict[OrderStatus, int]:
    """Number of orders in each status (every status listed, zero included), from the rollup."""
    rollups.include_pending()
    found = dict(db.session.execute(
        select(SalesDaily.status, func.sum(SalesDaily.orders)).group_by(SalesDaily.status)).all())
    return {status: int(found.get(status) or 0) for status in OrderStatus}


def _window(days: int, today: date | None) -> tuple[date, date]:
    """(first day, last day) of the `days` days ending `today` (by default today in the rollups' zone)."""
    today = today or rollups.local_today()
    return today - timedelta(days=days - 1), today


def sales_summary(days: int = 30, today: date | None = None) -> DailySales:
    """Orders and GMV over the whole window (`day` is its first day)."""
    rollups.include_pending()
    first, today = _window(days, today)
    orders, gmv = db.session.execute(
        select(func.coalesce(func.sum(SalesDaily.orders), 0), _gmv(SalesDaily))
        .where(SalesDaily.day >= first, SalesDaily.day <= today)
    ).one()
    return DailySales(day=first, orders=int(orders), gmv=int(gmv))
