"""The admin's checks of the ledger (read-only).

The trial balance: the sum of every account kind's entries per currency; they sum to zero when every
transaction balanced (the database refuses one that does not, so a non-zero total means someone
bypassed it).

The per-shop check compares each shop's ledger balance (pending + available, the trigger-kept running
balances) with the same figure recomputed WITHOUT the ledger, from the orders, refunds and payouts:

    owed to the shop = sum over its delivered orders of (total - commission of its lines)
                     - sum over refunds of its delivered orders of (amount - commission given back)
                     - sum of its payouts that were not refused (asked, approved or paid)

A sale's money reaches the shop at delivery (SALE_EARNED: total less commission, shipping included);
a refund after delivery takes back the refunded amount less the commission the platform gives back
(order_items.commission_refunded); a payout leaves the balance when asked and comes back if refused.
A refund of a paid order cancelled before delivery never touched the shop (BUYER_FUNDS -> REFUNDS_OWED).
"""
import uuid
from dataclasses import dataclass

from sqlalchemy import text

from marketplace.extensions import db


@dataclass(frozen=True)
class AccountTotal:
    kind: str
    currency: str
    total: int  # debit positive


@dataclass(frozen=True)
class ShopCheck:
    shop_id: uuid.UUID
    shop_name: str
    currency: str
    ledger: int       # owed to the shop by its ledger accounts
    recomputed: int   # owed to the shop by its orders, refunds and payouts

    @property
    def agrees(self) -> bool:
        return self.ledger == self.recomputed


def account_totals() -> list[AccountTotal]:
    """The sum of the entries of each account kind, per currency (one statement)."""
    rows = db.session.execute(text(
        "SELECT a.kind, a.currency, COALESCE(sum(e.amount), 0) FROM ledger_accounts a "
        "LEFT JOIN ledger_entries e ON e.account_id = a.id GROUP BY a.kind, a.currency ORDER BY a.currency, a.kind"))
    return [AccountTotal(kind, currency, int(total)) for kind, currency, total in rows]


def currency_sums(totals: list[AccountTotal]) -> dict[str, int]:
    """Each currency's sum over every account: zero when the books balance."""
    sums: dict[str, int] = {}
    for row in totals:
        sums[row.currency] = sums.get(row.currency, 0) + row.total
    return sums


_RECOMPUTED = """
WITH delivered AS (
    SELECT o.id, o.shop_id, o.currency, o.total FROM orders o
    WHERE o.delivered_at IS NOT NULL {shop_filter}
), earned AS (
    SELECT d.shop_id, d.currency,
           sum(d.total - (SELECT COALESCE(sum(oi.commission - oi.commission_refunded), 0)
                          FROM order_items oi WHERE oi.order_id = d.id)) AS amount
    FROM delivered d GROUP BY d.shop_id, d.currency
), refunded AS (
    SELECT d.shop_id, d.currency, sum(r.amount) AS amount
    FROM refunds r JOIN delivered d ON d.id = r.order_id GROUP BY d.shop_id, d.currency
), paid_out AS (
    SELECT p.shop_id, p.currency, sum(p.amount) AS amount FROM payouts p
    WHERE p.status <> 'REFUSED' {payout_filter} GROUP BY p.shop_id, p.currency
), recomputed AS (
    SELECT shop_id, currency, sum(amount) AS amount FROM (
        SELECT shop_id, currency, amount FROM earned
        UNION ALL SELECT shop_id, currency, -amount FROM refunded
        UNION ALL SELECT shop_id, currency, -amount FROM paid_out
    ) parts GROUP BY shop_id, currency
), ledger AS (
    SELECT shop_id, currency, -sum(balance) AS amount FROM ledger_accounts
    WHERE kind IN ('SHOP_PENDING', 'SHOP_AVAILABLE') {ledger_filter} GROUP BY shop_id, currency
)
SELECT COALESCE(l.shop_id, r.shop_id) AS shop_id, s.name, COALESCE(l.currency, r.currency) AS currency,
       COALESCE(l.amount, 0) AS ledger, COALESCE(r.amount, 0) AS recomputed
FROM ledger l FULL JOIN recomputed r ON r.shop_id = l.shop_id AND r.currency = l.currency
JOIN shops s ON s.id = COALESCE(l.shop_id, r.shop_id)
ORDER BY s.name, 3
"""


def shop_checks(shop_id: uuid.UUID | None = None) -> list[ShopCheck]:
    """Every shop's (or one shop's) ledger balance beside its recomputation, per currency (one statement)."""
    filters = dict(shop_filter="", payout_filter="", ledger_filter="")
    params = {}
    if shop_id is not None:
        filters = dict(shop_filter="AND o.shop_id = :shop_id", payout_filter="AND p.shop_id = :shop_id",
                       ledger_filter="AND shop_id = :shop_id")
        params["shop_id"] = shop_id
    rows = db.session.execute(text(_RECOMPUTED.format(**filters)), params)
    return [ShopCheck(row.shop_id, row.name, row.currency, int(row.ledger), int(row.recomputed)) for row in rows]


def disagreeing_shops() -> list[ShopCheck]:
    return [check for check in shop_checks() if not check.agrees]
