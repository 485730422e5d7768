"""The words for the ledger's codes (transaction kinds, payout statuses), in the viewer's language, for
the seller's and the admin's money pages. The codes stay English: they are the data."""
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from marketplace.seller import bp

KINDS = {
    "PAYMENT_CAPTURED": _l("Payment received"), "SALE_EARNED": _l("Sale delivered"),
    "SETTLED": _l("Settled: now available"), "REFUND": _l("Refund"), "REFUND_PAID": _l("Refund paid"),
    "PAYOUT_REQUESTED": _l("Payout requested"), "PAYOUT_PAID": _l("Payout paid"),
    "PAYOUT_REFUSED": _l("Payout refused: amount returned"), "ADJUSTMENT": _l("Adjustment"),
}
PAYOUT_STATUSES = {
    "REQUESTED": _l("Requested"), "APPROVED": _l("Approved"), "PAID": _l("Paid"), "REFUSED": _l("Refused"),
}
PAYOUT_BADGES = {"REQUESTED": "text-bg-warning", "APPROVED": "text-bg-info", "PAID": "text-bg-success",
                 "REFUSED": "text-bg-secondary"}


@bp.app_template_global("ledger_kind")
def ledger_kind(code: str) -> str:
    return str(KINDS.get(code, code))


@bp.app_template_global("payout_status")
def payout_status(code: str) -> str:
    return str(PAYOUT_STATUSES.get(code, code))


@bp.app_template_global("payout_badge")
def payout_badge(code: str) -> str:
    return PAYOUT_BADGES.get(code, "text-bg-light")


@bp.app_template_global("ledger_account")
def ledger_account(code: str) -> str:
    if code == "SHOP_PENDING":
        return pgettext("balance", "Pending")
    return pgettext("balance", "Available")


ACCOUNT_KINDS = {
    "CASH": _l("Cash held"), "BUYER_FUNDS": _l("Buyers' money (orders not delivered)"),
    "SHOP_PENDING": _l("Shops: pending"), "SHOP_AVAILABLE": _l("Shops: available"),
    "COMMISSION": _l("Commission earned"), "REFUNDS_OWED": _l("Refunds owed"),
    "PAYOUTS_IN_TRANSIT": _l("Payouts in transit"),
}


@bp.app_template_global("ledger_account_kind")
def ledger_account_kind(code: str) -> str:
    return str(ACCOUNT_KINDS.get(code, code))
