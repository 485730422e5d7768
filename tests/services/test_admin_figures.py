"""Admin dashboard figures: each equals the same figure computed independently here.

Days are the marketplace's (DEFAULT_TIMEZONE, Asia/Ho_Chi_Minh), not UTC's."""
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, text

from marketplace.extensions import db
from marketplace.models import OrderStatus, Product, ProductStatus, Role, Shop, ShopStatus, User, UserStatus
from marketplace.services.admin import admin_figures
from marketplace.services.core import rollups
from tests.factories import make_order, make_product, make_shop, make_user

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.now(LOCAL).date()


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)


def test_platform_counts_match_the_rows_counted_one_by_one():
    before = admin_figures.platform_counts()
    make_user()
    make_user(status=UserStatus.SUSPENDED)
    make_user(role=Role.ADMIN)
    active = make_shop()
    make_shop(status=ShopStatus.PENDING)
    make_shop(status=ShopStatus.PENDING)
    make_shop(status=ShopStatus.SUSPENDED)
    make_product(shop=active)
    make_product(shop=active, status=ProductStatus.HIDDEN)
    make_product(shop=active, status=ProductStatus.DRAFT)
    make_product(shop=active, status=ProductStatus.DELETED)

    counts = admin_figures.platform_counts()

    users = db.session.scalars(select(User)).all()
    shops = db.session.scalars(select(Shop)).all()
    products = db.session.scalars(select(Product)).all()
    assert counts.users == len(users)
    assert counts.sellers == sum(1 for u in users if u.role == Role.SELLER)
    assert counts.admins == sum(1 for u in users if u.role == Role.ADMIN)
    assert counts.suspended_users == sum(1 for u in users if u.status == UserStatus.SUSPENDED)
    assert counts.active_shops == sum(1 for s in shops if s.status == ShopStatus.ACTIVE)
    assert counts.pending_shops == sum(1 for s in shops if s.status == ShopStatus.PENDING)
    assert counts.products == sum(1 for p in products if p.status != ProductStatus.DELETED)
    assert counts.hidden_products == sum(1 for p in products if p.status == ProductStatus.HIDDEN)
    # and by construction: 3 plain users + 4 shop owners (one more seller each) ...
    assert counts.users - before.users == 3 + 4 + 0  # make_product reuses `active`
    assert counts.sellers - before.sellers == 4
    assert counts.pending_shops - before.pending_shops == 2
    assert counts.active_shops - before.active_shops == 1
    assert counts.products - before.products == 3


def _orders_fixture():
    product = make_product(variants=[{"price": 1000}])
    buyer = make_user()
    placed = [
        (TODAY, 2, OrderStatus.PENDING),
        (TODAY, 1, OrderStatus.CANCELLED),       # counted as an order, not in GMV
        (TODAY - timedelta(days=3), 3, OrderStatus.DELIVERED),
        (TODAY - timedelta(days=3), 1, OrderStatus.COMPLETED),
        (TODAY - timedelta(days=29), 5, OrderStatus.CONFIRMED),  # first day of the window
        (TODAY - timedelta(days=30), 7, OrderStatus.PENDING),    # just outside it
    ]
    orders = [make_order(buyer, product, quantity=q, status=s, created_at=at(d)) for d, q, s in placed]
    # Late in the local day (16:30 UTC): still that day whatever the connection's time zone says.
    orders.append(make_order(buyer, product, quantity=4, status=OrderStatus.SHIPPING,
                             created_at=at(TODAY - timedelta(days=1), 23, 30)))
    return orders


def _expected_by_day(orders, days=30):
    first = TODAY - timedelta(days=days - 1)
    count, gmv = Counter(), defaultdict(int)
    for order in orders:
        day = order.created_at.astimezone(LOCAL).date()
        if first <= day <= TODAY:
            count[day] += 1
            if order.status != OrderStatus.CANCELLED:
                gmv[day] += order.total
    return {first + timedelta(days=i): (count[first + timedelta(days=i)], gmv[first + timedelta(days=i)])
            for i in range(days)}


def test_daily_sales_match_orders_grouped_here_by_local_day():
    baseline = {p.day: (p.orders, p.gmv) for p in admin_figures.daily_sales(30)}
    orders = _orders_fixture()
    db.session.execute(text("SET LOCAL TIME ZONE 'America/Los_Angeles'"))  # the connection's zone must not move the days

    series = admin_figures.daily_sales(30)

    expected = _expected_by_day(orders)
    assert [p.day for p in series] == sorted(expected)  # 30 consecutive days ending today, zero days included
    for point in series:
        base_orders, base_gmv = baseline[point.day]
        assert (point.orders - base_orders, point.gmv - base_gmv) == expected[point.day], point.day
    assert expected[TODAY] == (2, 2000)
    assert expected[TODAY - timedelta(days=1)] == (1, 4000)


def test_sales_summary_is_the_window_total():
    before = admin_figures.sales_summary(30)
    orders = _orders_fixture()
    after = admin_figures.sales_summary(30)
    window = [o for o in orders if o.created_at.astimezone(LOCAL).date() >= TODAY - timedelta(days=29)]
    assert after.orders - before.orders == len(window)
    assert after.gmv - before.gmv == sum(o.total for o in window if o.status != OrderStatus.CANCELLED)
    assert after.day == TODAY - timedelta(days=29)


def test_orders_by_status_lists_every_status():
    before = admin_figures.orders_by_status()
    orders = _orders_fixture()
    after = admin_figures.orders_by_status()
    assert set(after) == set(OrderStatus)
    expected = Counter(o.status for o in orders)
    assert {s: after[s] - before[s] for s in OrderStatus} == {s: expected.get(s, 0) for s in OrderStatus}


def test_figures_are_single_sql_aggregates(count_queries):
    _orders_fixture()
    rollups.time_zone()  # read once per transaction: the figures' days are this zone's
    with count_queries() as queries:
        admin_figures.platform_counts()
        admin_figures.daily_sales(30)
        admin_figures.orders_by_status()
    assert len(queries) == 3
    assert "FROM sales_daily" in queries[1] and "GROUP BY" in queries[1]
    assert "FROM sales_daily" in queries[2] and "GROUP BY" in queries[2]
