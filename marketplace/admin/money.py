"""Admin queues of money after the sale: disputed returns (decide: accept or close, through a confirm
step) and refunds to pay by hand (cash on delivery, or refused by the provider: mark paid with the
bank transfer's reference, through a confirm step)."""
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.admin import bp
from marketplace.admin.confirm import Confirmation, render_confirm
from marketplace.admin.forms import DecideReturnForm, MarkRefundPaidForm
from marketplace.admin.tables import back_to
from marketplace.extensions import db
from marketplace.models import Order, Refund, ReturnStatus
from marketplace.money import format_money
from marketplace.services.core.errors import DomainError, NotFound
from marketplace.services.ledger import refunds
from marketplace.services.returns import return_queries, returns
from marketplace.web.auth import admin_required

DECISIONS = ("accept", "close")


@bp.get("/returns")
@admin_required
def list_disputed_returns():
    """Admins: returns waiting for an administrator's decision, newest first (read-only)."""
    page = return_queries.list_disputed(request.args.get("cursor"))
    return render_template("admin/returns.html", page=page, counts=return_queries.item_counts(page.items),
                           orders_by_id=return_queries.orders_by_id(r.order_id for r in page.items))


def _detail(return_id: uuid.UUID):
    try:
        return return_queries.get_admin_return(return_id)
    except NotFound:
        abort(404)


@bp.get("/returns/<uuid:return_id>")
@admin_required
def view_return(return_id: uuid.UUID):
    """Admins: one return with its lines, photos and timeline; accept or close it when disputed (read-only)."""
    detail = _detail(return_id)
    return render_template("admin/return.html", d=detail,
                           disputed=detail.request.status == ReturnStatus.DISPUTED.value)


def _decision(return_id: uuid.UUID) -> str:
    decision = request.values.get("decision", "")
    if decision not in DECISIONS:
        abort(400)
    return decision


def _decide_confirmation(d, decision: str, form: DecideReturnForm) -> Confirmation:
    accept = decision == "accept"
    return Confirmation(
        title=(_("Accept return %(number)s?", number=d.request.number) if accept
               else _("Close return %(number)s?", number=d.request.number)),
        button=_("Accept the return") if accept else _("Close the return"), form=form, reason=True, danger=not accept,
        consequences=[_("The buyer sends the items back; the seller confirms receipt and the buyer is refunded.")
                      if accept else _("The return ends without a refund; the items stay with the buyer."),
                      _("The buyer and the seller are told, with your reason.")],
        action_url=url_for("admin.decide_return", return_id=d.request.id, decision=decision),
        back=back_to(url_for("admin.view_return", return_id=d.request.id)),
        blocked=None if d.request.status == ReturnStatus.DISPUTED.value else _("This return is not waiting for a decision."),
        details=[(_("Order"), d.order.number), (_("Reason"), return_reason_text(d.request.reason))],
    )


def return_reason_text(reason: str) -> str:
    from marketplace.models import ReturnReason

    return str(returns.REASON_LABELS[ReturnReason(reason)])


@bp.get("/returns/<uuid:return_id>/decide")
@admin_required
def confirm_decide_return(return_id: uuid.UUID):
    """Admins: the confirm step of accepting or closing a disputed return (read-only)."""
    return render_confirm(_decide_confirmation(_detail(return_id), _decision(return_id),
                                               DecideReturnForm(formdata=None)))


@bp.post("/returns/<uuid:return_id>/decide")
@admin_required
def decide_return(return_id: uuid.UUID):
    """Admins: accept or close a disputed return with a reason, once confirmed (audited)."""
    decision, d = _decision(return_id), _detail(return_id)
    form = DecideReturnForm(formdata=request.form)
    if not form.confirmed:
        return render_confirm(_decide_confirmation(d, decision, form))
    if not form.validate():
        return render_confirm(_decide_confirmation(d, decision, form), status=422)
    try:
        with db.session.begin_nested():
            returns.decide(current_user, return_id, decision == "accept", form.reason.data)
    except DomainError as error:
        form.reason.errors.append(error.message)
        return render_confirm(_decide_confirmation(_detail(return_id), decision, form), status=409)
    flash(_("Return %(number)s decided.", number=d.request.number), "success")
    return redirect(url_for("admin.list_disputed_returns"), code=303)


@bp.get("/refunds")
@admin_required
def list_refunds():
    """Admins: refunds to pay by hand (cash on delivery owed, or refused by the provider), newest first."""
    page = return_queries.list_refunds_to_pay(request.args.get("cursor"))
    return render_template("admin/refunds.html", page=page,
                           orders_by_id=return_queries.orders_by_id(r.order_id for r in page.items))


def _refund(refund_id: uuid.UUID) -> Refund:
    refund = db.session.get(Refund, refund_id)
    if refund is None:
        abort(404)
    return refund


def _pay_confirmation(refund: Refund, form: MarkRefundPaidForm) -> Confirmation:
    order = db.session.get(Order, refund.order_id)
    amount = format_money(refund.amount, refund.currency)
    return Confirmation(
        title=_("Mark the refund of %(amount)s paid?", amount=amount), button=_("Mark paid"), form=form,
        reason=True, danger=False,
        consequences=[_("Record that you sent %(amount)s to the buyer by bank transfer.", amount=amount),
                      _("The buyer is told; this can't be undone.")],
        action_url=url_for("admin.mark_refund_paid", refund_id=refund.id), back=back_to(url_for("admin.list_refunds")),
        blocked=_("This refund was already paid.") if refund.status == "PAID" else None,
        details=[(_("Order"), order.number), (_("Buyer"), f"{order.ship_recipient_name} · {order.ship_phone}"),
                 (_("Reason"), refund.reason)] + ([(_("Provider error"), refund.failure)] if refund.failure else []),
    )


@bp.get("/refunds/<uuid:refund_id>/pay")
@admin_required
def confirm_mark_refund_paid(refund_id: uuid.UUID):
    """Admins: the confirm step of marking a refund paid, asking for the bank reference (read-only)."""
    return render_confirm(_pay_confirmation(_refund(refund_id), MarkRefundPaidForm(formdata=None)))


@bp.post("/refunds/<uuid:refund_id>/pay")
@admin_required
def mark_refund_paid(refund_id: uuid.UUID):
    """Admins: mark an owed or failed refund paid with the bank transfer's reference, once confirmed."""
    refund = _refund(refund_id)
    form = MarkRefundPaidForm(formdata=request.form)
    if not form.confirmed:
        return render_confirm(_pay_confirmation(refund, form))
    if not form.validate():
        return render_confirm(_pay_confirmation(refund, form), status=422)
    try:
        with db.session.begin_nested():
            refunds.mark_paid(refund.id, reference=form.reason.data, actor=current_user)
    except DomainError as error:
        form.reason.errors.append(error.message)
        return render_confirm(_pay_confirmation(_refund(refund_id), form), status=409)
    flash(_("Refund marked paid."), "success")
    return redirect(url_for("admin.list_refunds"), code=303)
