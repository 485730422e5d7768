"""API: POST /orders — place one order per shop from the cart (the order pages are api/orders.py).

The Idempotency-Key header is required: the same key again answers the same orders
(200) instead of placing new ones (201).
"""
from flask import request
from flask_login import current_user
from spectree import Response

from marketplace.api import bp
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.cart import IdempotencyHeaders, PlaceOrdersIn
from marketplace.api.schemas.orders import OrderOut, PlacedOrdersOut
from marketplace.api.spec import spec
from marketplace.extensions import db
from marketplace.services.checkout import place_orders
from marketplace.web.auth import verified_required


@bp.post("/orders")
@verified_required
@spec.validate(json=PlaceOrdersIn, headers=IdempotencyHeaders,
               resp=Response(HTTP_200=PlacedOrdersOut, HTTP_201=PlacedOrdersOut, HTTP_401=ErrorOut,
                             HTTP_403=ErrorOut, HTTP_404=ErrorOut, HTTP_409=ErrorOut, HTTP_422=ErrorOut),
               tags=["orders"], security={"session": [], "csrf": []})
def place_order():
    """Verified users: place the chosen cart lines (default all) as one order per shop, all or nothing."""
    body = request.context.json
    placed = place_orders(
        current_user, body.address_id, body.payment_method, cart_item_ids=body.cart_item_ids,
        vouchers=body.vouchers, idempotency_key=request.context.headers.idempotency_key,
    )
    # Built before the commit, which would expire the orders and reload each of them (4 statements).
    out = PlacedOrdersOut(orders=[OrderOut.from_order(order) for order in placed.orders])
    db.session.commit()
    return out, (200 if placed.replayed else 201)
