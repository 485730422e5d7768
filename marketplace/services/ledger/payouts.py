"""Payouts: a seller asks for the shop's whole available balance; an admin approves it, marks it paid
with the bank's reference, or refuses it with a reason.

    asked     SHOP_AVAILABLE +amount        PAYOUTS_IN_TRANSIT -amount   ("payout:<id>")
    paid      PAYOUTS_IN_TRANSIT +amount    CASH -amount                 ("payout-paid:<id>")
    refused   PAYOUTS_IN_TRANSIT +amount    SHOP_AVAILABLE -amount       ("payout-refused:<id>")

A payout never exceeds the available balance: the request reads it with the shop's available account
row locked (ledger.locked_balance), so two requests at once queue on that row and the second sees what
the first left; the account's CHECK refuses an overdraft even if a caller forgot the lock. Admin
decisions lock the payout row, so two admins deciding at once decide once.
"""
import uuid
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Payout, PayoutStatus, Shop, ShopStatus, TransactionKind, User
from marketplace.models.base import utcnow
from marketplace.money import format_money
from marketplace import i18n
from marketplace.services.accounts.notifications import notify
from marketplace.services.core import audit
from marketplace.services.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.services.core.input_rules import text_problem
from marketplace.services.ledger.ledger import K, credit, debit, locked_balance, post

S = PayoutStatus
REFERENCE_MAX = Payout.reference.type.length
REASON_MAX = 500
SELLER_LINK = "/seller/balance"

_APPROVED = _l("Your payout of %(amount)s is approved: the transfer is on its way.")
_PAID = _l("Your payout of %(amount)s was paid to your bank (reference %(reference)s).")
_REFUSED = _l("Your payout of %(amount)s was refused: %(reason)s. The amount is available again.")


def request(seller: User, currency: str | None = None, at: datetime | None = None) -> Payout:
    """The seller's shop asks for its whole available balance (at least PAYOUT_MINIMUM), to the bank
    details on its profile (copied on the payout: a later edit never redirects it). `at`: when, if not
    now (the benchmark's history, marketplace/seed/bench_ledger.py).

    Locks the shop's SHOP_AVAILABLE account row (FOR UPDATE) until the transaction ends."""
    shop = db.session.scalar(select(Shop).where(Shop.owner_id == seller.id))
    if shop is None:
        raise NotFound(_("Open your shop first."))
    if shop.status != ShopStatus.ACTIVE:
        raise Conflict(_("Only an open shop can ask for a payout."), code="shop_not_active")
    if not (shop.bank_name and shop.bank_account_name and shop.bank_account_number):
        raise ValidationFailed(_("Add your bank details to your shop profile first."), code="bank_details_missing")
    currency = currency or current_app.config["CURRENCY"]
    amount = locked_balance(K.SHOP_AVAILABLE, currency, shop.id)
    minimum = current_app.config["PAYOUT_MINIMUM"]
    if amount < minimum:
        raise ValidationFailed(
            _("You can ask for a payout once %(minimum)s is available (now %(amount)s).",
              minimum=format_money(minimum, currency), amount=format_money(amount, currency)),
            code="below_minimum")
    payout = Payout(id=uuid.uuid4(), shop_id=shop.id, amount=amount, currency=currency,
                    status=S.REQUESTED.value, bank_name=shop.bank_name, bank_account_name=shop.bank_account_name,
                    bank_account_number=shop.bank_account_number, requested_by=seller.id,
                    **({"created_at": at} if at else {}))
    db.session.add(payout)
    db.session.flush()
    post(TransactionKind.PAYOUT_REQUESTED, currency,
         [debit(K.SHOP_AVAILABLE, amount, shop_id=shop.id), credit(K.PAYOUTS_IN_TRANSIT, amount)],
         key=f"payout:{payout.id}", memo=f"payout asked by {shop.slug}"[:200], actor_id=seller.id,
         payout_id=payout.id, at=at)
    return payout


def approve(admin: User, payout_id: uuid.UUID, at: datetime | None = None) -> Payout:
    """An admin approves a requested payout (the transfer is being made). Locks the payout row.
    `at`: when, if not now (the benchmark's history)."""
    payout = _locked(payout_id)
    _require(payout, (S.REQUESTED,), _("Only a requested payout can be approved."))
    payout.status, payout.decided_by, payout.approved_at = S.APPROVED.value, admin.id, at or utcnow()
    audit.record(admin, "payout.approve", "payout", payout.id, None, amount=payout.amount, shop=payout.shop_id)
    _tell_owner(payout, "payout.approved", _l("Payout approved"), _APPROVED)
    db.session.flush()
    return payout


def mark_paid(admin: User, payout_id: uuid.UUID, reference: str | None, at: datetime | None = None) -> Payout:
    """An admin records the bank transfer of an approved payout, with its reference. Locks the payout row.
    `at`: when, if not now (the benchmark's history)."""
    reference = (reference or "").strip()
    if not reference:
        raise ValidationFailed(_("Enter the bank transfer's reference."), field="reference", code="reference_missing")
    if len(reference) > REFERENCE_MAX or text_problem(reference):
        raise ValidationFailed(_("Enter the reference as it appears on the transfer (at most %(max)d characters).",
                                 max=REFERENCE_MAX), field="reference", code="reference_invalid")
    payout = _locked(payout_id)
    _require(payout, (S.APPROVED,), _("Only an approved payout can be marked paid."))
    payout.status, payout.reference, payout.paid_at, payout.decided_by = S.PAID.value, reference, at or utcnow(), admin.id
    post(TransactionKind.PAYOUT_PAID, payout.currency,
         [debit(K.PAYOUTS_IN_TRANSIT, payout.amount), credit(K.CASH, payout.amount)],
         key=f"payout-paid:{payout.id}", memo=f"paid, reference {reference}"[:200], actor_id=admin.id,
         payout_id=payout.id, at=at)
    audit.record(admin, "payout.paid", "payout", payout.id, None, amount=payout.amount, reference=reference)
    _tell_owner(payout, "payout.paid", _l("Payout paid"), _PAID, reference=reference)
    db.session.flush()
    return payout


def refuse(admin: User, payout_id: uuid.UUID, reason: str | None) -> Payout:
    """An admin refuses a requested or approved payout with a reason: the amount is available again.
    Locks the payout row, then (through the posting) the shop's available account row."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), field="reason", code="reason_missing")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(_("Keep the reason under %(max)d characters.", max=REASON_MAX), field="reason",
                               code="reason_too_long")
    if text_problem(reason, multiline=True):
        raise ValidationFailed(text_problem(reason, multiline=True), field="reason", code="reason_invalid")
    payout = _locked(payout_id)
    _require(payout, (S.REQUESTED, S.APPROVED), _("Only a requested or approved payout can be refused."))
    payout.status, payout.refuse_reason, payout.refused_at, payout.decided_by = (
        S.REFUSED.value, reason, utcnow(), admin.id)
    post(TransactionKind.PAYOUT_REFUSED, payout.currency,
         [debit(K.PAYOUTS_IN_TRANSIT, payout.amount), credit(K.SHOP_AVAILABLE, payout.amount, shop_id=payout.shop_id)],
         key=f"payout-refused:{payout.id}", memo="payout refused", actor_id=admin.id, payout_id=payout.id)
    audit.record(admin, "payout.refuse", "payout", payout.id, reason, amount=payout.amount)
    _tell_owner(payout, "payout.refused", _l("Payout refused"), _REFUSED, reason=reason)
    db.session.flush()
    return payout


def _locked(payout_id: uuid.UUID) -> Payout:
    payout = db.session.scalar(select(Payout).where(Payout.id == payout_id).with_for_update()
                               .execution_options(populate_existing=True))
    if payout is None:
        raise NotFound(_("We couldn't find that payout."))
    return payout


def _require(payout: Payout, allowed: tuple[PayoutStatus, ...], message: str) -> None:
    if payout.status not in {status.value for status in allowed}:
        raise Conflict(message, code="payout_status")


def _tell_owner(payout: Payout, kind: str, title, body, **values) -> None:
    """Notify the shop's owner, in their language (the amount formatted for it too)."""
    owner = db.session.scalar(select(User).join(Shop, Shop.owner_id == User.id).where(Shop.id == payout.shop_id))
    with i18n.in_language_of(owner):
        text = str(body) % dict(values, amount=format_money(payout.amount, payout.currency))
        notify(owner.id, kind, str(title), text, SELLER_LINK)
