"""Admin payouts: the queue (requested first), approve / mark paid (with the bank's reference) /
refuse (with a reason), each through a confirm step (admin/confirm.py), and the approved payouts as
CSV for the bank."""
import uuid

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.admin import bp
from marketplace.admin.confirm import Confirmation, reload, render_confirm
from marketplace.admin.forms import PayoutActionForm, PayoutFilterForm
from marketplace.admin.tables import back_to, next_page_url, page_or_400, render_table
from marketplace.models import Payout
from marketplace.money import format_money
from marketplace.seller.money_labels import payout_status
from marketplace.services.core.errors import DomainError
from marketplace.services.ledger import payout_queries, payouts
from marketplace.web import unit_of_work
from marketplace.web.auth import admin_required
from marketplace.web.csv_export import csv_response

ALLOWED = {"approve": ("REQUESTED",), "paid": ("APPROVED",), "refuse": ("REQUESTED", "APPROVED")}


@bp.get("/payouts")
@admin_required
def list_payouts():
    """Admins: every payout, those to decide first (requested, then approved), filtered by status (read-only)."""
    form = PayoutFilterForm(formdata=request.args)
    page = page_or_400(payout_queries.queue, status=form.value("status"))
    return render_table("admin/payouts.html", "admin/partials/_payouts_results.html",
                        "admin/partials/_payouts_rows.html", "payouts-results", "payouts-more",
                        form=form, payouts=page.items, next_url=next_page_url(page.next_cursor),
                        allowed=ALLOWED, back=request.full_path.rstrip("?"))


@bp.get("/payouts/export.csv")
@admin_required
def export_payouts():
    """Admins: the approved payouts as CSV, oldest first: the transfers for the bank (read-only)."""
    header = [_("Payout"), _("Shop"), _("Bank"), _("Account holder"), _("Account number"), _("Amount"),
              _("Currency"), _("Approved")]
    rows = [[p.id, p.shop.name, p.bank_name, p.bank_account_name, p.bank_account_number,
             _major(p), p.currency,
             p.approved_at.isoformat(timespec="seconds") if p.approved_at else ""]
            for p in payout_queries.approved_for_bank()]
    return csv_response("payouts-approved.csv", header, rows)


def _major(payout: Payout) -> str:
    """The amount in the currency's major unit, plain digits and a dot ("1250000", "12.50"): what a bank reads."""
    from marketplace.money import exponent

    digits = exponent(payout.currency)
    if not digits:
        return str(payout.amount)
    whole, cents = divmod(payout.amount, 10 ** digits)
    return f"{whole}.{cents:0{digits}d}"


def _load(payout_id: uuid.UUID) -> Payout:
    payout = payout_queries.get(payout_id)
    if payout is None:
        abort(404)
    return payout


def _texts(action: str, payout: Payout) -> tuple[str, str, list[str]]:
    amount, shop = format_money(payout.amount, payout.currency), payout.shop.name
    if action == "approve":
        return _("Approve the payout of %(amount)s to “%(shop)s”?", amount=amount, shop=shop), _("Approve"), [
            _("The payout goes on the bank's list (the CSV export) for the transfer."),
            _("The seller is told that it is approved."),
        ]
    if action == "paid":
        return _("Mark the payout of %(amount)s to “%(shop)s” paid?", amount=amount, shop=shop), _("Mark paid"), [
            _("Do this only once the bank has made the transfer: enter its reference."),
            _("The amount leaves the platform's cash in the ledger, and the seller is told."),
        ]
    return _("Refuse the payout of %(amount)s to “%(shop)s”?", amount=amount, shop=shop), _("Refuse"), [
        _("The amount goes back to the shop's available balance."),
        _("The seller is told, with your reason."),
    ]


def _confirmation(payout: Payout, action: str, form: PayoutActionForm) -> Confirmation:
    title, button, consequences = _texts(action, payout)
    blocked = None
    if payout.status not in ALLOWED[action]:
        blocked = _("This payout is %(status)s: that can't be done now.", status=payout_status(payout.status).lower())
    return Confirmation(
        title=title, button=button, form=form, consequences=consequences, danger=action == "refuse",
        reason=action == "refuse", fields=[form.reference] if action == "paid" else [],
        action_url=url_for(f"admin.{action}_payout", payout_id=payout.id), back=back_to(url_for("admin.list_payouts")),
        blocked=blocked, details=[(_("Shop"), payout.shop.name), (_("Bank"), payout.bank_name),
                                  (_("Account holder"), payout.bank_account_name),
                                  (_("Account number"), payout.bank_account_number)],
    )


def _step(payout_id: uuid.UUID, action: str):
    payout = _load(payout_id)
    return render_confirm(_confirmation(payout, action, PayoutActionForm(formdata=None)))


def _act(payout_id: uuid.UUID, action: str):
    payout = _load(payout_id)
    form = PayoutActionForm(formdata=request.form)
    if not form.confirmed:
        return render_confirm(_confirmation(payout, action, form))  # a stray POST: ask, change nothing
    if not form.validate():
        return render_confirm(_confirmation(payout, action, form), status=422)
    try:
        with unit_of_work.attempt():
            if action == "approve":
                payouts.approve(current_user, payout.id)
            elif action == "paid":
                payouts.mark_paid(current_user, payout.id, form.reference.data)
            else:
                payouts.refuse(current_user, payout.id, form.reason.data)
    except DomainError as error:
        payout = _load(payout_id)
        for name, message in error.fields.items():
            if name in ("reference", "reason"):
                form[name].errors = list(form[name].errors) + [message]
        if error.fields:
            return render_confirm(_confirmation(payout, action, form), status=422)
        flash(error.message, "danger")
        return reload(back_to(url_for("admin.list_payouts")))
    flash({"approve": _("Payout approved."), "paid": _("Payout marked paid."),
           "refuse": _("Payout refused: the amount is available to the shop again.")}[action], "success")
    return reload(back_to(url_for("admin.list_payouts")))


@bp.get("/payouts/<uuid:payout_id>/approve")
@admin_required
def confirm_approve_payout(payout_id: uuid.UUID):
    """Admins: the confirm step of approving a payout (read-only)."""
    return _step(payout_id, "approve")


@bp.post("/payouts/<uuid:payout_id>/approve")
@admin_required
def approve_payout(payout_id: uuid.UUID):
    """Admins: approve a requested payout, once confirmed (seller notified, audited)."""
    return _act(payout_id, "approve")


@bp.get("/payouts/<uuid:payout_id>/paid")
@admin_required
def confirm_paid_payout(payout_id: uuid.UUID):
    """Admins: the confirm step of marking a payout paid, with the reference field (read-only)."""
    return _step(payout_id, "paid")


@bp.post("/payouts/<uuid:payout_id>/paid")
@admin_required
def paid_payout(payout_id: uuid.UUID):
    """Admins: mark an approved payout paid with the bank's reference, once confirmed (ledger, seller
    notified, audited)."""
    return _act(payout_id, "paid")


@bp.get("/payouts/<uuid:payout_id>/refuse")
@admin_required
def confirm_refuse_payout(payout_id: uuid.UUID):
    """Admins: the confirm step of refusing a payout, with the reason field (read-only)."""
    return _step(payout_id, "refuse")


@bp.post("/payouts/<uuid:payout_id>/refuse")
@admin_required
def refuse_payout(payout_id: uuid.UUID):
    """Admins: refuse a requested or approved payout with a reason, once confirmed (the amount is
    available again; seller notified, audited)."""
    return _act(payout_id, "refuse")
