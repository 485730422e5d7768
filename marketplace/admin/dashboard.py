"""The admin dashboard: platform counts, 30 days of orders and GMV, queues that need action."""
from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from marketplace import dates
from marketplace.admin import bp
from marketplace.money import exponent
from marketplace.services.admin import admin_figures
from marketplace.services.core import rollups
from marketplace.web.auth import admin_required

CHART_DAYS = 30


def _queues(counts: admin_figures.PlatformCounts) -> list[dict]:
    """Links into each list that may need an admin."""
    candidates = [
        ("pending-shops", _("Shops waiting for approval"), counts.pending_shops, "admin.list_shops",
         {"status": "PENDING"}, True),
        ("hidden-products", _("Hidden products"), counts.hidden_products, "admin.list_products",
         {"status": "HIDDEN"}, False),
        ("suspended-users", _("Suspended users"), counts.suspended_users, "admin.list_users",
         {"status": "SUSPENDED"}, False),
        ("suspended-shops", _("Suspended shops"), counts.suspended_shops, "admin.list_shops",
         {"status": "SUSPENDED"}, False),
        ("hidden-reviews", _("Hidden reviews"), counts.hidden_reviews, "admin.list_reviews", {"state": "hidden"},
         False),
    ]
    return [
        {"key": key, "label": label, "count": count, "url": url_for(endpoint, **args), "urgent": urgent and count > 0}
        for key, label, count, endpoint, args, urgent in candidates
    ]


@bp.get("/")
@admin_required
def dashboard():
    """Admins: the platform at a glance (read-only)."""
    counts = admin_figures.platform_counts()
    days = admin_figures.daily_sales(CHART_DAYS)
    summary = admin_figures.sales_summary(CHART_DAYS)
    currency = current_app.config["CURRENCY"]
    chart = {
        "labels": [d.day.isoformat() for d in days],
        "orders": [d.orders for d in days],
        # Chart.js plots major units; the table beside it shows the exact formatted amounts.
        "gmv": [d.gmv / 10 ** exponent(currency) for d in days],
        "currency": currency,
        "series": {"orders": _("Orders"), "gmv": _("GMV")},  # the legend, in the viewer's language
    }
    return render_template(
        "admin/dashboard.html", counts=counts, days=days, summary=summary, chart=chart,
        by_status=admin_figures.orders_by_status(), queues=_queues(counts), chart_days=CHART_DAYS,
        figures_zone=dates.zone_label(rollups.time_zone()),
    )
