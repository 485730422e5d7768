"""What the returns pages and API read: lists (keyset pages), one return with its lines, photos and
timeline, the lines of an order still returnable, an order's refunds, and the admin's queues."""
import uuid
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.extensions import db
from marketplace.models import (
    Order, OrderItem, OrderStatus, Refund, RefundStatus, ReturnRequest, ReturnStatus, Shop, User,
)
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.services.core.paging import Page, cut, newest_first

PAGE_SIZE = 20


@dataclass(frozen=True)
class ReturnLine:
    item: OrderItem
    quantity: int


@dataclass(frozen=True)
class ReturnDetail:
    request: ReturnRequest
    order: Order
    lines: list[ReturnLine]
    refunds: list[Refund]


def parse_status(value: str | None) -> ReturnStatus | None:
    if not value:
        return None
    try:
        return ReturnStatus(value.upper())
    except ValueError:
        raise ValidationFailed(_("Unknown status."), field="status", code="invalid_status") from None


def _page(query, cursor: str | None, limit: int) -> Page[ReturnRequest]:
    query = query.options(selectinload(ReturnRequest.items))
    rows = list(db.session.scalars(newest_first(query, ReturnRequest.created_at, ReturnRequest.id, cursor, limit)))
    return cut(rows, limit)


def list_buyer_returns(buyer: User, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[ReturnRequest]:
    """The buyer's returns, newest first."""
    return _page(select(ReturnRequest).where(ReturnRequest.buyer_id == buyer.id), cursor, limit)


def list_shop_returns(shop: Shop, status: ReturnStatus | None = None, cursor: str | None = None,
                      limit: int = PAGE_SIZE) -> Page[ReturnRequest]:
    """The shop's returns, newest first, optionally in one status."""
    query = select(ReturnRequest).where(ReturnRequest.shop_id == shop.id)
    if status is not None:
        query = query.where(ReturnRequest.status == status.value)
    return _page(query, cursor, limit)


def list_disputed(cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[ReturnRequest]:
    """The admin's queue: returns waiting for an administrator's decision."""
    return _page(select(ReturnRequest).where(ReturnRequest.status == ReturnStatus.DISPUTED.value), cursor, limit)


def _detail(query) -> ReturnDetail:
    request = db.session.scalar(query.options(selectinload(ReturnRequest.items), selectinload(ReturnRequest.images),
                                              selectinload(ReturnRequest.events)))
    if request is None:
        raise NotFound(_("We couldn't find that return."))
    order = db.session.get(Order, request.order_id)
    items = {item.id: item for item in db.session.scalars(
        select(OrderItem).where(OrderItem.id.in_([line.order_item_id for line in request.items])))}
    lines = [ReturnLine(items[line.order_item_id], line.quantity) for line in request.items]
    found = list(db.session.scalars(select(Refund).where(Refund.return_id == request.id).order_by(Refund.created_at)))
    return ReturnDetail(request, order, lines, found)


def get_buyer_return(buyer: User, return_id: uuid.UUID) -> ReturnDetail:
    return _detail(select(ReturnRequest).where(ReturnRequest.id == return_id, ReturnRequest.buyer_id == buyer.id))


def get_shop_return(shop: Shop, return_id: uuid.UUID) -> ReturnDetail:
    return _detail(select(ReturnRequest).where(ReturnRequest.id == return_id, ReturnRequest.shop_id == shop.id))


def get_admin_return(return_id: uuid.UUID) -> ReturnDetail:
    return _detail(select(ReturnRequest).where(ReturnRequest.id == return_id))


def returns_of_order(order_id: uuid.UUID) -> list[ReturnRequest]:
    return list(db.session.scalars(select(ReturnRequest).where(ReturnRequest.order_id == order_id)
                                   .order_by(ReturnRequest.created_at.desc())))


@dataclass(frozen=True)
class AfterSale:
    returns: list[ReturnRequest]
    refunds: list[Refund]


def after_sale(order: Order) -> AfterSale:
    """What came after the sale, as the buyer's and the seller's order pages show it: the order's returns
    (only a delivered order has any) and its refunds (none while it awaits its payment); no statement for
    what cannot exist."""
    return AfterSale(returns=returns_of_order(order.id) if order.delivered_at else [],
                     refunds=refunds_of_order(order.id) if order.status is not OrderStatus.AWAITING_PAYMENT else [])


def returnable_lines(order: Order) -> list[tuple[OrderItem, int]]:
    """(line, units that may still be asked back) for each line of the order with any."""
    items = db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id))
    return [(item, item.quantity - item.return_quantity) for item in items if item.quantity > item.return_quantity]


def refunds_of_order(order_id: uuid.UUID) -> list[Refund]:
    return list(db.session.scalars(select(Refund).where(Refund.order_id == order_id).order_by(Refund.created_at)))


def list_refunds_to_pay(cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[Refund]:
    """The admin's refunds queue: owed by hand (cash on delivery) or failed at the provider."""
    query = select(Refund).where(
        (Refund.status == RefundStatus.FAILED.value)
        | ((Refund.status == RefundStatus.OWED.value) & (Refund.method == "COD")))
    rows = list(db.session.scalars(newest_first(query, Refund.created_at, Refund.id, cursor, limit)))
    return cut(rows, limit)


def orders_by_id(ids) -> dict[uuid.UUID, Order]:
    ids = list(set(ids))
    return {order.id: order for order in db.session.scalars(select(Order).where(Order.id.in_(ids)))} if ids else {}


def item_counts(requests: list[ReturnRequest]) -> dict[uuid.UUID, int]:
    return {request.id: sum(line.quantity for line in request.items) for request in requests}

