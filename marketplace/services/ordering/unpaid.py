"""What a checkout's payment does to its orders: paid, they go on to PENDING and their shops hear of
them (as they hear of a COD order at placement); unpaid when the hold ends, they are cancelled like
any order (stock and voucher uses back, buyer and shops told).

No person makes the paid and expired moves: their event's actor is NULL. The buyer's own cancel of
an unpaid checkout is the buyer's rule for any order (orders.cancel_by_buyer), applied to each of its
orders. The caller (services/payments) holds the payment row's lock, so "paid", "expired" and
"cancelled" never run together for one checkout; each order row is locked here too and moved only from AWAITING_PAYMENT, so a move made twice changes nothing.
"""
import uuid

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from marketplace import i18n
from marketplace.extensions import db
from marketplace.models import Order, OrderEvent, OrderItem, OrderStatus, Shop, User
from marketplace.services.accounts.notifications import notify
from marketplace.services.ordering.orders import cancel_by_buyer as cancel_one, restock, return_voucher

S = OrderStatus
NOT_PAID_IN_TIME = "Not paid in time"  # the record's words, in English like the API; pages translate them


def _awaiting(order_ids: list[uuid.UUID]) -> list[Order]:
    """The orders still AWAITING_PAYMENT, locked, in id order (the order every locker uses)."""
    return list(db.session.scalars(
        select(Order).where(Order.id.in_(order_ids), Order.status == S.AWAITING_PAYMENT)
        .order_by(Order.id).with_for_update().execution_options(populate_existing=True)
    ))


def mark_paid(order_ids: list[uuid.UUID]) -> list[Order]:
    """The paid orders go on to PENDING, and each shop owner gets their "New order" now."""
    orders = _awaiting(order_ids)
    for order in orders:
        order.status = S.PENDING
        db.session.add(OrderEvent(order_id=order.id, actor_id=None, from_status=S.AWAITING_PAYMENT,
                                  to_status=S.PENDING))
        shop = db.session.get(Shop, order.shop_id)
        buyer = db.session.get(User, order.buyer_id)
        units = db.session.scalar(select(func.sum(OrderItem.quantity)).where(OrderItem.order_id == order.id)) or 0
        with i18n.in_language_of(db.session.get(User, shop.owner_id)):
            notify(shop.owner_id, "order.placed", _("New order %(number)s", number=order.number),
                   ngettext("%(name)s ordered %(num)d item.", "%(name)s ordered %(num)d items.", units,
                            name=buyer.full_name),
                   f"/seller/orders/{order.id}")
    db.session.flush()
    return orders


def expire(order_ids: list[uuid.UUID]) -> list[Order]:
    """The unpaid orders are cancelled: stock and voucher uses back, the buyer and the shops told."""
    orders = _awaiting(order_ids)
    for order in orders:
        order.status = S.CANCELLED
        order.cancel_reason = NOT_PAID_IN_TIME
        restock(order)
        return_voucher(order)
        db.session.add(OrderEvent(order_id=order.id, actor_id=None, from_status=S.AWAITING_PAYMENT,
                                  to_status=S.CANCELLED, note=NOT_PAID_IN_TIME))
        shop = db.session.get(Shop, order.shop_id)
        with i18n.in_language_of(db.session.get(User, order.buyer_id)):
            notify(order.buyer_id, "order.cancelled", _("Order %(number)s was cancelled", number=order.number),
                   _("It was not paid in time; the items went back on sale."), f"/orders/{order.id}")
        with i18n.in_language_of(db.session.get(User, shop.owner_id)):
            notify(shop.owner_id, "order.cancelled", _("Order %(number)s was cancelled", number=order.number),
                   _("The buyer did not pay in time; the stock is back."), f"/seller/orders/{order.id}")
    db.session.flush()
    return orders


def cancel_by_buyer(buyer: User, order_ids: list[uuid.UUID]) -> list[Order]:
    """The buyer gives up before paying: each order still AWAITING_PAYMENT is cancelled as the buyer
    cancels a PENDING one (stock and voucher uses back, the event theirs, the shop told)."""
    return [cancel_one(buyer, order.id, with_its_checkout=True) for order in _awaiting(order_ids)]
