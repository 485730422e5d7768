"""Seller center money: the shop's balance (figures, the entries behind them, its payouts), asking for
a payout (with a confirm step), monthly statements (page and CSV) and the bank details payouts go to."""
import re
from datetime import date, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import dates
from marketplace.models import Shop
from marketplace.money import format_money
from marketplace.seller import bp
from marketplace.seller.access import shop_required
from marketplace.seller.forms import ActionForm, show_errors
from marketplace.seller.money_forms import BankDetailsForm
from marketplace.seller.money_labels import ledger_kind
from marketplace.services.core.errors import DomainError
from marketplace.services.ledger import balance_queries, payouts
from marketplace.services.shops import bank_details
from marketplace.web import unit_of_work
from marketplace.web.csv_export import csv_stream
from marketplace.web.htmx import render_htmx

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _currency() -> str:
    return current_app.config["CURRENCY"]


def _time_zone() -> str:
    return dates.viewer_zone().key


@bp.get("/balance")
@shop_required
def balance(shop: Shop):
    """The shop's owner: pending, available, in transit and paid-out figures, the ledger entries behind
    them (keyset pages) and the shop's payouts (read-only)."""
    try:
        entries = balance_queries.entries(shop.id, _currency(), request.args.get("cursor"))
    except DomainError:
        abort(400)
    return render_htmx(
        "seller/balance.html", "seller/partials/_balance_entries.html", targets=("balance-entries-more",),
        shop=shop, figures=balance_queries.figures(shop.id, _currency()), entries=entries,
        payouts=balance_queries.payouts(shop.id, limit=10), minimum=current_app.config["PAYOUT_MINIMUM"],
        has_bank=bool(shop.bank_account_number), form=ActionForm())


@bp.route("/balance/payout", methods=["GET", "POST"])
@shop_required
def request_payout(shop: Shop):
    """The shop's owner: the confirm step (GET), then ask for the whole available balance to be paid to
    the shop's bank (POST; the amount leaves the available balance at once)."""
    form = ActionForm()
    figures = balance_queries.figures(shop.id, _currency())
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(_("Your form expired. Reload the page and try again."), "danger")
            return redirect(url_for("seller.request_payout"))
        try:
            with unit_of_work.attempt():
                payout = payouts.request(current_user, _currency())
        except DomainError as error:
            return render_template("seller/payout_confirm.html", shop=shop, figures=figures, form=form,
                                   error=error.message, minimum=current_app.config["PAYOUT_MINIMUM"]), 422
        flash(_("Payout requested: %(amount)s. We'll tell you when it is paid.",
                amount=format_money(payout.amount, payout.currency)), "success")
        return redirect(url_for("seller.balance"), code=303)
    return render_template("seller/payout_confirm.html", shop=shop, figures=figures, form=form, error=None,
                           minimum=current_app.config["PAYOUT_MINIMUM"])


@bp.get("/statements")
@shop_required
def list_statements(shop: Shop):
    """The shop's owner: the months with a statement, newest first (read-only)."""
    today = datetime.now(dates.viewer_zone()).date()
    months = balance_queries.statement_months(shop.id, _currency(), today, _time_zone())
    return render_template("seller/statements.html", shop=shop, months=months)


def _month(value: str) -> date:
    found = MONTH.match(value)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        abort(404)
    return date(int(found.group(1)), int(found.group(2)), 1)


@bp.get("/statements/<month>")
@shop_required
def view_statement(shop: Shop, month: str):
    """The shop's owner: one month's statement: opening balance, one line per day and kind (how many
    transactions, how much), closing balance; every transaction is in the CSV."""
    statement = balance_queries.statement(shop.id, _currency(), _month(month), _time_zone())
    return render_template("seller/statement.html", shop=shop, statement=statement, month_code=month)


@bp.get("/statements/<month>.csv")
@shop_required
def statement_csv(shop: Shop, month: str):
    """The shop's owner: one month's statement as CSV, one row per ledger transaction (amounts in minor
    units, with the currency), streamed."""
    day, zone, currency = _month(month), _time_zone(), _currency()
    statement = balance_queries.statement(shop.id, currency, day, zone)
    header = [_("Date"), _("What"), _("Order"), _("Pending change"), _("Available change"), _("Balance change"),
              _("Currency")]
    opening = ["", _("Opening balance"), "", statement.opening_pending, statement.opening_available,
               statement.opening, currency]
    closing = ["", _("Closing balance"), "", statement.closing_pending, statement.closing_available,
               statement.closing, currency]

    def rows():
        yield opening
        for line in balance_queries.statement_transactions(shop.id, currency, day, zone):
            yield [line.created_at.isoformat(timespec="seconds"), ledger_kind(line.kind), line.order_number or "",
                   line.pending, line.available, line.total, currency]
        yield closing

    return csv_stream(f"statement-{shop.slug}-{month}.csv", header, rows())


@bp.post("/shop/bank")
@shop_required
def edit_bank_details(shop: Shop):
    """The shop's owner: set the bank account payouts go to (checked: digits, lengths)."""
    form = BankDetailsForm()
    if form.validate_on_submit():
        try:
            with unit_of_work.attempt():
                bank_details.update_bank_details(shop, bank_name=form.bank_name.data,
                                                 account_name=form.bank_account_name.data,
                                                 account_number=form.bank_account_number.data)
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(_("Bank details saved. Payouts go to this account from now on."), "success")
            return redirect(url_for("seller.edit_shop") + "#bank-details", code=303)
    from marketplace.seller.shop import profile_page

    return profile_page(shop, bank_form=form), 422
