"""The cart page, add to cart, quantity changes and removal (htmx-enhanced), the navbar badge.

The views work on one cart interface (services/cart/carts.py), chosen once per request by
`current_cart()`: the account's, or a guest's kept in the session under "guest_cart"
({variant_id: quantity}). A guest cart's change returns its new dict, which this module stores
in the session; every rule is in the services. At login the guest cart is merged into the
account cart (receiver of Flask-Login's user_logged_in, at the bottom).
"""
import logging
import uuid
from dataclasses import dataclass

from flask import flash, g, has_request_context, redirect, render_template, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, user_logged_in
from sqlalchemy.exc import SQLAlchemyError

from marketplace.cart import bp
from marketplace.cart.forms import AddToCartForm, QuantityForm, RemoveLineForm
from marketplace.extensions import db
from marketplace.services.cart import cart as cart_service
from marketplace.services.cart import cart_queries
from marketplace.services.cart.carts import AccountCart, Cart, GuestCart, GuestLines
from marketplace.services.core.errors import DomainError, NotFound
from marketplace.services.ordering.vouchers import available_vouchers, describe
from marketplace.web import unit_of_work
from marketplace.web.htmx import is_htmx
from marketplace.web.redirects import local_path

logger = logging.getLogger("marketplace.cart")
GUEST_KEY = "guest_cart"


def current_cart() -> Cart:
    """The request's cart: the account's when someone is signed in, else the session's guest cart.

    Kept for the request (the cart page's view and the navbar badge share it), and chosen again
    if the request has signed someone in or out since (a new current user object)."""
    user = current_user._get_current_object()
    chosen = g.get("cart")
    if chosen is None or chosen[0] is not user:
        cart = AccountCart(user) if user.is_authenticated else GuestCart(session.get(GUEST_KEY))
        chosen = g.cart = (user, cart)
    return chosen[1]


def _keep(guest_lines: GuestLines | None) -> None:
    """Store a guest cart's new lines in the session (an account cart's change returns None: it is
    in the database)."""
    if guest_lines is not None:
        session[GUEST_KEY] = guest_lines


def nav_cart_count() -> int:
    """The navbar badge: one COUNT for a user (none on a page that has just read every line), the
    session for a guest (the navbar calls it once)."""
    return current_cart().count()


@bp.app_template_filter("items")
def items_in_words(count: int) -> str:
    """A number of items in words, the one way the badge, the cart and the checkout say it: "3 items"."""
    return ngettext("%(num)d item", "%(num)d items", count)


@bp.app_context_processor
def inject_nav_cart():
    return {"nav_cart_count": nav_cart_count}


def _page_context(view: cart_queries.CartView) -> dict:
    shop_vouchers = available_vouchers([group.shop_id for group in view.groups], current_cart().buyer)
    return {"cart": view, "shop_vouchers": shop_vouchers, "describe_voucher": describe}


@bp.get("/cart")
def view_cart():
    """Anyone: the cart grouped by shop, with flags on lines that cannot be bought as they are."""
    return render_template("cart/page.html", **_page_context(current_cart().view()))


@bp.get("/cart/badge")
def badge():
    """Anyone: the navbar cart badge alone (a live widget)."""
    return render_template("cart/partials/_badge.html", count=nav_cart_count())


@bp.post("/cart/items")
def add_item():
    """Anyone (guests too): add a variant to the cart; htmx gets a message and the new badge."""
    form = AddToCartForm()
    back = local_path(form.next.data) or url_for("cart.view_cart")
    try:
        # A refusal answered with a redirect must not commit: attempt() rolls it back at once.
        with unit_of_work.attempt():
            if not form.variant_id.data:
                raise NotFound(_("Choose an option first."), field="variant_id")
            _keep(current_cart().add(form.variant_id.data, form.quantity.data))
    except DomainError as error:
        if is_htmx():
            return render_template("cart/partials/_added.html", error=error.message), 422
        flash(error.message, "danger")
        return redirect(back)
    if is_htmx():
        return render_template("cart/partials/_added.html", error=None, count=nav_cart_count())
    flash(_("Added to your cart."), "success")
    return redirect(back)


@bp.post("/cart/lines/<uuid:line_id>")
def update_line(line_id: uuid.UUID):
    """Cart owner (guest or user): change a line's quantity; htmx gets the line, subtotals and badge.

    A refused quantity (0, beyond the stock) changes nothing: the line comes back with the typed
    value and the reason beside it (422), the totals as the cart still is; htmx gets that line,
    a plain form the whole cart page."""
    form = QuantityForm()
    try:
        # attempt() rolls a refusal back before the line is read again for its answer.
        with unit_of_work.attempt():
            _keep(current_cart().set_quantity(line_id, form.quantity.data))
    except NotFound:
        raise  # someone else's line, or gone: a 404 like any object that isn't yours
    except DomainError as error:
        return _refused_quantity(line_id, error, (form.quantity.raw_data or [""])[0])
    return _changed(line_id, _("Quantity updated."))


@bp.post("/cart/lines/<uuid:line_id>/remove")
def remove_line(line_id: uuid.UUID):
    """Cart owner (guest or user): remove a line; htmx re-renders its shop block and the totals."""
    form = RemoveLineForm()
    _keep(current_cart().remove(line_id))  # NotFound (someone else's line, or gone) is a 404
    if not is_htmx():
        flash(_("Removed from your cart."), "success")
        return redirect(url_for("cart.view_cart"))
    view = current_cart().view()
    try:
        group = view.group(uuid.UUID(form.shop_id.data or ""))
    except ValueError:
        group = None
    return render_template("cart/partials/_removed.html", group=group, count=nav_cart_count(),
                           status_message=_("Removed from your cart."), **_page_context(view))


def _changed(line_id: uuid.UUID, done: str):
    """After a quantity change: htmx gets the line plus out-of-band shop subtotal, totals and
    badge; a plain form goes back to the cart page with a flash."""
    if not is_htmx():
        flash(done, "success")
        return redirect(url_for("cart.view_cart"))
    view = current_cart().view()
    line = view.line(line_id)
    return render_template(
        "cart/partials/_changed.html", line=line, group=view.group(line.shop_id) if line else None,
        count=nav_cart_count(), status_message=done, **_page_context(view),
    )


@dataclass(frozen=True)
class LineProblem:
    """Why a line's new quantity was refused, and what the shopper typed (shown back in its box)."""

    message: str
    typed: str


def _refused_quantity(line_id: uuid.UUID, error: DomainError, typed: str):
    view = current_cart().view()
    line = view.line(line_id)
    if line is None:  # not readable any more (a guest line whose product vanished): say it on the page
        flash(error.message, "danger")
        return redirect(url_for("cart.view_cart"))
    problem = LineProblem(_("%(reason)s Your cart still has %(num)d.", reason=error.message, num=line.quantity), typed[:12])
    context = dict(line_problems={line.id: problem}, count=nav_cart_count(), status_message=problem.message,
                   **_page_context(view))
    if is_htmx():
        return render_template("cart/partials/_changed.html", line=line, group=view.group(line.shop_id),
                               **context), 422
    return render_template("cart/page.html", **context), 422


@user_logged_in.connect
def merge_guest_cart_on_login(sender, user, **extra):
    """Merge the guest cart carried over by the login into the account cart.

    The login's unit of work commits the merge with the login; here we only flush, inside a
    savepoint so a failed merge can never fail the login itself.
    """
    if not has_request_context() or not session.get(GUEST_KEY):
        return
    lines = session.pop(GUEST_KEY)
    try:
        with db.session.begin_nested():
            notes = cart_service.merge_guest_cart(user, lines)
    except (DomainError, SQLAlchemyError):
        logger.exception("could not merge the guest cart at login")
        session[GUEST_KEY] = lines
        return
    for note in notes:
        flash(_("%(note)s We adjusted your cart.", note=note.message), "warning")
