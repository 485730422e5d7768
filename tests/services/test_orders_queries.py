"""Reading orders: keyset pages, counts per status, details, and who may see what."""
from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.models import OrderStatus
from marketplace.models.base import utcnow
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.services.ordering import orders
from tests.factories import make_order, make_product, make_shop, make_user

S = OrderStatus


@pytest.fixture
def shop_with_orders():
    shop = make_shop()
    product = make_product(shop=shop)
    buyer = make_user()
    start = utcnow() - timedelta(days=1)
    statuses = [S.PENDING] * 5 + [S.CONFIRMED] * 3 + [S.CANCELLED] * 2 + [S.COMPLETED]
    made = []
    for i, status in enumerate(statuses):
        # Two orders share each timestamp so the id breaks the tie.
        made.append(make_order(buyer, product, status=status, created_at=start + timedelta(minutes=i // 2)))
    stranger_order = make_order(make_user(), make_product(), status=S.PENDING)
    return {"shop": shop, "buyer": buyer, "orders": made, "stranger_order": stranger_order}


def _sql(statements):
    """The statements that read data (the test transaction adds SAVEPOINTs of its own)."""
    return [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))]


def _walk(fetch):
    seen, cursor, pages = [], None, 0
    while True:
        page = fetch(cursor)
        seen.extend(order.id for order in page.items)
        pages += 1
        if page.next_cursor is None:
            return seen, pages
        cursor = page.next_cursor


def _newest_first(made):
    return [o.id for o in sorted(made, key=lambda o: (o.created_at, o.id), reverse=True)]


def test_buyer_pages_walk_every_order_once_newest_first(shop_with_orders):
    buyer, made = shop_with_orders["buyer"], shop_with_orders["orders"]
    seen, pages = _walk(lambda c: orders.list_buyer_orders(buyer, cursor=c, limit=4))
    assert seen == _newest_first(made)
    assert pages == 3


def test_buyer_status_filter_and_strangers_orders_never_appear(shop_with_orders):
    buyer, made = shop_with_orders["buyer"], shop_with_orders["orders"]
    seen, _ = _walk(lambda c: orders.list_buyer_orders(buyer, S.PENDING, cursor=c, limit=2))
    assert seen == _newest_first([o for o in made if o.status is S.PENDING])
    assert orders.list_buyer_orders(make_user()).items == []


def test_shop_pages_and_counts(shop_with_orders, count_queries):
    shop, made = shop_with_orders["shop"], shop_with_orders["orders"]
    seen, _ = _walk(lambda c: orders.list_shop_orders(shop, S.CONFIRMED, cursor=c, limit=2))
    assert seen == _newest_first([o for o in made if o.status is S.CONFIRMED])
    with count_queries() as queries:
        counts = orders.count_shop_orders_by_status(shop)
    assert len(queries) == 1
    assert counts[S.PENDING] == 5 and counts[S.CONFIRMED] == 3 and counts[S.CANCELLED] == 2
    assert counts[S.COMPLETED] == 1 and counts[S.SHIPPING] == 0 and counts[None] == 11


def test_list_loads_lines_and_shop_in_a_fixed_number_of_statements(shop_with_orders, count_queries):
    buyer = shop_with_orders["buyer"]
    db.session.expire_all()
    with count_queries() as queries:
        page = orders.list_buyer_orders(buyer, limit=10, with_events=True)
        for order in page.items:
            _ = order.shop.name, [i.product_title for i in order.items], [e.to_status for e in order.events]
    assert len(page.items) == 10
    assert len(_sql(queries)) == 3  # orders+shop, items, events


def test_detail_loads_everything_in_three_statements(shop_with_orders, count_queries):
    order = shop_with_orders["orders"][0]
    orders.confirm_order(shop_with_orders["shop"].owner, order.id)
    db.session.expire_all()
    with count_queries() as queries:
        detail = orders.get_buyer_order(shop_with_orders["buyer"], order.id)
        _ = detail.shop.name, [i.sku for i in detail.items], [(e.to_status, e.actor.full_name) for e in detail.events]
    assert len(_sql(queries)) == 3
    assert [e.to_status for e in detail.events] == [S.PENDING, S.CONFIRMED]


def test_detail_is_not_found_for_anyone_else(shop_with_orders):
    order, stranger_order = shop_with_orders["orders"][0], shop_with_orders["stranger_order"]
    assert orders.get_shop_order(shop_with_orders["shop"], order.id).id == order.id
    with pytest.raises(NotFound):
        orders.get_buyer_order(make_user(), order.id)
    with pytest.raises(NotFound):
        orders.get_shop_order(make_shop(), order.id)
    with pytest.raises(NotFound):
        orders.get_shop_order(shop_with_orders["shop"], stranger_order.id)


@pytest.mark.parametrize("cursor", ["garbage!", "WyJub3QtYS1kYXRlIiwgIngiXQ", "e30"])
def test_bad_cursor_is_a_field_error(shop_with_orders, cursor):
    with pytest.raises(ValidationFailed) as failed:
        orders.list_buyer_orders(shop_with_orders["buyer"], cursor=cursor)
    assert "cursor" in failed.value.fields


def test_parse_status():
    assert orders.parse_status(None) is None and orders.parse_status("all") is None
    assert orders.parse_status("shipping") is S.SHIPPING
    with pytest.raises(ValidationFailed):
        orders.parse_status("LOST")
