"""API: the buyer's returns — ask to return lines of a delivered order, add its photos (the one multipart
body of this area), list and read returns, give the tracking number, withdraw, dispute a refusal.
Another user's order or return is 404; a move the return's status does not allow is 409; bad input 422
with the field."""
import uuid

from flask import request
from flask_login import current_user
from spectree import Response

from marketplace.api import bp
from marketplace.api.errors import takes_files
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.returns import (
    DisputeIn, ReturnImagesIn, ReturnIn, ReturnListOut, ReturnOut, ReturnsQuery, TrackingIn,
)
from marketplace.api.schemas.uploads import read_all
from marketplace.api.spec import SESSION, SESSION_CSRF, spec
from marketplace.services.ordering import orders
from marketplace.services.returns import return_queries, returns
from marketplace.web.auth import login_required


def _out(return_id: uuid.UUID) -> ReturnOut:
    detail = return_queries.get_buyer_return(current_user, return_id)
    titles = {line.item.id: line.item.product_title for line in detail.lines}
    return ReturnOut.of(detail.request, refunds=detail.refunds, titles=titles)


@bp.get("/orders/<uuid:order_id>/returns")
@login_required
@spec.validate(resp=Response(HTTP_200=ReturnListOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut), tags=["returns"],
               security=SESSION)
def list_order_returns(order_id: uuid.UUID):
    """Signed-in users: the returns of one of their orders, newest first (404 for anyone else's order)."""
    order = orders.get_buyer_order(current_user, order_id)
    found = return_queries.returns_of_order(order.id)
    return ReturnListOut(items=[_out(r.id) for r in found]), 200


@bp.post("/orders/<uuid:order_id>/returns")
@login_required
@spec.validate(json=ReturnIn, resp=Response(HTTP_201=ReturnOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut,
                                            HTTP_409=ErrorOut, HTTP_422=ErrorOut),
               tags=["returns"], security=SESSION_CSRF)
def create_return(order_id: uuid.UUID):
    """Signed-in users: ask to return units of their DELIVERED or COMPLETED order within RETURN_WINDOW_DAYS
    of delivery (then its photos: POST /returns/{id}/images)."""
    body = request.context.json
    quantities: dict = {}
    for line in body.lines:
        quantities[line.order_item_id] = quantities.get(line.order_item_id, 0) + line.quantity
    created = returns.request_return(current_user, order_id, quantities, body.reason, body.details or "")
    return _out(created.id), 201


@bp.get("/returns")
@login_required
@spec.validate(query=ReturnsQuery, resp=Response(HTTP_200=ReturnListOut, HTTP_401=ErrorOut, HTTP_422=ErrorOut),
               tags=["returns"], security=SESSION)
def list_returns():
    """Signed-in users: their returns, newest first; keyset-paged."""
    page = return_queries.list_buyer_returns(current_user, request.context.query.cursor)
    return ReturnListOut(items=[ReturnOut.of(r) for r in page.items], next_cursor=page.next_cursor), 200


@bp.get("/returns/<uuid:return_id>")
@login_required
@spec.validate(resp=Response(HTTP_200=ReturnOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut), tags=["returns"],
               security=SESSION)
def get_return(return_id: uuid.UUID):
    """Signed-in users: one of their returns with lines, photos, timeline and refunds."""
    return _out(return_id), 200


@bp.post("/returns/<uuid:return_id>/images")
@takes_files
@login_required
@spec.validate(form=ReturnImagesIn, resp=Response(HTTP_201=ReturnOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut,
                                                  HTTP_409=ErrorOut, HTTP_413=ErrorOut, HTTP_415=ErrorOut,
                                                  HTTP_422=ErrorOut),
               tags=["returns"], security=SESSION_CSRF)
def add_return_images(return_id: uuid.UUID):
    """Signed-in users: add photos to their return until the seller answers it (multipart/form-data, parts
    named `images`; 409 once answered). The web form's rules: at most 5 photos per return, each a real
    JPEG, PNG, WebP or GIF up to 5 MB (re-encoded as WebP); a refused request stores nothing."""
    returns.add_images(current_user, return_id, read_all(request.context.form.images))
    return _out(return_id), 201


@bp.post("/returns/<uuid:return_id>/tracking")
@login_required
@spec.validate(json=TrackingIn, resp=Response(HTTP_200=ReturnOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut,
                                              HTTP_409=ErrorOut, HTTP_422=ErrorOut),
               tags=["returns"], security=SESSION_CSRF)
def give_return_tracking(return_id: uuid.UUID):
    """Signed-in users: the tracking number of their accepted return, sent back (SHIPPED_BACK)."""
    returns.give_tracking(current_user, return_id, request.context.json.tracking_number)
    return _out(return_id), 200


@bp.post("/returns/<uuid:return_id>/cancel")
@login_required
@spec.validate(resp=Response(HTTP_200=ReturnOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut, HTTP_409=ErrorOut),
               tags=["returns"], security=SESSION_CSRF)
def cancel_return(return_id: uuid.UUID):
    """Signed-in users: withdraw their return before sending it back (CANCELLED)."""
    returns.cancel(current_user, return_id)
    return _out(return_id), 200


@bp.post("/returns/<uuid:return_id>/dispute")
@login_required
@spec.validate(json=DisputeIn, resp=Response(HTTP_200=ReturnOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut,
                                             HTTP_409=ErrorOut, HTTP_422=ErrorOut),
               tags=["returns"], security=SESSION_CSRF)
def dispute_return(return_id: uuid.UUID):
    """Signed-in users: ask an administrator to decide their refused return (DISPUTED)."""
    body = request.context.json
    returns.dispute(current_user, return_id, body.note if body else None)
    return _out(return_id), 200
