"""API: POST /orders — place one order per shop from the cart (the order pages are api/orders.py) —
and POST /orders/quote, what it would cost now.

The Idempotency-Key header is required: the same key again answers the same orders
(200) instead of placing new ones (201). The app may send the quoted total as
`expected_total`: a checkout whose total changed since is refused (409 prices_changed) and
the request's unit of work rolls it back whole, the key's claim included, so a retry with the
same key places the orders once the buyer agrees. A placed checkout is committed by that unit
of work once the handler has answered.
A cart line is ordered once whatever the keys: a checkout racing another for the same line is
refused (409 cart_changed).
`payment_method: "ONLINE"` places the orders AWAITING_PAYMENT and answers the checkout's payment
(its redirect_url or client_secret, and hold_until); the provider's notification makes them PENDING.
"""
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from spectree import Response

from marketplace.api import bp
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.cart import IdempotencyHeaders, PlaceOrdersIn, QuoteIn, QuoteOut
from marketplace.api.schemas.orders import OrderOut, PaymentOut, PlacedOrdersOut
from marketplace.api.spec import SESSION_CSRF, spec
from marketplace.payments.starting import start as payment_start
from marketplace.services.cart import cart_queries
from marketplace.services.cart.buy_now import buy_now_view, check_buy_now
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.ordering.checkout import place_orders
from marketplace.services.ordering.checkout_queries import preview_checkout
from marketplace.web.auth import login_required, verified_required


@bp.post("/orders")
@verified_required
@spec.validate(json=PlaceOrdersIn, headers=IdempotencyHeaders,
               resp=Response(HTTP_200=PlacedOrdersOut, HTTP_201=PlacedOrdersOut, HTTP_401=ErrorOut,
                             HTTP_403=ErrorOut, HTTP_404=ErrorOut, HTTP_409=ErrorOut, HTTP_422=ErrorOut),
               tags=["orders"], security=SESSION_CSRF)
def place_order():
    """Verified users: place the chosen cart lines (default all), or one "Buy now" item, as one order
    per shop, all or nothing."""
    body = request.context.json
    placed = place_orders(
        current_user, body.address_id, body.payment_method, cart_item_ids=body.cart_item_ids,
        vouchers=body.vouchers, idempotency_key=request.context.headers.idempotency_key,
        expected_total=body.expected_total,
        buy_now=(body.buy_now.variant_id, body.buy_now.quantity) if body.buy_now else None,
    )
    payment, started = payment_start(current_user, placed)
    out = PlacedOrdersOut(orders=[OrderOut.from_order(order) for order in placed.orders],
                          payment=PaymentOut.of(payment, started) if payment else None)
    return out, (200 if placed.replayed else 201)


@bp.post("/orders/quote")
@login_required
@spec.validate(json=QuoteIn, resp=Response(HTTP_200=QuoteOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut,
                                           HTTP_422=ErrorOut),
               tags=["orders"], security=SESSION_CSRF)
def quote_orders():
    """Signed-in users: what placing these lines (default: every line that can be bought), or one
    "Buy now" item, with these vouchers costs now, per shop and in all; changes nothing. Its `total`
    is POST /orders' expected_total."""
    body = request.context.json
    vouchers = {str(shop_id): code for shop_id, code in (body.vouchers or {}).items()}
    if body.buy_now is None:
        preview = preview_checkout(current_user, cart_queries.view_cart(current_user), body.cart_item_ids, vouchers)
    else:
        if body.cart_item_ids is not None:
            raise ValidationFailed(_("Buy now orders one product: choose no cart lines with it."),
                                   code="buy_now_with_cart_lines", field="cart_item_ids")
        buy = check_buy_now(current_user, body.buy_now.variant_id, body.buy_now.quantity)
        preview = preview_checkout(current_user, buy_now_view(current_user, buy), None, vouchers)
    return QuoteOut.of(preview), 200
