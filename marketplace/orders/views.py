"""The buyer's orders: list by status, one order with its timeline, cancel, confirm receipt, buy again.

Actions are plain forms (Post/Redirect/Get) that htmx enhances: an htmx request aimed
at #order-panel gets the panel back, re-rendered in place. A refused transition answers
409 with the panel showing the order's real status (static/js/orders.js lets htmx swap it).
"""
import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from marketplace.models import OrderStatus
from marketplace.orders import bp
from marketplace.orders.forms import BuyAgainForm, BuyerCancelForm, ConfirmReceiptForm
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.ordering import orders, statuses
from marketplace.services.ordering.buy_again import buy_again as buy_again_service
from marketplace.services.ordering.orders import ActorRole, TransitionNotAllowed
from marketplace.services.payments import payments
from marketplace.services.returns import return_queries, returns
from marketplace.services.reviews import review_queries
from marketplace.services.reviews.reviews import REVIEWABLE_STATUSES
from marketplace.web.auth import login_required
from marketplace.web.htmx import htmx_target, render_htmx

PANEL = "order-panel"


@bp.app_template_global()
def order_status_label(status) -> str:
    """An order status as people read it, in their language: every order page's badge (buyer, seller, admin)."""
    return statuses.label(status)


@bp.app_template_global()
def payment_method_label(method) -> str:
    """How an order is paid, in the reader's language: every order page (buyer, seller)."""
    return statuses.method_label(method)


@bp.app_template_global()
def order_step_title(status) -> str:
    """What reaching `status` means, for an order's timeline ("Handed to the carrier")."""
    return statuses.step(status)


@bp.get("/orders")
@login_required
def list_orders():
    """Logged-in user: their orders in one status tab, newest first, "load more" by cursor."""
    status = orders.parse_status(request.args.get("status"))
    page = orders.list_buyer_orders(current_user, status, request.args.get("cursor"))
    # "Write a review" on the lines still waiting for one: one statement for the whole page.
    reviewable = [item.id for order in page.items if order.status in REVIEWABLE_STATUSES for item in order.items]
    reviewed = review_queries.review_ids_of_lines(reviewable) if reviewable else {}
    return render_htmx("orders/orders.html", "orders/partials/_order_rows.html", targets=("orders-more",),
                       orders_page=page, status=status, tabs=orders.STATUS_TABS, reviewed_ids=reviewed,
                       reviewable_statuses=REVIEWABLE_STATUSES, buy_again_form=BuyAgainForm(formdata=None))


@bp.get("/orders/<uuid:order_id>")
@login_required
def view_order(order_id: uuid.UUID):
    """Logged-in user: one of their orders with lines, totals, address and timeline."""
    return _render(orders.get_buyer_order(current_user, order_id))


@bp.post("/orders/<uuid:order_id>/cancel")
@login_required
def cancel_order(order_id: uuid.UUID):
    """Logged-in user: cancel their PENDING order (optional reason); restocks and returns the voucher."""
    form = BuyerCancelForm()
    return _act(order_id, lambda: orders.cancel_by_buyer(current_user, order_id, form.checked("reason")),
                _("Your order was cancelled."), cancel_form=form)


@bp.post("/orders/<uuid:order_id>/buy-again")
@login_required
def buy_again(order_id: uuid.UUID):
    """Logged-in user: put the variants of one of their orders back in their cart (what can still be
    bought), then show the cart saying what could not be added and why."""
    result = buy_again_service(current_user, order_id)  # someone else's order is a 404
    if result.added:
        flash(ngettext("Added %(num)d item to your cart.", "Added %(num)d items to your cart.", result.added),
              "success")
    for problem in result.problems:
        flash(_("Not added: %(problem)s", problem=problem), "warning")
    return redirect(url_for("cart.view_cart"))


@bp.post("/orders/<uuid:order_id>/confirm-receipt")
@login_required
def confirm_receipt(order_id: uuid.UUID):
    """Logged-in user: confirm their DELIVERED order arrived (it becomes COMPLETED)."""
    return _act(order_id, lambda: orders.confirm_receipt(current_user, order_id),
                _("Thanks! The order is complete."))


def _act(order_id: uuid.UUID, change, done: str, cancel_form: BuyerCancelForm | None = None):
    # No attempt(): a refused transition has written nothing (services.orders.transition checks
    # before it writes), so the panel reads the order as it is; the 4xx rolls the request back.
    try:
        change()
    except ValidationFailed as error:
        form = cancel_form or BuyerCancelForm()
        form.reason.errors = [error.fields.get("reason", error.message)]
        return _render(orders.get_buyer_order(current_user, order_id), cancel_form=form), 422
    except TransitionNotAllowed as error:
        return _render(orders.get_buyer_order(current_user, order_id), error=error.message), 409
    if htmx_target() == PANEL:
        return _render(orders.get_buyer_order(current_user, order_id), notice=done)
    flash(done, "success")
    return redirect(url_for("orders.view_order", order_id=order_id))


def _render(order, cancel_form: BuyerCancelForm | None = None, notice: str | None = None,
            error: str | None = None) -> str:
    context = {
        "order": order,
        "actions": orders.allowed_actions(order, ActorRole.BUYER),
        "cancel_form": cancel_form or BuyerCancelForm(formdata=None),
        "receipt_form": ConfirmReceiptForm(formdata=None),
        "reviewed_ids": review_queries.reviewed_item_ids(order) if order.status in REVIEWABLE_STATUSES else None,
        "notice": notice,
        "error": error,
        "payment": (payments.payment_of_checkout(current_user, order.checkout_id)
                    if order.status is OrderStatus.AWAITING_PAYMENT else None),
        "can_return": returns.can_request(order) and bool(return_queries.returnable_lines(order)),
        "after_sale": return_queries.after_sale(order),
    }
    if htmx_target() == PANEL:
        return render_template("orders/partials/_order_panel.html", **context)
    return render_template("orders/order.html", **context)
