"""The seller's and admin's daily figures count the marketplace's local days (DEFAULT_TIMEZONE,
Asia/Ho_Chi_Minh: UTC+7), not UTC's: a sale at 23:30 there (16:30 UTC) is that day's, one at
00:30 (17:30 UTC, the same UTC day) the next day's (issue 16.3; migration tz01)."""
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from marketplace.extensions import db
from marketplace.models import OrderStatus, Role
from marketplace.services.admin import admin_figures
from marketplace.services.core import rollups
from marketplace.services.shops import seller_figures
from tests.factories import login, make_order, make_user
from tests.reviews_support import seller_with_product

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 12, 6)
LATE = datetime.combine(DAY, time(23, 30), tzinfo=LOCAL)  # 16:30 UTC on the 6th
EARLY = datetime.combine(DAY + timedelta(days=1), time(0, 30), tzinfo=LOCAL)  # 17:30 UTC, still the 6th in UTC
NOW = datetime.combine(DAY + timedelta(days=1), time(9, 0), tzinfo=LOCAL)


def make_sales():
    """A shop's sale at 23:30 local on DAY and one at 00:30 the next day: (shop, product, late, early)."""
    _, shop, product = seller_with_product(variants=[{"price": 1000}])
    late = make_order(product=product, quantity=1, status=OrderStatus.DELIVERED, created_at=LATE)
    early = make_order(product=product, quantity=3, status=OrderStatus.PENDING, created_at=EARLY)
    return shop, product, late, early


@pytest.fixture
def sales():
    return make_sales()


def test_the_sellers_days_are_local(sales):
    shop, _, late, early = sales
    days = {d.day: (d.revenue, d.orders) for d in seller_figures.revenue_by_day(shop.id, NOW)}
    assert days[DAY] == (late.total, 1) and days[DAY + timedelta(days=1)] == (early.total, 1)
    today, week, _ = seller_figures.sales_windows(shop.id, NOW)
    assert (today.revenue, today.orders) == (early.total, 1)  # 00:30 today; 23:30 was yesterday
    assert (week.revenue, week.orders) == (late.total + early.total, 2)
    top = seller_figures.top_products(shop.id, NOW, days=1)
    assert top == []  # the delivered sale was yesterday's, the one of today not sold yet


def test_the_admins_days_are_local():
    before = {d.day: (d.orders, d.gmv) for d in admin_figures.daily_sales(2, today=DAY + timedelta(days=1))}
    _, _, late, early = make_sales()
    db.session.execute(text("SET LOCAL TIME ZONE 'UTC'"))  # the connection's zone moves nothing
    after = {d.day: (d.orders, d.gmv) for d in admin_figures.daily_sales(2, today=DAY + timedelta(days=1))}
    assert after[DAY] == (before[DAY][0] + 1, before[DAY][1] + late.total)
    nxt = DAY + timedelta(days=1)
    assert after[nxt] == (before[nxt][0] + 1, before[nxt][1] + early.total)


def test_today_is_the_local_day(app):
    with app.app_context():
        assert rollups.time_zone() == LOCAL
        assert rollups.local_today(datetime(2026, 12, 6, 17, 30, tzinfo=ZoneInfo("UTC"))) == date(2026, 12, 7)


def test_the_dashboards_count_a_sale_at_2330_for_that_day(client):
    """The pages, with the real clock: yesterday 23:30 local is yesterday's bar, today 00:30 is today's."""
    today = datetime.now(LOCAL).date()
    seller, shop, product = seller_with_product(variants=[{"price": 1000}])
    late = make_order(product=product, quantity=2, created_at=datetime.combine(today - timedelta(days=1),
                                                                               time(23, 30), tzinfo=LOCAL))
    early = make_order(product=product, quantity=5, created_at=datetime.combine(today, time(0, 30), tzinfo=LOCAL))
    login(client, seller)
    html = client.get("/seller/dashboard").get_data(as_text=True)
    yesterday = today - timedelta(days=1)
    assert f'data-day="{yesterday.isoformat()}" data-revenue="{late.total}"' in html
    assert f'data-day="{today.isoformat()}" data-revenue="{early.total}"' in html
    assert "by day of ordering (Vietnam Time)" in html and "UTC" not in html

    admin = make_user(role=Role.ADMIN)
    login(client, admin)
    html = client.get("/admin/").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-day="([\d-]+)"><td>.*?</td><td class="text-end">(\d+)</td>', html))
    assert int(rows[yesterday.isoformat()]) >= 1 and int(rows[today.isoformat()]) >= 1
    assert "Day (Vietnam Time)" in html and "Day (UTC)" not in html


def test_changing_the_zone_rebuilds_every_day(sales):
    shop, product, late, early = sales
    rollups.set_time_zone("UTC")
    assert rollups.time_zone() == ZoneInfo("UTC")
    days = {d.day: (d.revenue, d.orders) for d in seller_figures.revenue_by_day(shop.id, NOW)}
    assert days[DAY] == (late.total + early.total, 2)  # both on the 6th in UTC
    # and new sales follow the new zone at once
    make_order(product=product, quantity=1,
               created_at=datetime(2026, 12, 6, 20, 0, tzinfo=ZoneInfo("UTC")))
    days = {d.day: d.orders for d in seller_figures.revenue_by_day(shop.id, NOW)}
    assert days[DAY] == 3
    rollups.set_time_zone("Asia/Ho_Chi_Minh")
    days = {d.day: d.orders for d in seller_figures.revenue_by_day(shop.id, NOW)}
    assert (days[DAY], days[DAY + timedelta(days=1)]) == (1, 2)


@pytest.mark.parametrize("name", ["Mars/Olympus", "UTC'; DROP TABLE orders; --", ""])
def test_an_unknown_zone_is_refused(name):
    with pytest.raises(ValueError, match="Not a time zone"):
        rollups.set_time_zone(name)


def test_the_days_zone_is_named_in_the_viewers_language(client):
    seller, _, _ = seller_with_product()
    seller.locale = "vi"
    login(client, seller)
    html = client.get("/seller/dashboard").get_data(as_text=True)
    assert "Đơn hàng chưa hủy, theo ngày đặt hàng (Giờ Việt Nam)." in html
