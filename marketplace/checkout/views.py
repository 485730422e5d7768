"""Checkout: choose lines, address, payment and vouchers, then place one order per shop.

The page carries an idempotency key made when it renders, so a double click or a
retried POST places the orders once. Any refusal re-renders the page (422) with the
line or voucher named, after rolling back everything, the new address included
(`unit_of_work.attempt()`: the page re-reads the cart and the address book). The request's
unit of work commits the placed orders after the view has redirected; a replayed checkout
commits nothing.
The page also sends the total it showed (`expected_total`, kept up to date by the htmx
preview): when prices changed in between, the page comes back (409) with the new total
and a flash saying so, and placing it again (same key) charges what the buyer now sees.
"""
import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.checkout import bp
from marketplace.checkout.forms import NEW_ADDRESS, CheckoutForm
from marketplace.services.accounts import addresses as address_book
from marketplace.services.cart import cart_queries
from marketplace.services.core.errors import DomainError, NotFound
from marketplace.services.ordering.checkout import (
    CartChanged, CheckoutLineError, PricesChanged, orders_of_checkout, place_orders,
)
from marketplace.services.ordering.checkout_queries import preview_checkout
from marketplace.services.ordering.vouchers import VoucherInvalid, describe
from marketplace.web import unit_of_work
from marketplace.web.auth import login_required, verified_required


def _chosen(form_data) -> tuple[list[str] | None, dict[str, str]]:
    """The ticked lines (None on first render: all) and the voucher code typed per shop."""
    codes = {key.removeprefix("voucher-"): value for key, value in form_data.items() if key.startswith("voucher-")}
    removed = form_data.get("remove_voucher")
    if removed:
        codes[removed] = ""
    lines = form_data.getlist("line") if "lines_sent" in form_data else None
    return lines, codes


def _parse_ids(raw: list[str] | None) -> list[uuid.UUID] | None:
    if raw is None:
        return None
    ids = []
    for value in raw:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    return ids


def _render(form: CheckoutForm, lines=None, codes=None, status: int = 200, error: str | None = None,
            error_line: uuid.UUID | None = None, partial: bool = False):
    cart = cart_queries.view_cart(current_user)
    preview = preview_checkout(current_user, cart, lines, codes)
    form.set_addresses(address_book.list_addresses(current_user))
    template = "checkout/partials/_checkout_preview.html" if partial else "checkout/checkout.html"
    return render_template(template, form=form, preview=preview, error=error, error_line=error_line,
                           describe_voucher=describe, new_address=NEW_ADDRESS), status


@bp.get("/checkout")
@verified_required
def checkout():
    """Verified user: the checkout page for their cart (all buyable lines chosen)."""
    if cart_queries.cart_count(current_user) == 0:
        flash("Your cart is empty.", "info")
        return redirect(url_for("cart.view_cart"))
    form = CheckoutForm(idempotency_key=uuid.uuid4().hex)
    ticked = request.args.getlist("line") or None
    return _render(form, lines=_parse_ids(ticked))


@bp.post("/checkout/preview")
@verified_required
def preview():
    """Verified user: the shops, lines, vouchers and totals block re-priced for htmx (changes nothing)."""
    form = CheckoutForm()
    lines, codes = _chosen(request.form)
    return _render(form, _parse_ids(lines), codes, partial=True)


@bp.post("/checkout")
@verified_required
def place_order():
    """Verified user: place one order per shop from the chosen lines; PRG to the confirmation."""
    form = CheckoutForm()
    raw_lines, codes = _chosen(request.form)
    lines = _parse_ids(raw_lines)
    if not form.validate():
        return _render(form, lines, codes, status=422, error="Please check the form.")
    if lines is not None and not lines:
        return _render(form, lines, codes, status=422, error="Choose at least one item to buy.")
    try:
        with unit_of_work.attempt():  # a refusal may follow a new address: the page must not show it
            address_id = _address_id(form)
            cart = cart_queries.view_cart(current_user)
            chosen = preview_checkout(current_user, cart, lines, None)
            vouchers = {str(shop.group.shop_id): codes.get(str(shop.group.shop_id), "")
                        for shop in chosen.shops if shop.selected and codes.get(str(shop.group.shop_id))}
            placed = place_orders(current_user, address_id, form.payment_method.data,
                                  cart_item_ids=lines if lines is not None else sorted(chosen.selected_ids),
                                  vouchers=vouchers, idempotency_key=form.idempotency_key.data,
                                  expected_total=form.expected_total.data)
    except PricesChanged as error:
        flash(error.message, "warning")
        return _render(form, lines, codes, status=409)  # the page now shows the new total
    except DomainError as error:
        return _refused(form, lines, codes, error)
    if placed.replayed:
        unit_of_work.discard()  # a double submit: drop the new address it may have made again
    else:
        flash(f"Thank you! {_orders_placed(len(placed.orders))}", "success")
    return redirect(url_for("checkout.confirmation", checkout_id=placed.checkout_id))


def _orders_placed(count: int) -> str:
    return "Your order was placed." if count == 1 else f"Your {count} orders were placed, one per shop."


def _address_id(form: CheckoutForm):
    if form.address_id.data != NEW_ADDRESS:
        return form.address_id.data
    return address_book.create_address(current_user, dict(form.new_address.data)).id


def _refused(form: CheckoutForm, lines, codes, error: DomainError):
    """Put the reason where it belongs (address field, a line, a shop's voucher) and re-render;
    409 when the cart changed under the page (another tab ordered its lines), 422 otherwise."""
    error_line = error.line_id if isinstance(error, CheckoutLineError) else None
    if isinstance(error, VoucherInvalid):
        message = f"Voucher: {error.message}"
    elif form.address_id.data == NEW_ADDRESS and error.fields and set(error.fields) <= set(form.new_address.form._fields):
        for name, text in error.fields.items():
            form.new_address.form[name].errors = [*form.new_address.form[name].errors, text]
        message = "Please check the new address."
    else:
        message = error.message
        if error.fields.get("address_id") or error.code == "address_limit":
            form.address_id.errors = [*form.address_id.errors, error.message]
    status = 409 if isinstance(error, CartChanged) else 422
    return _render(form, lines, codes, status=status, error=message, error_line=error_line)


@bp.get("/checkout/done/<uuid:checkout_id>")
@login_required
def confirmation(checkout_id: uuid.UUID):
    """Logged-in user: the orders one of their checkouts placed."""
    orders = orders_of_checkout(current_user, checkout_id)
    if not orders:
        raise NotFound("We couldn't find that checkout.")
    return render_template("checkout/confirmation.html", orders=orders)

