"""The admin screens' reads: filters, literal searches, keyset pages (the shops queue ranked), not found."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from marketplace.extensions import db
from marketplace.models import AuditLog, ProductStatus, Review, Role, ShopStatus, UserStatus
from marketplace.services.admin import admin_queries
from marketplace.services.core import paging
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.services.core.search_text import like_pattern
from tests.admin_support import make_admin
from tests.factories import make_category, make_order, make_product, make_shop, make_user


def walk(read, limit: int, **filters) -> list:
    """Every item of a listing, page after page."""
    seen, cursor = [], None
    while True:
        page = read(**filters, cursor=cursor, limit=limit)
        seen += page.items
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


def test_like_pattern_takes_the_users_wildcards_literally():
    assert like_pattern("50%_off\\") == "%50\\%\\_off\\\\%"


def test_list_users_finds_a_phone_typed_the_national_way_and_filters():
    lan = make_user(full_name="Nguyễn Thị Lan", phone="+84901112233")
    make_user(full_name="Bob", phone="+84907778899")
    assert [u.id for u in admin_queries.list_users(q="0901 112 233").items] == [lan.id]
    assert [u.id for u in admin_queries.list_users(q="  thị LAN ").items] == [lan.id]
    assert admin_queries.list_users(q="Lan", role=Role.ADMIN).items == []
    assert admin_queries.list_users(q="Lan", status=UserStatus.SUSPENDED).items == []


def test_a_percent_sign_matches_only_itself():
    make_user(full_name="Plain Name")
    sale = make_user(full_name="Mr 100% Real")
    assert [u.id for u in admin_queries.list_users(q="%").items] == [sale.id]


def test_shops_queue_walks_pending_first_then_newest_without_repeats():
    base = datetime(2026, 3, 1, tzinfo=timezone.utc)
    made = [make_shop(status=status, name=f"Queue {n}", created_at=base + timedelta(minutes=n))
            for n, status in enumerate([ShopStatus.ACTIVE, ShopStatus.PENDING, ShopStatus.SUSPENDED,
                                        ShopStatus.PENDING, ShopStatus.ACTIVE])]
    seen = walk(admin_queries.list_shops, 2, q="Queue ")
    assert [s.id for s in seen] == [made[3].id, made[1].id, made[4].id, made[2].id, made[0].id]
    assert [s.id for s in walk(admin_queries.list_shops, 2, q="queue", status=ShopStatus.PENDING)] == \
        [made[3].id, made[1].id]


@pytest.mark.parametrize("cursor", ["garbage", paging.encode_cursor(["x", "y", "z"]), paging.encode_cursor([0])])
def test_a_damaged_queue_cursor_is_a_validation_error(cursor):
    with pytest.raises(ValidationFailed) as caught:
        admin_queries.list_shops(cursor=cursor)
    assert caught.value.code == "invalid_cursor"


def test_list_products_filters_by_title_shop_category_and_status():
    shop = make_shop(name="Tiệm Hoa")
    flowers = make_category(name="Flowers")
    rose = make_product(shop=shop, category=flowers, title="Red rose")
    make_product(shop=shop, title="Red vase")
    hidden = make_product(shop=shop, category=flowers, title="Old tulip", status=ProductStatus.HIDDEN)
    assert [p.id for p in admin_queries.list_products(q="rose", shop="tiệm hoa").items] == [rose.id]
    assert {p.id for p in admin_queries.list_products(category_id=flowers.id).items} == {rose.id, hidden.id}
    assert [p.id for p in admin_queries.list_products(shop="hoa", status=ProductStatus.HIDDEN).items] == [hidden.id]


def test_category_choices_label_children_under_their_parents():
    parent = make_category(name="Zz Home")
    child = make_category(parent=parent, name="Kitchen")
    labels = dict(admin_queries.category_choices())
    assert labels[str(parent.id)] == "Zz Home" and labels[str(child.id)] == "Zz Home › Kitchen"


def test_list_reviews_gives_rows_with_title_and_shop_and_filters():
    buyer = make_user()
    product = make_product(shop=make_shop(name="Review Shop"), title="Teapot")
    order = make_order(buyer=buyer, product=product)
    review = Review(product_id=product.id, order_item_id=order.items[0].id, user_id=buyer.id,
                    shop_id=product.shop_id, rating=2, body="Leaks a little")
    db.session.add(review)
    db.session.flush()
    [(row_review, title, shop_name)] = admin_queries.list_reviews(q="leaks").items
    assert (row_review.id, title, shop_name) == (review.id, "Teapot", "Review Shop")
    assert admin_queries.list_reviews(q="leaks", hidden=True).items == []
    assert admin_queries.list_reviews(q="teapot", rating=5).items == []
    assert admin_queries.review_row(review)[1:] == ("Teapot", "Review Shop")


def test_list_audit_entries_filters_by_actor_and_whole_days():
    admin = make_admin(full_name="Auditor Anna")
    day = date(2026, 2, 10)
    inside = AuditLog(actor_id=admin.id, action="shop.approve", target_type="shop", target_id=uuid.uuid4(),
                      created_at=datetime(2026, 2, 10, 23, 59, tzinfo=timezone.utc))
    outside = AuditLog(actor_id=admin.id, action="shop.approve", target_type="shop", target_id=uuid.uuid4(),
                       created_at=datetime(2026, 2, 11, 0, 0, tzinfo=timezone.utc))
    db.session.add_all([inside, outside])
    db.session.flush()
    found = admin_queries.list_audit_entries(actor="anna", date_from=day, date_to=day).items
    assert [e.id for e in found] == [inside.id]
    assert "shop.approve" in admin_queries.audit_actions() and "shop" in admin_queries.audit_target_types()


@pytest.mark.parametrize("read", [admin_queries.get_user, admin_queries.get_shop, admin_queries.get_product,
                                  admin_queries.get_review])
def test_an_unknown_id_is_not_found(read):
    with pytest.raises(NotFound):
        read(uuid.uuid4())


def test_recent_orders_of_a_buyer_newest_first_with_their_shops():
    buyer = make_user()
    base = datetime(2026, 1, 5, tzinfo=timezone.utc)
    orders = [make_order(buyer=buyer, created_at=base + timedelta(hours=n)) for n in range(3)]
    make_order()  # someone else's
    recent = admin_queries.recent_orders_of(buyer, limit=2)
    assert [o.id for o in recent] == [orders[2].id, orders[1].id]
    assert recent[0].shop.id == orders[2].shop_id
