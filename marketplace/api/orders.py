"""API: the buyer's placed orders — list by status, one order, cancel, confirm receipt.

Placing orders (POST /orders) lives in api/checkout.py. Another user's order is 404;
a transition the state machine refuses is 409 with the reason.
"""
import uuid

from flask import request
from flask_login import current_user
from spectree import Response

from marketplace.api import bp
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.orders import CancelOrderIn, OrderListOut, OrderOut, OrdersQuery
from marketplace.api.spec import SESSION, SESSION_CSRF, spec
from marketplace.services.ordering import orders
from marketplace.services.reviews import review_queries
from marketplace.services.reviews.reviews import REVIEWABLE_STATUSES
from marketplace.web.auth import login_required


@bp.get("/orders")
@login_required
@spec.validate(query=OrdersQuery, resp=Response(HTTP_200=OrderListOut, HTTP_401=ErrorOut, HTTP_422=ErrorOut),
               tags=["orders"], security=SESSION)
def list_orders():
    """Signed-in users: their orders, newest first, optionally in one status; keyset-paged."""
    query = request.context.query
    status = orders.parse_status(query.status)
    page = orders.list_buyer_orders(current_user, status, query.cursor, query.limit, with_events=True)
    review_ids = _review_ids(page.items)
    return OrderListOut(items=[OrderOut.from_order(o, review_ids) for o in page.items],
                        next_cursor=page.next_cursor), 200


def _review_ids(placed: list) -> dict:
    """{line id: review id} for the lines of these orders that can have a review (one statement, or none)."""
    return review_queries.review_ids_of_lines(
        [item.id for order in placed if order.status in REVIEWABLE_STATUSES for item in order.items])


def _order_out(order) -> OrderOut:
    return OrderOut.from_order(order, _review_ids([order]))


@bp.get("/orders/<uuid:order_id>")
@login_required
@spec.validate(resp=Response(HTTP_200=OrderOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut), tags=["orders"],
               security=SESSION)
def get_order(order_id: uuid.UUID):
    """Signed-in users: one of their orders with lines, address and timeline (404 for anyone else's)."""
    return _order_out(orders.get_buyer_order(current_user, order_id)), 200


@bp.post("/orders/<uuid:order_id>/cancel")
@login_required
@spec.validate(json=CancelOrderIn, resp=Response(HTTP_200=OrderOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut,
                                                 HTTP_409=ErrorOut, HTTP_422=ErrorOut),
               tags=["orders"], security=SESSION_CSRF)
def cancel_order(order_id: uuid.UUID):
    """Signed-in users: cancel their PENDING order (optional reason); restocks and returns the voucher."""
    body = request.context.json
    orders.cancel_by_buyer(current_user, order_id, body.reason if body else None)
    return _order_out(orders.get_buyer_order(current_user, order_id)), 200


@bp.post("/orders/<uuid:order_id>/confirm-receipt")
@login_required
@spec.validate(resp=Response(HTTP_200=OrderOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut, HTTP_409=ErrorOut),
               tags=["orders"], security=SESSION_CSRF)
def confirm_order_receipt(order_id: uuid.UUID):
    """Signed-in users: confirm their DELIVERED order arrived; it becomes COMPLETED."""
    orders.confirm_receipt(current_user, order_id)
    return _order_out(orders.get_buyer_order(current_user, order_id)), 200
