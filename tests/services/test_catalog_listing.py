"""Listings: visibility, filters, sorts and keyset pagination that never repeats or skips a row."""
from decimal import Decimal

import pytest

from marketplace.extensions import db
from marketplace.models import ProductStatus, ShopStatus
from marketplace.services.catalog import listing_queries, product_queries
from marketplace.services.catalog.category_queries import get_tree
from marketplace.services.catalog.listing_queries import ListingQuery, Sort
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.services.core.paging import encode_cursor
from marketplace.services.shops import shop_queries
from tests.catalog_support import add_image, make_tree, product_at, walk_pages
from tests.factories import make_category, make_product, make_shop


def ids(page):
    return [card.id for card in page.items]


def listed(**query):
    return ids(listing_queries.list_products(ListingQuery(limit=48, **query)))


def test_only_active_products_of_active_shops_are_listed():
    category = make_category()
    visible = make_product(category=category)
    for status in (ProductStatus.DRAFT, ProductStatus.HIDDEN, ProductStatus.DELETED):
        make_product(category=category, status=status)
    for shop_status in (ShopStatus.SUSPENDED, ShopStatus.PENDING, ShopStatus.REJECTED):
        make_product(category=category, shop=make_shop(status=shop_status))
    assert listed(category_ids=[category.id]) == [visible.id]
    for sort in Sort:
        assert listed(category_ids=[category.id], sort=sort, text=None) == [visible.id]


def test_category_filter_includes_descendants():
    t = make_tree()
    in_root = make_product(category=t["fashion"])
    in_leaf = make_product(category=t["tees"])
    elsewhere = make_product(category=t["electronics"])
    tree = get_tree()
    assert set(listed(category_ids=tree.subtree_ids(t["fashion"].id))) == {in_root.id, in_leaf.id}
    assert listed(category_ids=tree.subtree_ids(t["tees"].id)) == [in_leaf.id]
    assert elsewhere.id not in listed(category_ids=tree.subtree_ids(t["tops"].id))


def test_price_rating_shop_and_stock_filters():
    category = make_category()
    shop = make_shop()
    cheap = product_at(1, price=500, rating="4.5", category=category, shop=shop)
    mid = product_at(2, price=1500, rating="3.0", category=category)
    dear = product_at(3, price=5000, rating="4.9", stock=0, category=category)
    scope = {"category_ids": [category.id]}
    assert set(listed(min_price=1000, **scope)) == {mid.id, dear.id}
    assert set(listed(max_price=1500, **scope)) == {cheap.id, mid.id}
    assert listed(min_price=1000, max_price=2000, **scope) == [mid.id]
    assert set(listed(min_rating=Decimal("4"), **scope)) == {cheap.id, dear.id}
    assert listed(shop_id=shop.id, **scope) == [cheap.id]
    assert set(listed(in_stock=True, **scope)) == {cheap.id, mid.id}


def test_in_stock_ignores_deleted_variants():
    from datetime import datetime, timezone

    category = make_category()
    product = make_product(category=category, variants=[{"stock": 0}, {"stock": 5}])
    assert listed(in_stock=True, category_ids=[category.id]) == [product.id]
    product.variants[1].deleted_at = datetime.now(timezone.utc)
    db.session.flush()
    assert listed(in_stock=True, category_ids=[category.id]) == []


def test_each_sort_orders_rows():
    category = make_category()
    old = product_at(1, price=3000, rating="4.0", sold=5, category=category)
    new = product_at(9, price=1000, rating="2.5", sold=50, category=category)
    middle = product_at(5, price=2000, rating="4.8", sold=0, category=category)
    scope = {"category_ids": [category.id]}
    assert listed(sort=Sort.NEWEST, **scope) == [new.id, middle.id, old.id]
    assert listed(sort=Sort.PRICE_ASC, **scope) == [new.id, middle.id, old.id]
    assert listed(sort=Sort.PRICE_DESC, **scope) == [old.id, middle.id, new.id]
    assert listed(sort=Sort.TOP_RATED, **scope) == [middle.id, old.id, new.id]
    assert listed(sort=Sort.BEST_SELLING, **scope) == [new.id, old.id, middle.id]
    assert listed(**scope) == [new.id, middle.id, old.id]  # newest by default


@pytest.mark.parametrize("sort", [s for s in Sort if s != Sort.RELEVANCE])
def test_keyset_pages_over_ties_never_repeat_or_skip(sort):
    category = make_category()
    # 30 products share every sort key (same price, rating, sales and creation time) ...
    tied = [product_at(0, price=1500, rating="4.0", sold=7, category=category) for _ in range(30)]
    # ... and a few differ, before and after the tie.
    others = [product_at(m, price=p, rating=r, sold=s, category=category)
              for m, p, r, s in ((-5, 100, "1.0", 1), (5, 9000, "5.0", 99), (7, 1500, "4.0", 7))]
    expected = listed(sort=sort, category_ids=[category.id])
    assert len(expected) == 33

    def page(cursor, limit):
        return listing_queries.list_products(ListingQuery(category_ids=[category.id], sort=sort, cursor=cursor, limit=limit))

    walked, pages = walk_pages(page, limit=7)
    assert walked == expected and len(set(walked)) == 33 and pages == 5
    assert {p.id for p in tied + others} == set(walked)


def test_page_size_defaults_to_24_and_one_statement_reads_at_most_max_rows(monkeypatch):
    monkeypatch.setattr(listing_queries, "MAX_ROWS", 48)  # (240: a listing reopened after "Load more"s)
    category = make_category()
    for minute in range(50):
        product_at(minute, category=category)
    assert len(listing_queries.list_products(ListingQuery(category_ids=[category.id])).items) == 24
    assert len(listing_queries.list_products(ListingQuery(category_ids=[category.id], limit=500)).items) == 48
    last = listing_queries.list_products(ListingQuery(category_ids=[category.id], limit=48))
    assert last.next_cursor is not None
    rest = listing_queries.list_products(ListingQuery(category_ids=[category.id], limit=48, cursor=last.next_cursor))
    assert len(rest.items) == 2 and rest.next_cursor is None


_SOME_ID = "1b4e28ba-2fa1-41d2-883f-0016d3cca427"  # a fixed id: test ids are the same on every run


@pytest.mark.parametrize("cursor", [
    "not base64 at all!", "e30", encode_cursor(["price_asc", 10, _SOME_ID]),
    encode_cursor(["newest", "yesterday", _SOME_ID]), encode_cursor(["newest", "2026-01-01T00:00:00", "x"]),
    encode_cursor(["newest"]), encode_cursor(["top_rated", "NaN", _SOME_ID]),
])
def test_invalid_cursor_is_a_clear_validation_error(cursor):
    with pytest.raises(ValidationFailed) as error:
        listing_queries.list_products(ListingQuery(sort=Sort.NEWEST, cursor=cursor))
    assert error.value.code == "invalid_cursor" and "no longer valid" in error.value.message
    assert error.value.fields == {"cursor": error.value.message}


def test_cards_carry_shop_name_and_first_image_thumb():
    shop = make_shop(name="Tiệm của Bình")
    product = make_product(shop=shop)
    add_image(product, position=1, key="second")
    add_image(product, position=0, key="first")
    bare = make_product(shop=shop)
    cards = {c.id: c for c in listing_queries.list_products(ListingQuery(shop_id=shop.id)).items}
    assert cards[product.id].thumb_key == "first-thumb.webp" and cards[product.id].shop_name == "Tiệm của Bình"
    assert cards[bare.id].thumb_key is None


def test_listing_is_one_statement_whatever_the_page_size(count_queries):
    category = make_category()
    for minute in range(40):
        add_image(product_at(minute, category=category))
    counts = []
    for limit in (12, 40):
        with count_queries() as queries:
            page = listing_queries.list_products(ListingQuery(category_ids=[category.id], limit=limit, in_stock=True))
        assert len(page.items) == limit
        counts.append(len(queries))
    assert counts == [1, 1]


def test_product_detail_has_live_variants_images_and_breadcrumbs():
    from datetime import datetime, timezone

    t = make_tree()
    product = make_product(category=t["tees"], variants=[{"price": 1000, "stock": 0}, {"price": 1200, "stock": 4},
                                                          {"price": 900, "stock": 9}])
    product.variants[2].deleted_at = datetime.now(timezone.utc)
    second = add_image(product, position=1)
    add_image(product, position=0)
    product.variants[1].image_id = second.id
    db.session.flush()
    detail = product_queries.get_product_detail(product.id)
    assert [v.price for v in detail.variants] == [1000, 1200]
    assert [i.position for i in detail.images] == [0, 1]
    assert [n.name for n in detail.breadcrumbs] == ["Thời trang", "Áo", "Áo thun"]
    assert detail.pick_variant().price == 1200  # the first one in stock
    assert detail.pick_variant(product.variants[0].id).price == 1000
    assert detail.image_for(detail.pick_variant()).id == second.id
    assert detail.image_for(product.variants[0]).position == 0


@pytest.mark.parametrize("status, shop_status", [
    (ProductStatus.DRAFT, ShopStatus.ACTIVE), (ProductStatus.HIDDEN, ShopStatus.ACTIVE),
    (ProductStatus.DELETED, ShopStatus.ACTIVE), (ProductStatus.ACTIVE, ShopStatus.SUSPENDED),
    (ProductStatus.ACTIVE, ShopStatus.PENDING),
])
def test_invisible_product_detail_is_not_found(status, shop_status):
    product = make_product(status=status, shop=make_shop(status=shop_status))
    with pytest.raises(NotFound):
        product_queries.get_product_detail(product.id)


def test_shop_lookup_only_finds_active_shops():
    active = make_shop(slug="open-shop")
    make_shop(slug="closed-shop", status=ShopStatus.SUSPENDED)
    assert shop_queries.get_visible_shop("open-shop").id == active.id
    with pytest.raises(NotFound):
        shop_queries.get_visible_shop("closed-shop")
