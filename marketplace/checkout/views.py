"""Checkout: choose lines, address, payment and vouchers, then place one order per shop.

The page carries an idempotency key made when it renders, so a double click or a
retried POST places the orders once. Any refusal re-renders the page (422) with the
line or voucher named, after rolling back everything, the new address included
(`unit_of_work.attempt()`: the page re-reads the cart and the address book). An ONLINE checkout
starts its payment in the same transaction and sends the buyer on to the provider's page. The request's
unit of work commits the placed orders after the view has redirected; a replayed checkout
commits nothing.

What is placed is what the page showed. "Apply" and "Remove" of a voucher re-price the page
(POST /checkout/preview): htmx swaps the shops and totals in place; without JavaScript the
button submits the whole form there and the whole page comes back priced, what was typed kept
(Enter in a voucher box does the same: "Apply" is the form's first submit button). The page
sends back the total it showed (`expected_total`) and its quote's key (the lines priced and the
vouchers applied, checkout_queries.quote_key): an order sent with other lines or vouchers than
the page priced (a code typed but never applied) places nothing and comes back (409) priced as
chosen, saying so; a total that changed for any other reason (a price, a voucher's end) is
PricesChanged: the page comes back (409) with the new total and a flash, and placing it again
(same key) charges what the buyer now sees.

"Buy now" (services/cart/buy_now.py) is this page for one variant and quantity instead of the
cart (`buy_variant`, `buy_quantity` ride in the form): the cart is neither read nor changed.
"""
import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from marketplace.checkout import bp
from marketplace.checkout.forms import NEW_ADDRESS, BuyNowForm, CheckoutForm
from marketplace.money import format_money
from marketplace.dates import format_datetime
from marketplace.payments.starting import pay_page
from marketplace.payments.starting import start as payment_start
from marketplace.services.accounts import addresses as address_book
from marketplace.services.cart import cart_queries
from marketplace.services.cart.buy_now import BuyNow, buy_now_view, check_buy_now
from marketplace.services.cart.cart import MAX_QUANTITY
from marketplace.services.core.errors import DomainError, NotFound
from marketplace.services.core.input_rules import parse_whole
from marketplace.services.ordering.checkout import (
    CartChanged, CheckoutLineError, PricesChanged, orders_of_checkout, place_orders,
)
from marketplace.services.ordering.checkout_queries import placed_checkout, preview_checkout
from marketplace.services.ordering.vouchers import VoucherInvalid, describe
from marketplace.services.payments import payments
from marketplace.web import unit_of_work
from marketplace.web.auth import login_required, verified_required
from marketplace.web.htmx import htmx_target, is_htmx
from marketplace.web.redirects import local_path

SUMMARY = "checkout-summary"


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


def _quantity(raw: str | None) -> int | None:
    try:
        return parse_whole(raw or "", minimum=0, maximum=MAX_QUANTITY * 1000)
    except ValueError:
        return None  # the service refuses it with the cart's own message


def _buy_from(form_data) -> BuyNow | None:
    """The "Buy now" the page is for (its hidden fields), or None for the cart. Only a tampered
    form sends a bad one: the product is then not found."""
    variant = form_data.get("buy_variant")
    if not variant:
        return None
    try:
        return BuyNow(uuid.UUID(variant), parse_whole(form_data.get("buy_quantity", ""), minimum=1,
                                                      maximum=MAX_QUANTITY))
    except ValueError:
        raise NotFound(_("That product does not exist.")) from None


def _view(buy: BuyNow | None):
    return buy_now_view(current_user, buy) if buy else cart_queries.view_cart(current_user)


def _render(form: CheckoutForm, buy: BuyNow | None = None, lines=None, codes=None, status: int = 200,
            error: str | None = None, error_line: uuid.UUID | None = None, partial: bool = False):
    preview = preview_checkout(current_user, _view(buy), lines, codes)
    form.set_addresses(address_book.list_addresses(current_user))
    template = "checkout/partials/_checkout_preview.html" if partial else "checkout/checkout.html"
    return render_template(template, form=form, preview=preview, error=error, error_line=error_line, buy=buy,
                           describe_voucher=describe, new_address=NEW_ADDRESS), status


@bp.get("/checkout")
@verified_required
def checkout():
    """Verified user: the checkout page for their cart (all buyable lines chosen)."""
    if cart_queries.cart_count(current_user) == 0:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("cart.view_cart"))
    form = CheckoutForm(idempotency_key=uuid.uuid4().hex)
    ticked = request.args.getlist("line") or None
    return _render(form, lines=_parse_ids(ticked))


@bp.post("/checkout/buy-now")
def buy_now():
    """Anyone: "Buy now" from a product page: checks the variant and quantity like "Add to cart",
    then goes to the checkout of that one item (a guest logs in first); changes nothing."""
    form = BuyNowForm()
    back = local_path(form.next.data) or url_for("cart.view_cart")
    try:
        if not form.variant_id.data:
            raise NotFound(_("Choose an option first."), field="variant_id")
        buyer = current_user if current_user.is_authenticated else None
        buy = check_buy_now(buyer, form.variant_id.data, form.quantity.data)
    except DomainError as error:
        if is_htmx():
            return render_template("cart/partials/_added.html", error=error.message), 422
        flash(error.message, "danger")
        return redirect(back)
    target = url_for("checkout.buy_now_page", variant=buy.variant_id, quantity=buy.quantity)
    if is_htmx():
        return "", 200, {"HX-Redirect": target}
    return redirect(target, 303)


@bp.get("/checkout/buy-now")
@verified_required
def buy_now_page():
    """Verified user: the checkout of one variant and quantity ("Buy now"); their cart stays as it is."""
    form = CheckoutForm(idempotency_key=uuid.uuid4().hex)
    quantity = _quantity(request.args.get("quantity"))
    try:
        variant = uuid.UUID(request.args.get("variant", ""))
    except ValueError:
        raise NotFound(_("That product does not exist.")) from None
    try:
        buy = check_buy_now(current_user, variant, quantity)
    except NotFound:
        raise
    except DomainError as error:
        # Bought out (or hidden) since the product page, or a quantity edited in the address: the
        # line shows flagged (or at 1 of what exists), with the reason; nothing can be placed as is.
        return _render(form, BuyNow(variant, min(max(quantity or 1, 1), MAX_QUANTITY)), error=error.message)
    return _render(form, buy)


@bp.post("/checkout/preview")
@verified_required
def preview():
    """Verified user: the checkout re-priced with the lines and vouchers chosen ("Apply", "Remove",
    a ticked line); changes nothing. htmx gets the shops and totals, a plain form the whole page."""
    form = CheckoutForm()
    lines, codes = _chosen(request.form)
    return _render(form, _buy_from(request.form), _parse_ids(lines), codes, partial=htmx_target() == SUMMARY)


@bp.post("/checkout")
@verified_required
def place_order():
    """Verified user: place one order per shop from the chosen lines (or the "Buy now" item);
    PRG to the confirmation."""
    form = CheckoutForm()
    raw_lines, codes = _chosen(request.form)
    lines = _parse_ids(raw_lines)
    buy = _buy_from(request.form)
    if not form.validate():
        return _render(form, buy, lines, codes, status=422, error=_("Please check the form."))
    done = placed_checkout(current_user, form.idempotency_key.data)
    if done is not None:  # a double submit: the orders are placed once, before anything below could differ
        return redirect(url_for("checkout.confirmation", checkout_id=done))
    if lines is not None and not lines:
        return _render(form, buy, lines, codes, status=422, error=_("Choose at least one item to buy."))
    view = _view(buy)
    chosen = preview_checkout(current_user, view, lines, codes)
    ticked = [line for line in view.lines if lines is None or line.id in set(lines)]
    if len(ticked) == len(lines or ticked) and all(line.ok for line in ticked):
        # Else a ticked line is gone (CartChanged) or can't be bought as it is now (sold out since):
        # placing it names the line and why, below, rather than a quote that merely differs.
        refused = _not_as_shown(chosen)
        if refused is not None:
            return _render(form, buy, lines, codes, status=refused[0], error=refused[1])
    try:
        with unit_of_work.attempt():  # a refusal may follow a new address: the page must not show it
            address_id = _address_id(form)
            vouchers = {str(shop.group.shop_id): shop.voucher_code
                        for shop in chosen.shops if shop.selected and shop.voucher_code}
            if buy is None:
                picked, buy_now_line = (lines if lines is not None else sorted(chosen.selected_ids)), None
            else:
                picked, buy_now_line = None, (buy.variant_id, buy.quantity)
            placed = place_orders(current_user, address_id, form.payment_method.data, cart_item_ids=picked,
                                  vouchers=vouchers, idempotency_key=form.idempotency_key.data,
                                  expected_total=form.expected_total.data, buy_now=buy_now_line)
            # A double submit's orders already have their payment: its confirmation page offers "Pay now".
            payment, started = (None, None) if placed.replayed else payment_start(current_user, placed)
    except PricesChanged as error:
        flash(error.message, "warning")
        return _render(form, buy, lines, codes, status=409)  # the page now shows the new total
    except DomainError as error:
        return _refused(form, buy, lines, codes, error)
    if placed.replayed:
        unit_of_work.discard()  # a double submit: drop the new address it may have made again
    elif payment is not None:  # ONLINE: nothing is done until it is paid, and the hold ends
        flash(_to_pay(len(placed.orders), payment), "warning")
    else:
        flash(_("Thank you! %(placed)s", placed=_orders_placed(len(placed.orders))), "success")
    if started is not None:  # ONLINE: on to the provider's page, or ours with the card form
        return redirect(pay_page(payment.id, started), 303)
    return redirect(url_for("checkout.confirmation", checkout_id=placed.checkout_id))


def _not_as_shown(chosen) -> tuple[int, str] | None:
    """(status, message) when the order sent is not the quote the page showed; None when it is."""
    wrong = next((shop for shop in chosen.shops if shop.selected and shop.voucher_error), None)
    if wrong is not None:
        return 422, _("Voucher: %(problem)s", problem=wrong.voucher_error)
    shown = request.form.get("quote_key")
    if shown is not None and shown != chosen.quote_key:
        return 409, _("Nothing was ordered yet: with the items and vouchers you chose, your total is %(total)s. "
                      "Check it, then place your order.", total=format_money(chosen.total))
    return None


def _to_pay(count: int, payment) -> str:
    amount, until = format_money(payment.amount, payment.currency), format_datetime(payment.hold_until)
    return ngettext("Your order is waiting for payment: pay %(amount)s by %(until)s, or it is cancelled and "
                    "the items go back on sale.",
                    "Your %(num)d orders are waiting for payment: pay %(amount)s by %(until)s, or they are "
                    "cancelled and the items go back on sale.", count, until=until, amount=amount)


def _orders_placed(count: int) -> str:
    if count == 1:
        return _("Your order was placed.")
    return _("Your %(count)s orders were placed, one per shop.", count=count)


def _address_id(form: CheckoutForm):
    if form.address_id.data != NEW_ADDRESS:
        return form.address_id.data
    return address_book.create_address(current_user, dict(form.new_address.data)).id


def _refused(form: CheckoutForm, buy, lines, codes, error: DomainError):
    """Put the reason where it belongs (address field, a line, a shop's voucher) and re-render;
    409 when the cart changed under the page (another tab ordered its lines), 422 otherwise."""
    error_line = error.line_id if isinstance(error, CheckoutLineError) else None
    if isinstance(error, VoucherInvalid):
        message = _("Voucher: %(problem)s", problem=error.message)
    elif form.address_id.data == NEW_ADDRESS and error.fields and set(error.fields) <= set(form.new_address.form._fields):
        for name, text in error.fields.items():
            form.new_address.form[name].errors = [*form.new_address.form[name].errors, text]
        message = _("Please check the new address.")
    else:
        message = error.message
        if error.fields.get("address_id") or error.code == "address_limit":
            form.address_id.errors = [*form.address_id.errors, error.message]
    status = 409 if isinstance(error, CartChanged) else 422
    return _render(form, buy, lines, codes, status=status, error=message, error_line=error_line)


@bp.get("/checkout/done/<uuid:checkout_id>")
@login_required
def confirmation(checkout_id: uuid.UUID):
    """Logged-in user: the orders one of their checkouts placed."""
    orders = orders_of_checkout(current_user, checkout_id)
    if not orders:
        raise NotFound(_("We couldn't find that checkout."))
    return render_template("checkout/confirmation.html", orders=orders,
                           payment=payments.payment_of_checkout(current_user, checkout_id))
