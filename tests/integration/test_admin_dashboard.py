"""The admin dashboard shows the service figures, the chart data and links into the queues."""
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from marketplace.models import OrderStatus, ShopStatus
from marketplace.services.admin import admin_figures
from tests.factories import make_order, make_product, make_shop


def test_dashboard_shows_counts_chart_data_and_queues(admin_client):
    make_shop(status=ShopStatus.PENDING)
    product = make_product(variants=[{"price": 2500}])
    make_order(product=product, quantity=2)
    make_order(product=product, quantity=1, status=OrderStatus.CANCELLED)
    counts = admin_figures.platform_counts()

    response = admin_client.get("/admin/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200

    def metric(key):
        return re.search(rf'data-metric="{key}">([^<]+)<', html).group(1)

    assert metric("users") == str(counts.users)
    assert metric("pending-shops") == str(counts.pending_shops)
    assert metric("products") == str(counts.products)
    assert metric("orders-30d") == "2"
    assert metric("gmv-30d") == "$50.00"

    data = json.loads(re.search(r'<script type="application/json" id="sales-chart-data">(.*?)</script>',
                                html, re.S).group(1))
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()  # DEFAULT_TIMEZONE's day
    assert len(data["labels"]) == 30 and data["labels"][-1] == today
    assert data["orders"][-1] == 2 and data["gmv"][-1] == 50.0
    assert 'data-status="CANCELLED">1<' in html

    assert "/static/vendor/chartjs/chart.umd.js" in html and "/static/js/admin-charts.js" in html
    assert "<script>" not in html and "style=" not in html  # CSP: no inline script or style
    assert 'href="/admin/products?status=HIDDEN"' in html


def test_dashboard_links_to_the_pending_shops_queue_when_it_exists(admin_client, app):
    html = admin_client.get("/admin/").get_data(as_text=True)
    if "admin.list_shops" in app.view_functions:
        assert "Shops waiting for approval" in html
    else:
        assert "Shops waiting for approval" not in html
