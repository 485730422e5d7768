"""services/shops/seller_figures.py: every figure equals the same figure computed here from the orders.

Days are the marketplace's (DEFAULT_TIMEZONE, Asia/Ho_Chi_Minh: UTC+7), not UTC's."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from marketplace.extensions import db
from marketplace.models import OrderStatus, ProductStatus
from marketplace.services.shops import seller_figures
from tests.factories import make_order, make_product
from tests.reviews_support import seller_with_product

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2024, 6, 15, 10, 30, tzinfo=timezone.utc)  # 17:30 in Hồ Chí Minh City
MIDNIGHT = datetime(2024, 6, 15, tzinfo=LOCAL)  # 17:00 UTC the day before
S = OrderStatus


def shop_orders(product, other_product):
    """(created_at, status, quantity, shipping_fee) rows, made into orders; returns the orders."""
    rows = [
        (NOW - timedelta(minutes=5), S.PENDING, 1, 300),
        (MIDNIGHT, S.DELIVERED, 2, 0),                        # first instant of today
        (MIDNIGHT - timedelta(microseconds=1), S.COMPLETED, 3, 300),  # last instant of yesterday
        (NOW - timedelta(hours=3), S.CANCELLED, 5, 0),
        (MIDNIGHT - timedelta(days=6), S.SHIPPING, 1, 0),   # first instant of the 7-day window
        (MIDNIGHT - timedelta(days=6, seconds=1), S.DELIVERED, 4, 0),
        (MIDNIGHT - timedelta(days=29), S.CONFIRMED, 2, 150),
        (MIDNIGHT - timedelta(days=29, seconds=1), S.DELIVERED, 9, 0),  # outside 30 days
        (MIDNIGHT - timedelta(days=12), S.DELIVERED, 6, 0),
    ]
    orders = [make_order(product=product, status=status, quantity=qty, shipping_fee=fee, created_at=created)
              for created, status, qty, fee in rows]
    orders.append(make_order(product=other_product, status=S.COMPLETED, quantity=1, created_at=NOW - timedelta(days=1)))
    return orders


def expected_window(orders, since):
    live = [o for o in orders if o.created_at >= since and o.status != S.CANCELLED]
    cancelled = [o for o in orders if o.created_at >= since and o.status == S.CANCELLED]
    return sum(o.total for o in live), len(live), len(cancelled)


def test_sales_windows_and_daily_revenue_equal_the_orders():
    _, shop, product = seller_with_product(variants=[{"price": 1250}])
    _, _, elsewhere = seller_with_product()
    orders = [o for o in shop_orders(product, elsewhere) if o.shop_id == shop.id]
    windows = seller_figures.sales_windows(shop.id, NOW)
    starts = [MIDNIGHT, MIDNIGHT - timedelta(days=6), MIDNIGHT - timedelta(days=29)]
    assert [(w.revenue, w.orders, w.cancelled) for w in windows] == [expected_window(orders, s) for s in starts]
    assert [w.label for w in windows] == ["Today", "7 days", "30 days"]
    assert windows[0].revenue == 1250 + 300 + 2500  # spelled out once, as a sanity anchor

    days = seller_figures.revenue_by_day(shop.id, NOW)
    assert len(days) == 30 and days[0].day == (MIDNIGHT - timedelta(days=29)).date()
    assert days[-1].day == NOW.astimezone(LOCAL).date()
    for figure in days:
        on_day = [o for o in orders if o.created_at.astimezone(LOCAL).date() == figure.day and o.status != S.CANCELLED]
        assert (figure.revenue, figure.orders) == (sum(o.total for o in on_day), len(on_day)), figure.day
    assert sum(d.revenue for d in days) == windows[2].revenue


def test_orders_by_status_counts_every_order_of_the_shop():
    _, shop, product = seller_with_product()
    _, _, elsewhere = seller_with_product()
    orders = [o for o in shop_orders(product, elsewhere) if o.shop_id == shop.id]
    counts = dict(seller_figures.orders_by_status(shop.id))
    for status in (S.PENDING, S.CONFIRMED, S.SHIPPING, S.DELIVERED, S.COMPLETED, S.CANCELLED):
        assert counts[status] == sum(1 for o in orders if o.status == status), status
    assert S.AWAITING_PAYMENT not in counts  # not the shop's work until paid


def test_top_products_count_delivered_units_of_30_days():
    seller, shop, first = seller_with_product(title="Áo thun")
    second = make_product(shop=shop, title="Quần jeans", variants=[{"price": 500}])
    third = make_product(shop=shop, title="Mũ")
    made = [
        make_order(product=first, status=S.DELIVERED, quantity=2, created_at=NOW - timedelta(days=1)),
        make_order(product=first, status=S.COMPLETED, quantity=1, created_at=NOW - timedelta(days=20)),
        make_order(product=first, status=S.PENDING, quantity=50, created_at=NOW),           # not sold yet
        make_order(product=second, status=S.COMPLETED, quantity=4, created_at=NOW - timedelta(days=3)),
        make_order(product=second, status=S.DELIVERED, quantity=9, created_at=NOW - timedelta(days=40)),  # too old
        make_order(product=third, status=S.CANCELLED, quantity=7, created_at=NOW),
    ]
    since = MIDNIGHT - timedelta(days=29)
    expected = {}
    for order in made:
        if order.status in (S.DELIVERED, S.COMPLETED) and order.created_at >= since:
            item = order.items[0]
            units, revenue = expected.get(item.product_id, (0, 0))
            expected[item.product_id] = (units + item.quantity, revenue + item.line_total)
    top = seller_figures.top_products(shop.id, NOW)
    assert {t.product_id: (t.units, t.revenue) for t in top} == expected
    assert [t.title for t in top] == ["Quần jeans", "Áo thun"]


def test_low_stock_lists_live_variants_at_or_under_the_threshold():
    _, shop, product = seller_with_product(variants=[{"stock": 0, "sku": "ZERO"}, {"stock": 5, "sku": "FIVE"},
                                                     {"stock": 6, "sku": "SIX"}, {"stock": 1, "sku": "GONE"}])
    product.variants[3].deleted_at = NOW
    make_product(shop=shop, status=ProductStatus.DRAFT, variants=[{"stock": 0, "sku": "DRAFT"}])
    make_product(shop=shop, status=ProductStatus.DELETED, variants=[{"stock": 0, "sku": "DELETED"}])
    seller_with_product(variants=[{"stock": 0, "sku": "OTHER-SHOP"}])
    db.session.flush()
    low = seller_figures.low_stock_variants(shop.id, threshold=5)
    assert [(v.sku, v.stock) for v in low] == [("ZERO", 0), ("FIVE", 5)]
    assert all(v.product_id == product.id for v in low)
