"""API: the signed-in user's cart — read, add, change, remove, and merge the app's offline cart."""
import uuid

from flask import request
from flask_login import current_user
from spectree import Response

from marketplace.api import bp
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.cart import (
    CartAddHeaders, CartAdjustmentOut, CartItemIn, CartOut, CartQuantityIn, CartSyncIn, CartSyncOut,
)
from marketplace.api.spec import SESSION, SESSION_CSRF, spec
from marketplace.services.cart import cart as cart_service
from marketplace.services.cart import cart_queries, cart_requests
from marketplace.web.auth import login_required


def _cart() -> CartOut:
    return CartOut.of(cart_queries.view_cart(current_user))


@bp.get("/cart")
@login_required
@spec.validate(resp=Response(HTTP_200=CartOut, HTTP_401=ErrorOut), tags=["cart"], security=SESSION)
def get_cart():
    """Signed-in users: their cart grouped by shop; lines that cannot be bought are flagged."""
    return _cart(), 200


@bp.post("/cart/items")
@login_required
@spec.validate(json=CartItemIn, headers=CartAddHeaders,
               resp=Response(HTTP_200=CartOut, HTTP_201=CartOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut,
                             HTTP_422=ErrorOut), tags=["cart"], security=SESSION_CSRF)
def add_cart_item():
    """Signed-in users: add a variant (adds to its line); refused beyond the stock. Answers the cart.

    With an Idempotency-Key header, a retry with the same key adds nothing and answers 200."""
    body = request.context.json
    replayed = cart_requests.add_item(current_user, body.variant_id, body.quantity,
                                      idempotency_key=request.context.headers.idempotency_key)
    return _cart(), (200 if replayed else 201)


@bp.patch("/cart/items/<uuid:item_id>")
@login_required
@spec.validate(json=CartQuantityIn, resp=Response(HTTP_200=CartOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut,
                                                  HTTP_422=ErrorOut), tags=["cart"], security=SESSION_CSRF)
def update_cart_item(item_id: uuid.UUID):
    """Signed-in users: set the quantity of one of their lines (another user's line is 404)."""
    cart_service.set_quantity(current_user, item_id, request.context.json.quantity)
    return _cart(), 200


@bp.delete("/cart/items/<uuid:item_id>")
@login_required
@spec.validate(resp=Response(HTTP_200=CartOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut), tags=["cart"],
               security=SESSION_CSRF)
def delete_cart_item(item_id: uuid.UUID):
    """Signed-in users: remove one of their lines (another user's line is 404). Answers the cart."""
    cart_service.remove_line(current_user, item_id)
    return _cart(), 200


@bp.post("/cart/sync")
@login_required
@spec.validate(json=CartSyncIn, resp=Response(HTTP_200=CartSyncOut, HTTP_401=ErrorOut, HTTP_422=ErrorOut),
               tags=["cart"], security=SESSION_CSRF)
def sync_cart():
    """Signed-in users: merge the app's offline cart (quantities add, capped at stock); says what was capped."""
    items = [(item.variant_id, item.quantity) for item in request.context.json.items]
    notes = cart_service.sync_cart(current_user, items)
    adjustments = [CartAdjustmentOut(variant_id=n.variant_id, wanted=n.wanted, kept=n.kept, message=n.message)
                   for n in notes]
    return CartSyncOut(cart=_cart(), adjustments=adjustments), 200
