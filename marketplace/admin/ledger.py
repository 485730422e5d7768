"""Admin trial balance: every account kind's total per currency (they must sum to zero), and the check
that each shop's ledger balance equals its figure recomputed from orders, refunds and payouts."""
from flask import render_template

from marketplace.admin import bp
from marketplace.services.ledger import trial_balance_queries as tb
from marketplace.web.auth import admin_required


@bp.get("/ledger")
@admin_required
def trial_balance():
    """Admins: the trial balance and the per-shop check (read-only)."""
    totals = tb.account_totals()
    checks = tb.shop_checks()
    return render_template("admin/trial_balance.html", totals=totals, sums=tb.currency_sums(totals),
                           disagreeing=[c for c in checks if not c.agrees], shop_count=len(checks))
