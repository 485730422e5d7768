"""Order statuses as people read them, in their language: the badge and the tabs of every order
page (buyer, seller, admin), the timeline's steps, and the status a refusal names. The enum values
stay English: the database, the API and its clients speak them.

The labels carry the context "order status": "Shipping" the status is not "Shipping" the fee.
"""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from marketplace.models import OrderStatus, PaymentMethod

S = OrderStatus

LABELS = {
    S.AWAITING_PAYMENT: lazy_pgettext("order status", "Awaiting payment"),
    S.PENDING: lazy_pgettext("order status", "Pending"),
    S.CONFIRMED: lazy_pgettext("order status", "Confirmed"),
    S.SHIPPING: lazy_pgettext("order status", "Shipping"),
    S.DELIVERED: lazy_pgettext("order status", "Delivered"),
    S.COMPLETED: lazy_pgettext("order status", "Completed"),
    S.CANCELLED: lazy_pgettext("order status", "Cancelled"),
}

# The timeline: what reaching each status means.
STEPS = {
    S.AWAITING_PAYMENT: _l("Waiting for payment"),
    S.PENDING: _l("Order placed"),
    S.CONFIRMED: _l("Confirmed by the shop"),
    S.SHIPPING: _l("Handed to the carrier"),
    S.DELIVERED: LABELS[S.DELIVERED],
    S.COMPLETED: _l("Receipt confirmed: order complete"),
    S.CANCELLED: LABELS[S.CANCELLED],
}

# The tabs of both order lists, in the order they are shown: (status or None for all, label).
TABS = [
    (None, _l("All")),
    (S.PENDING, _l("To confirm")),
    (S.CONFIRMED, _l("To ship")),
    (S.SHIPPING, LABELS[S.SHIPPING]),
    (S.DELIVERED, LABELS[S.DELIVERED]),
    (S.COMPLETED, LABELS[S.COMPLETED]),
    (S.CANCELLED, LABELS[S.CANCELLED]),
]

# A status inside a sentence ("This order is SHIPPING; ..."): English names it as the API does,
# which its clients have shown since launch; other languages name it by its label.
IN_A_SENTENCE = {
    S.AWAITING_PAYMENT: lazy_pgettext("order status in a sentence", "AWAITING_PAYMENT"),
    S.PENDING: lazy_pgettext("order status in a sentence", "PENDING"),
    S.CONFIRMED: lazy_pgettext("order status in a sentence", "CONFIRMED"),
    S.SHIPPING: lazy_pgettext("order status in a sentence", "SHIPPING"),
    S.DELIVERED: lazy_pgettext("order status in a sentence", "DELIVERED"),
    S.COMPLETED: lazy_pgettext("order status in a sentence", "COMPLETED"),
    S.CANCELLED: lazy_pgettext("order status in a sentence", "CANCELLED"),
}


# How an order is paid, as people read it (the API keeps COD and ONLINE).
METHODS = {
    PaymentMethod.COD: lazy_pgettext("payment method", "Cash on delivery"),
    PaymentMethod.ONLINE: lazy_pgettext("payment method", "Online payment"),
}


def method_label(method: PaymentMethod | str) -> str:
    """"Cash on delivery", "Thanh toán khi nhận hàng"; an unknown value as it is."""
    try:
        return str(METHODS[PaymentMethod(getattr(method, "value", method))])
    except (ValueError, KeyError):
        return str(getattr(method, "value", method))


def label(status: OrderStatus | str) -> str:
    """The status's name for people ("Shipping", "Đang giao"); an unknown value as it is."""
    try:
        return str(LABELS[OrderStatus(getattr(status, "value", status))])
    except (ValueError, KeyError):
        return str(getattr(status, "value", status))


def step(status: OrderStatus | str) -> str:
    """What reaching `status` means, for the timeline ("Handed to the carrier")."""
    try:
        return str(STEPS[OrderStatus(getattr(status, "value", status))])
    except (ValueError, KeyError):
        return str(getattr(status, "value", status))
