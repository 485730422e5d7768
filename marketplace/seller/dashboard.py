"""Seller center: the dashboard (sales figures, revenue chart, orders by status, top products,
low stock, latest reviews). Every figure comes from services/shops/seller_figures.py."""
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app, render_template, url_for
from werkzeug.routing import BuildError

from marketplace import dates
from marketplace.models import OrderStatus, Shop
from marketplace.seller import bp
from marketplace.seller.access import shop_required
from marketplace.services.core import rollups
from marketplace.services.reviews import review_queries
from marketplace.services.shops import seller_figures
from marketplace.services.shops.seller_figures import DayFigure


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: DayFigure
    label: str | None  # x-axis label under one bar a week, counted back from today
    label_x: float
    label_anchor: str


CHART_WIDTH, CHART_HEIGHT, CHART_BOTTOM = 600, 180, 20


def chart_bars(days: list[DayFigure]) -> tuple[list[Bar], int]:
    """SVG geometry for a revenue bar chart; returns the bars and the revenue at the top of the scale."""
    peak = max((d.revenue for d in days), default=0)
    scale = peak or 1
    slot = CHART_WIDTH / max(len(days), 1)
    plot = CHART_HEIGHT - CHART_BOTTOM
    bars = []
    last = len(days) - 1
    for i, day in enumerate(days):
        height = round(plot * day.revenue / scale, 1)
        label = dates.format_date(day.day, "MMMd") if (last - i) % 7 == 0 else None
        # The last label ends at the chart's edge instead of being centred past it.
        label_x, anchor = (CHART_WIDTH, "end") if i == last else (round((i + 0.5) * slot, 1), "middle")
        bars.append(Bar(round(i * slot + 1, 1), round(plot - height, 1), round(slot - 2, 1), height, day, label,
                        label_x, anchor))
    return bars, peak


def _orders_link(status: OrderStatus) -> str | None:
    try:
        return url_for("seller.list_orders", status=status.value)
    except BuildError:  # the orders page belongs to another area and may not exist yet
        return None


@bp.get("/dashboard")
@shop_required
def dashboard(shop: Shop):
    """The shop's owner: sales for today / 7 / 30 days, revenue by day, orders by status,
    top products, low-stock variants and the latest reviews (read only)."""
    now = datetime.now(timezone.utc)
    days = seller_figures.revenue_by_day(shop.id, now)
    bars, peak = chart_bars(days)
    threshold = current_app.config["LOW_STOCK_THRESHOLD"]
    statuses = [(status, count, _orders_link(status)) for status, count in seller_figures.orders_by_status(shop.id)]
    return render_template(
        "seller/dashboard.html",
        shop=shop,
        windows=seller_figures.sales_windows(shop.id, now),
        days=days, bars=bars, peak=peak, chart_width=CHART_WIDTH, chart_height=CHART_HEIGHT,
        statuses=statuses,
        top_products=seller_figures.top_products(shop.id, now),
        low_stock=seller_figures.low_stock_variants(shop.id, threshold),
        threshold=threshold,
        latest_reviews=review_queries.list_shop_reviews(shop.id, limit=5).items,
        figures_zone=dates.zone_label(rollups.time_zone()),
    )
