"""The seller dashboard page: figures equal the ones computed here from the orders; access control."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from marketplace.extensions import db
from marketplace.models import OrderStatus, ProductVariant, Role
from marketplace.money import format_money
from marketplace.services.reviews import reviews
from tests.factories import make_order, make_product, make_user
from tests.reviews_support import bought_line, login, seller_with_product

S = OrderStatus
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")  # DEFAULT_TIMEZONE: the dashboard's days are its days


def midnight(days_back: int = 0) -> datetime:
    today = datetime.now(LOCAL).date() - timedelta(days=days_back)
    return datetime(today.year, today.month, today.day, tzinfo=LOCAL)


def local_day(order):
    return order.created_at.astimezone(LOCAL).date()


def cards(html: str) -> list[tuple[str, str]]:
    """(revenue text, orders text) of the Today / 7 days / 30 days cards."""
    found = []
    for i in (1, 2, 3):
        card = html.split(f'id="sales-{i}"')[1].split("</section>")[0]
        revenue = re.search(r'data-metric="revenue">([^<]+)<', card).group(1)
        orders = re.search(r'data-metric="orders">(\d+)<', card).group(1)
        found.append((revenue, orders))
    return found


def test_dashboard_figures_equal_the_orders(client):
    seller, shop, product = seller_with_product(title="Trà sen", variants=[{"price": 2000, "stock": 2, "sku": "TRA"}])
    other = make_product(shop=shop, title="Mứt gừng", variants=[{"price": 700, "stock": 50}])
    plan = [  # (product, days back, hours after midnight, status, quantity)
        (product, 0, 0, S.PENDING, 1), (product, 0, 0, S.CANCELLED, 3), (other, 1, 5, S.DELIVERED, 4),
        (product, 3, 2, S.COMPLETED, 2), (other, 10, 1, S.DELIVERED, 1), (product, 25, 3, S.SHIPPING, 1),
        (product, 45, 0, S.COMPLETED, 9),
    ]
    orders = [make_order(product=p, status=status, quantity=qty, created_at=midnight(back) + timedelta(hours=h))
              for p, back, h, status, qty in plan]
    make_order(status=S.COMPLETED, quantity=5)  # another shop's sale
    html_before_login = client.get("/seller/dashboard")
    assert html_before_login.status_code == 302
    login(client, seller)
    response = client.get("/seller/dashboard")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Trà sen" in html

    expected = []
    for days_back in (0, 6, 29):
        live = [o for o in orders if o.created_at >= midnight(days_back) and o.status != S.CANCELLED]
        expected.append((format_money(sum(o.total for o in live)), str(len(live))))
    assert cards(html) == expected

    bars = dict(re.findall(r'data-day="([\d-]+)" data-revenue="(\d+)"', html))
    assert len(bars) == 30
    for order in orders:
        day = local_day(order).isoformat()
        if day in bars:
            same_day = [o for o in orders if local_day(o) == local_day(order) and o.status != S.CANCELLED]
            assert int(bars[day]) == sum(o.total for o in same_day)

    statuses = dict(re.findall(r'data-status="(\w+)">.*?<span class="badge[^"]*">(\d+)</span>', html, re.S))
    for status in (S.PENDING, S.SHIPPING, S.DELIVERED, S.COMPLETED, S.CANCELLED):
        assert int(statuses[status.value]) == sum(1 for o in orders if o.status == status)
    if "seller.list_orders" in client.application.view_functions:
        assert "/seller/orders?status=PENDING" in html

    top = html.split('id="top-products"')[1].split("</table>")[0]
    assert top.index("Mứt gừng") < top.index("Trà sen")  # 4 + 1 units beat 2 (the 9 are too old)
    low = html.split('id="low-stock"')[1].split("</ul>")[0]
    assert 'data-sku="TRA"' in low and "2 left" in low and "Mứt gừng" not in low


def test_latest_reviews_show_on_the_dashboard(client):
    seller, _, product = seller_with_product()
    line = bought_line(product)
    reviews.create_review(line.order.buyer, line.id, 5, "Tuyệt vời!")
    login(client, seller)
    html = client.get("/seller/dashboard").get_data(as_text=True)
    assert "Tuyệt vời!" in html and 'href="/seller/reviews"' in html


def test_a_new_shop_sees_an_empty_dashboard(client):
    seller, _, _ = seller_with_product(variants=[{"stock": 100}])
    login(client, seller)
    html = client.get("/seller/dashboard").get_data(as_text=True)
    assert cards(html) == [(format_money(0), "0")] * 3
    assert "No delivered sales in the last 30 days." in html and "Every variant is well stocked." in html


def test_a_seller_only_ever_sees_their_own_shop(client):
    seller, _, _ = seller_with_product(title="Mine")
    _, _, theirs = seller_with_product(title="Someone else's", variants=[{"stock": 0, "sku": "THEIRS"}])
    make_order(product=theirs, status=S.COMPLETED, quantity=3)
    login(client, seller)
    html = client.get("/seller/dashboard").get_data(as_text=True)
    assert "THEIRS" not in html and "Someone else" not in html
    assert cards(html)[0] == (format_money(0), "0")


def test_buyers_and_shopless_sellers_cannot_open_it(client):
    login(client, make_user())
    assert client.get("/seller/dashboard").status_code == 302
    login(client, make_user(role=Role.SELLER))
    response = client.get("/seller/dashboard")
    assert response.status_code == 302 and response.headers["Location"] == "/seller/register"  # to open one


def test_low_stock_threshold_comes_from_config(client, app):
    seller, _, product = seller_with_product(variants=[{"stock": 8, "sku": "EIGHT"}])
    login(client, seller)
    old = app.config["LOW_STOCK_THRESHOLD"]
    try:
        app.config["LOW_STOCK_THRESHOLD"] = 8
        assert 'data-sku="EIGHT"' in client.get("/seller/dashboard").get_data(as_text=True)
        app.config["LOW_STOCK_THRESHOLD"] = 7
        assert 'data-sku="EIGHT"' not in client.get("/seller/dashboard").get_data(as_text=True)
    finally:
        app.config["LOW_STOCK_THRESHOLD"] = old
    assert db.session.get(ProductVariant, product.variants[0].id).stock == 8
