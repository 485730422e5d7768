"""The buyer's returns: the return form of a delivered order, the list of their returns, one return
with its timeline and the buyer's actions (tracking number, withdraw, dispute a refusal).

Plain forms with Post/Redirect/Get; a refusal re-renders the page with the message (422 for bad
input, 409 for a move the return's status no longer allows).
"""
import uuid

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.models import OPEN_RETURN_STATUSES, ReturnReason
from marketplace.returns import bp
from marketplace.returns.forms import DisputeForm, ReturnForm, TrackingForm, WithdrawForm
from marketplace.services.core.errors import Conflict, ValidationFailed
from marketplace.services.ordering import orders
from marketplace.services.returns import return_queries, returns
from marketplace.services.returns.returns import REASON_LABELS, SELLER_FAULT, STATUS_LABELS, Role_
from marketplace.web import unit_of_work
from marketplace.web.auth import login_required


@bp.app_template_global()
def return_status_label(status) -> str:
    """A return's status in the reader's language (buyer, seller and admin pages)."""
    return str(STATUS_LABELS[returns.S(status)])


@bp.app_template_global()
def return_reason_label(reason) -> str:
    return str(REASON_LABELS[ReturnReason(reason)])


_REFUND_STATUS = {"OWED": _l("Being paid"), "PAID": _l("Refunded"), "FAILED": _l("Being paid by hand")}


@bp.app_template_global()
def refund_status_label(status) -> str:
    return str(_REFUND_STATUS.get(status, status))


@bp.route("/orders/<uuid:order_id>/return", methods=["GET", "POST"])
@login_required
def new_return(order_id: uuid.UUID):
    """Logged-in buyer: ask to return units of their delivered order (reason, details, photos)."""
    order = orders.get_buyer_order(current_user, order_id)  # someone else's order is a 404
    form = ReturnForm()
    quantities = {key.removeprefix("quantity-"): value for key, value in request.form.items()
                  if key.startswith("quantity-")}
    if request.method == "POST":
        try:
            with unit_of_work.attempt():
                if not form.validate():
                    raise ValidationFailed(_("Check the form."), fields={k: v[0] for k, v in form.errors.items()})
                created = returns.request_return(current_user, order.id, quantities, form.reason.data,
                                                 form.details.data or "", form.uploads())
        except ValidationFailed as error:
            return _form(orders.get_buyer_order(current_user, order_id), form, quantities, error), 422
        except Conflict as error:
            return _form(orders.get_buyer_order(current_user, order_id), form, quantities, error), 409
        flash(_("Your return request was sent to the seller."), "success")
        return redirect(url_for("returns.view_return", return_id=created.id), code=303)
    return _form(order, form, quantities)


def _form(order, form: ReturnForm, quantities: dict, error=None):
    fields = error.fields if error is not None else {}
    for name in ("reason", "details", "images"):
        if name in fields:
            form[name].errors = [fields[name]]
    return render_template(
        "returns/new.html", order=order, form=form, lines=return_queries.returnable_lines(order),
        quantities=quantities, fields=fields, error=error.message if error is not None else None,
        open=returns.can_request(order), window_ends=returns.window_ends(order),
        under_way=next((r for r in return_queries.returns_of_order(order.id) if r.status in OPEN_RETURN_STATUSES), None),
        seller_fault=[REASON_LABELS[r] for r in ReturnReason if r in SELLER_FAULT],
        window_days=current_app.config["RETURN_WINDOW_DAYS"])


@bp.get("/returns")
@login_required
def list_returns():
    """Logged-in buyer: their returns, newest first, "load more" by cursor."""
    page = return_queries.list_buyer_returns(current_user, request.args.get("cursor"))
    return render_template("returns/list.html", page=page, counts=return_queries.item_counts(page.items),
                           orders_by_id=return_queries.orders_by_id(r.order_id for r in page.items))


@bp.get("/returns/<uuid:return_id>")
@login_required
def view_return(return_id: uuid.UUID):
    """Logged-in buyer: one of their returns with its lines, photos, timeline, refund and actions."""
    return _render(return_id)


def _render(return_id: uuid.UUID, error: str | None = None, tracking_form=None, dispute_form=None):
    detail = return_queries.get_buyer_return(current_user, return_id)
    return render_template("returns/return.html", d=detail, error=error,
                           actions=returns.allowed_actions(detail.request, Role_.BUYER),
                           tracking_form=tracking_form or TrackingForm(formdata=None),
                           dispute_form=dispute_form or DisputeForm(formdata=None),
                           withdraw_form=WithdrawForm(formdata=None))


@bp.post("/returns/<uuid:return_id>/tracking")
@login_required
def give_tracking(return_id: uuid.UUID):
    """Logged-in buyer: the tracking number of the accepted return they sent back (SHIPPED_BACK)."""
    form = TrackingForm()
    return _act(return_id, lambda: returns.give_tracking(current_user, return_id, form.checked("tracking_number")),
                _("Thanks: the seller will confirm when the items arrive."), tracking_form=form)


@bp.post("/returns/<uuid:return_id>/cancel")
@login_required
def cancel_return(return_id: uuid.UUID):
    """Logged-in buyer: withdraw their return before sending it back (CANCELLED)."""
    WithdrawForm()
    return _act(return_id, lambda: returns.cancel(current_user, return_id), _("Your return was withdrawn."))


@bp.post("/returns/<uuid:return_id>/dispute")
@login_required
def dispute_return(return_id: uuid.UUID):
    """Logged-in buyer: ask an administrator to decide a refused return (DISPUTED)."""
    form = DisputeForm()
    return _act(return_id, lambda: returns.dispute(current_user, return_id, form.checked("note")),
                _("An administrator will look at your return."), dispute_form=form)


def _act(return_id: uuid.UUID, change, done: str, **forms):
    try:
        with unit_of_work.attempt():
            change()
    except ValidationFailed as error:
        for form in forms.values():
            for name, message in error.fields.items():
                if name in form:
                    form[name].errors = [message]
        return _render(return_id, error=error.message, **forms), 422
    except Conflict as error:
        return _render(return_id, error=error.message), 409
    flash(done, "success")
    return redirect(url_for("returns.view_return", return_id=return_id), code=303)
