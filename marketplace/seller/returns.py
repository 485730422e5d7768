"""Seller center returns: the shop's returns by status, one return with accept / refuse (reason) /
confirm receipt (restock or not; the refund follows at once). Plain forms, Post/Redirect/Get."""
import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.models import ReturnStatus
from marketplace.returns.forms import AcceptForm, ReceiveForm, RefuseForm
from marketplace.seller import bp
from marketplace.seller.access import shop_required
from marketplace.services.core.errors import Conflict, ValidationFailed
from marketplace.services.returns import return_queries, returns
from marketplace.services.returns.returns import Role_
from marketplace.web import unit_of_work


@bp.get("/returns")
@shop_required
def list_returns(shop):
    """Shop owner: the shop's returns, newest first, filtered by status."""
    status = return_queries.parse_status(request.args.get("status"))
    page = return_queries.list_shop_returns(shop, status, request.args.get("cursor"))
    return render_template("seller/returns.html", page=page, status=status, statuses=list(ReturnStatus),
                           counts=return_queries.item_counts(page.items),
                           orders_by_id=return_queries.orders_by_id(r.order_id for r in page.items))


@bp.get("/returns/<uuid:return_id>")
@shop_required
def view_return(shop, return_id: uuid.UUID):
    """Shop owner: one of the shop's returns with lines, photos, timeline and the seller's actions."""
    return _render(shop, return_id)


def _render(shop, return_id, error=None, refuse_form=None):
    detail = return_queries.get_shop_return(shop, return_id)
    return render_template("seller/return.html", d=detail, error=error,
                           actions=returns.allowed_actions(detail.request, Role_.SELLER),
                           accept_form=AcceptForm(formdata=None), refuse_form=refuse_form or RefuseForm(formdata=None),
                           receive_form=ReceiveForm(formdata=None))


@bp.post("/returns/<uuid:return_id>/accept")
@shop_required
def accept_return(shop, return_id: uuid.UUID):
    """Shop owner: accept a requested return (the buyer then sends it back)."""
    AcceptForm()
    return _act(shop, return_id, lambda: returns.accept(current_user, return_id), _("Return accepted."))


@bp.post("/returns/<uuid:return_id>/refuse")
@shop_required
def refuse_return(shop, return_id: uuid.UUID):
    """Shop owner: refuse a requested return with a reason the buyer reads."""
    form = RefuseForm()
    return _act(shop, return_id, lambda: returns.refuse(current_user, return_id, form.checked("reason")),
                _("Return refused."), refuse_form=form)


@bp.post("/returns/<uuid:return_id>/receive")
@shop_required
def receive_return(shop, return_id: uuid.UUID):
    """Shop owner: the goods came back (restock or not): the buyer's refund is decided at once."""
    form = ReceiveForm()
    return _act(shop, return_id, lambda: returns.receive(current_user, return_id, bool(form.restock.data)),
                _("Receipt confirmed: the buyer is refunded."))


def _act(shop, return_id, change, done: str, refuse_form=None):
    try:
        with unit_of_work.attempt():
            change()
    except ValidationFailed as error:
        if refuse_form is not None and "reason" in error.fields:
            refuse_form.reason.errors = [error.fields["reason"]]
        return _render(shop, return_id, error=error.message, refuse_form=refuse_form), 422
    except Conflict as error:
        return _render(shop, return_id, error=error.message), 409
    flash(done, "success")
    return redirect(url_for("seller.view_return", return_id=return_id), code=303)
