"""The ledger's record of a sale: the buyer's money coming in, and the delivered order's money shared
between the shop (pending, until settlement) and the platform (commission). Each posting has a key,
so a notification told twice or a delivery retried posts once.

    online payment captured   CASH +total           BUYER_FUNDS -total (per order)
    paid but not wanted       CASH +amount          REFUNDS_OWED -amount       (after the hold expired, or twice)
    ... and given back        REFUNDS_OWED +amount  CASH -amount               (the provider's refund, at once)
    cash collected (COD)      CASH +order.total     BUYER_FUNDS -order.total   (at delivery)
    delivered                 BUYER_FUNDS +total    SHOP_PENDING -(paid - commission) per line,
                                                    SHOP_PENDING -shipping, COMMISSION -commission per line
"""
import uuid
from datetime import datetime

from marketplace.models import Order, OrderItem, PaymentMethod, TransactionKind
from marketplace.services.ledger.ledger import K, credit, debit, post

T = TransactionKind


def payment_captured(payment_id: uuid.UUID, currency: str, orders: list[Order]) -> None:
    """An online payment of a checkout reached us: the buyer's money is held until each order is delivered."""
    total = sum(order.total for order in orders)
    post(T.PAYMENT_CAPTURED, currency,
         [debit(K.CASH, total)] + [credit(K.BUYER_FUNDS, order.total, order_id=order.id) for order in orders],
         key=f"capture:{payment_id}", memo="online payment")


def payment_returned(refund_id: uuid.UUID, currency: str, amount: int, reason: str) -> None:
    """A payment that no order wanted (it came after its orders were cancelled, or a second attempt paid as
    well) was given back through the provider at once (a PaymentRefund): the money came in, owed straight
    back, and went out, so the cash account follows the provider's statement."""
    post(T.PAYMENT_CAPTURED, currency, [debit(K.CASH, amount), credit(K.REFUNDS_OWED, amount)],
         key=f"capture:returned:{refund_id}", memo=f"online payment {reason}")
    post(T.REFUND_PAID, currency, [debit(K.REFUNDS_OWED, amount), credit(K.CASH, amount)],
         key=f"refund-paid:returned:{refund_id}", memo=f"refunded: {reason}")


def order_delivered(order: Order, items: list[OrderItem], at: datetime | None = None) -> None:
    """The order reached the buyer: (cash on delivery) the cash collected, then the shop's earnings
    pending and the platform's commission, line by line. `at`: when, if not now (the demo's history)."""
    if order.payment_method is PaymentMethod.COD:
        post(T.PAYMENT_CAPTURED, order.currency,
             [debit(K.CASH, order.total, order_id=order.id), credit(K.BUYER_FUNDS, order.total, order_id=order.id)],
             key=f"capture:order:{order.id}", memo=f"cash on delivery {order.number}", order_id=order.id, at=at)
    shop = dict(shop_id=order.shop_id, order_id=order.id)
    entries = [debit(K.BUYER_FUNDS, order.total, order_id=order.id),
               credit(K.SHOP_PENDING, order.shipping_fee, **shop)]
    for item in items:
        entries.append(credit(K.SHOP_PENDING, item.paid - item.commission, order_item_id=item.id, **shop))
        entries.append(credit(K.COMMISSION, item.commission, order_id=order.id, order_item_id=item.id))
    post(T.SALE_EARNED, order.currency, entries, key=f"earn:{order.id}", memo=f"delivered {order.number}",
         order_id=order.id, at=at)
