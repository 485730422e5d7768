"""What the payment tests share: an ONLINE checkout placed from two shops, and the sandbox's own
signed notifications for it."""
import json
import uuid

from flask import current_app
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Order

from marketplace.services.cart import cart
from marketplace.services.ordering.checkout import place_orders
from marketplace.services.payments import payments
from marketplace.services.payments.providers import sandbox
from marketplace.services.payments.providers.base import Notification, Outcome
from tests.factories import make_address, make_product, make_shop, make_user, make_voucher

NOTIFY_PATH = "/payments/notify/sandbox"


def links(payment_id):
    return f"http://localhost/payments/return/{payment_id}", f"http://localhost{NOTIFY_PATH}"


def online_checkout(*, voucher: bool = False):
    """A buyer's ONLINE checkout of 2 shirts (shop A, stock 5) and 1 mug (shop B, stock 3), placed and
    its payment started; returns a dict of what the tests look at."""
    buyer = make_user()
    address = make_address(buyer)
    shop_a, shop_b = make_shop(name="Alpha"), make_shop(name="Beta")
    shirt = make_product(shop=shop_a, title="Shirt", variants=[{"price": 2000, "stock": 5}])
    mug = make_product(shop=shop_b, title="Mug", variants=[{"price": 1200, "stock": 3}])
    cart.add_item(buyer, shirt.variants[0].id, 2)
    cart.add_item(buyer, mug.variants[0].id, 1)
    codes = {}
    code = None
    if voucher:
        code = make_voucher(shop_a, usage_limit=5)
        codes = {str(shop_a.id): code.code}
    key = uuid.uuid4().hex
    placed = place_orders(buyer, address.id, "ONLINE", vouchers=codes, idempotency_key=key)
    payment, started = payments.start_payment(buyer, placed, links)
    return {"key": key, "buyer": buyer, "address": address, "shops": (shop_a, shop_b), "variants": (shirt.variants[0],
            mug.variants[0]), "placed": placed, "payment": payment, "started": started, "voucher": code}


def sandbox_provider():
    return sandbox.from_config(current_app.config)


def notification(payment, outcome=Outcome.PAID, *, reference=None, amount=None, currency=None,
                 event_id=None) -> Notification:
    return Notification(event_id=event_id or f"evt_{uuid.uuid4().hex}",
                        reference=reference or payment.provider_reference, outcome=outcome,
                        amount=payment.amount if amount is None else amount,
                        currency=currency or payment.currency)


def signed_body(payment, outcome="paid", **overrides) -> tuple[bytes, dict]:
    """The body and headers the sandbox would post for `payment`'s current attempt."""
    data = {"event_id": f"evt_{uuid.uuid4().hex}", "reference": payment.provider_reference, "outcome": outcome,
            "amount": payment.amount, "currency": payment.currency, **overrides}
    body = json.dumps(data).encode()
    return body, {"Content-Type": "application/json", sandbox.SIGNATURE_HEADER: sandbox_provider().sign(body)}


def orders_of(data):
    """The orders of an online_checkout's checkout, read fresh."""
    return list(db.session.scalars(select(Order).where(Order.checkout_id == data["placed"].checkout_id)
                                   .order_by(Order.number).execution_options(populate_existing=True)))


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def stock_of(data):
    """The stock of an online_checkout's variants, read fresh."""
    for variant in data["variants"]:
        db.session.refresh(variant)
    return tuple(v.stock for v in data["variants"])
