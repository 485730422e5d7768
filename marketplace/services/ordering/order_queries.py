"""Reading orders: a buyer's orders, a shop's orders (with counts per status), one order's detail.

Authorization is part of every query: a buyer only finds their orders, a seller only
their shop's; anything else is NotFound, the same answer as an order that doesn't exist.
Lists are keyset-paginated on (created_at DESC, id DESC) and load their lines with a
fixed number of statements whatever the page length.
"""
import uuid

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.extensions import db
from marketplace.models import Order, OrderEvent, OrderStatus, Shop, ShopSalesDaily, User
from marketplace.services.core import paging, rollups
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.services.core.paging import Page
from marketplace.services.ordering import statuses

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50

# The tabs of both order pages (statuses.py names them in the viewer's language).
STATUS_TABS = statuses.TABS


def parse_status(value: str | None, field: str = "status") -> OrderStatus | None:
    """'' or 'all' → None; a status name in any case → the status; anything else → 422."""
    if not value or value.lower() == "all":
        return None
    try:
        return OrderStatus(value.upper())
    except ValueError:
        raise ValidationFailed(_("Unknown order status."), field=field, code="invalid_status") from None


def list_buyer_orders(buyer: User, status: OrderStatus | None = None, cursor: str | None = None,
                      limit: int = PAGE_SIZE, with_events: bool = False) -> Page[Order]:
    """`buyer`'s orders, newest first, optionally in one status."""
    query = select(Order).where(Order.buyer_id == buyer.id)
    return _page(query, status, cursor, limit, with_events)


def list_shop_orders(shop: Shop, status: OrderStatus | None = None, cursor: str | None = None,
                     limit: int = PAGE_SIZE) -> Page[Order]:
    """`shop`'s orders, newest first, optionally in one status; not those still awaiting payment (not yet work)."""
    query = select(Order).where(Order.shop_id == shop.id, Order.status != OrderStatus.AWAITING_PAYMENT)
    return _page(query, status, cursor, limit, with_events=False)


def count_shop_orders_by_status(shop: Shop) -> dict[OrderStatus | None, int]:
    """{status: count} for every status (zeros included) plus None → the total; one GROUP BY over
    the shop's daily rollup (a few rows per day, however many orders: services/core/rollups.py)."""
    counts: dict[OrderStatus | None, int] = dict.fromkeys(OrderStatus, 0)
    rollups.include_pending()
    rows = db.session.execute(
        select(ShopSalesDaily.status, func.sum(ShopSalesDaily.orders))
        .where(ShopSalesDaily.shop_id == shop.id).group_by(ShopSalesDaily.status)
    )
    for status, count in rows:
        counts[status] = int(count)
    counts[None] = sum(n for status, n in counts.items() if status is not OrderStatus.AWAITING_PAYMENT)
    return counts


def get_buyer_order(buyer: User, order_id: uuid.UUID) -> Order:
    """One of `buyer`'s orders with shop, lines and timeline (3 statements), or NotFound."""
    return _detail(select(Order).where(Order.id == order_id, Order.buyer_id == buyer.id))


def get_shop_order(shop: Shop, order_id: uuid.UUID) -> Order:
    """One of `shop`'s orders with shop, lines and timeline (3 statements), or NotFound (also while it
    awaits payment: the shop hears of it once paid)."""
    return _detail(select(Order).where(Order.id == order_id, Order.shop_id == shop.id,
                                       Order.status != OrderStatus.AWAITING_PAYMENT))


def _detail(query: Select) -> Order:
    order = db.session.scalar(
        query.options(
            joinedload(Order.shop),
            selectinload(Order.items),
            selectinload(Order.events).joinedload(OrderEvent.actor),
        ).execution_options(populate_existing=True)
    )
    if order is None:
        raise NotFound(_("We couldn't find that order."))
    return order


def _page(query: Select, status: OrderStatus | None, cursor: str | None, limit: int,
          with_events: bool) -> Page[Order]:
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    if status is not None:
        query = query.where(Order.status == status)
    options = [joinedload(Order.shop), selectinload(Order.items)]
    if with_events:
        options.append(selectinload(Order.events))
    return paging.newest_first_page(query.options(*options), Order.created_at, Order.id, cursor, limit)
