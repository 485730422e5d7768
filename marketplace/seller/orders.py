"""Seller center orders: the shop's orders by status (with counts), one order, and the actions
confirm / ship (tracking number) / mark delivered / cancel (reason).

Actions are plain forms (Post/Redirect/Get to the order page) that htmx enhances: a
request aimed at an order's row (#order-row-<id>) gets that row back, plus the tab
counts out of band; one aimed at #order-panel gets the order page's panel. A refused
transition answers 409 with the row or panel showing the order's real status.
"""
import uuid
from urllib.parse import parse_qs, urlparse

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.seller import bp
from marketplace.seller.access import shop_required
from marketplace.seller.order_forms import action_form
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.ordering import orders
from marketplace.services.ordering.orders import ActorRole, TransitionNotAllowed
from marketplace.services.returns import return_queries
from marketplace.web import unit_of_work
from marketplace.web.htmx import htmx_current_url, htmx_target, render_htmx

PANEL = "order-panel"
FIELDS = {"ship": "tracking_number", "cancel": "reason"}


def _done(kind: str, number: str) -> str:
    """What the seller is told once the `kind` action went through."""
    return {
        "confirm": _("Order %(number)s confirmed.", number=number),
        "ship": _("Order %(number)s is on its way.", number=number),
        "deliver": _("Order %(number)s marked delivered.", number=number),
        "cancel": _("Order %(number)s cancelled.", number=number),
    }[kind]


@bp.get("/orders")
@shop_required
def list_orders(shop):
    """Shop owner: the shop's orders in one status tab (with counts per status), newest first."""
    status = orders.parse_status(request.args.get("status"))
    page = orders.list_shop_orders(shop, status, request.args.get("cursor"))
    counts = orders.count_shop_orders_by_status(shop) if htmx_target() != "orders-more" else None
    return render_htmx("seller/orders.html", "seller/partials/_order_rows.html", targets=("orders-more",),
                       orders_page=page, status=status, counts=counts, tabs=orders.STATUS_TABS,
                       forms_for=_forms_for())


@bp.get("/orders/<uuid:order_id>")
@shop_required
def view_order(shop, order_id: uuid.UUID):
    """Shop owner: one of the shop's orders with lines, buyer's address, timeline, actions, and its returns
    and refunds."""
    return _render(orders.get_shop_order(shop, order_id))


@bp.post("/orders/<uuid:order_id>/confirm")
@shop_required
def confirm_order(shop, order_id: uuid.UUID):
    """Shop owner: accept a PENDING order (CONFIRMED); the buyer is notified."""
    return _act(shop, order_id, "confirm", lambda form: orders.confirm_order(current_user, order_id))


@bp.post("/orders/<uuid:order_id>/ship")
@shop_required
def ship_order(shop, order_id: uuid.UUID):
    """Shop owner: hand a CONFIRMED order to the carrier with its tracking number (SHIPPING)."""
    return _act(shop, order_id, "ship",
                lambda form: orders.ship_order(current_user, order_id, form.checked("tracking_number")))


@bp.post("/orders/<uuid:order_id>/deliver")
@shop_required
def deliver_order(shop, order_id: uuid.UUID):
    """Shop owner: mark a SHIPPING order DELIVERED; its units count as sold."""
    return _act(shop, order_id, "deliver", lambda form: orders.deliver_order(current_user, order_id))


@bp.post("/orders/<uuid:order_id>/cancel")
@shop_required
def cancel_order(shop, order_id: uuid.UUID):
    """Shop owner: cancel a PENDING or CONFIRMED order with a reason; restocks, returns the voucher."""
    return _act(shop, order_id, "cancel",
                lambda form: orders.cancel_by_seller(current_user, order_id, form.checked("reason")))


def _act(shop, order_id: uuid.UUID, kind: str, change):
    form = action_form(kind, order_id)
    try:
        with unit_of_work.attempt():  # a refusal shows the order as it really is
            order = change(form)
    except ValidationFailed as error:
        field = FIELDS.get(kind)
        if field is None:
            raise
        getattr(form, field).errors = [error.fields.get(field, error.message)]
        return _render(orders.get_shop_order(shop, order_id), submitted={kind: form}), 422
    except TransitionNotAllowed as error:
        return _render(orders.get_shop_order(shop, order_id), error=error.message), 409
    done = _done(kind, order.number)
    if htmx_target() in (PANEL, f"order-row-{order_id}"):
        return _render(orders.get_shop_order(shop, order_id), notice=done)
    flash(done, "success")
    return redirect(url_for("seller.view_order", order_id=order_id))


def _forms_for(submitted: dict | None = None):
    """forms_for(order) → {kind: form} for the actions the order allows right now."""
    submitted = submitted or {}

    def forms_for(order) -> dict:
        allowed = {action.value for action in orders.allowed_actions(order, ActorRole.SELLER)}
        return {kind: submitted.get(kind) or action_form(kind, order.id, submitted=False) for kind in sorted(allowed)}

    return forms_for


def _render(order, submitted: dict | None = None, notice: str | None = None, error: str | None = None):
    context = {"order": order, "forms_for": _forms_for(submitted), "notice": notice, "error": error}
    target = htmx_target()
    if target == f"order-row-{order.id}":
        counts = orders.count_shop_orders_by_status(order.shop)
        return render_template("seller/partials/_order_row.html", counts=counts, tabs=orders.STATUS_TABS,
                               oob_tabs=True, status=_tab_from_referrer(), **context)
    if target == PANEL:
        return render_template("seller/partials/_order_panel.html", **context)
    return render_template("seller/order.html", **context, after_sale=return_queries.after_sale(order))


def _tab_from_referrer():
    """The list tab the row sits on (for the out-of-band tab counts), from the page's own URL."""
    value = parse_qs(urlparse(htmx_current_url()).query).get("status", [None])[0]
    try:
        return orders.parse_status(value)
    except ValidationFailed:
        return None
