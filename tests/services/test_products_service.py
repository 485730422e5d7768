"""Seller product management: products, variants, SKUs, min_price (services/catalog/products.py)."""
import uuid

import pytest
from sqlalchemy import select, update

from marketplace.extensions import db
from marketplace.models import Product, ProductStatus, ProductVariant
from marketplace.services.catalog import products, variant_input
from marketplace.services.core.errors import Conflict, NotFound, ValidationFailed
from tests.factories import make_category, make_product, make_shop


def variant(sku="SKU-1", options="Màu=Đỏ, Size=M", price="19.99", stock=5, **extra):
    return {"sku": sku, "options": options, "price": price, "stock": stock, **extra}


@pytest.fixture
def shop():
    return make_shop()


@pytest.fixture
def category():
    return make_category()


def create(shop, category, variants=None, **fields):
    values = {"title": "Áo khoác Đà Lạt", "description": "Ấm áp", "category_id": category.id,
              "variants": variants if variants is not None else [variant("A-1", "Màu=Đỏ", "25.00"), variant("A-2", "Màu=Xanh", "19.50")]}
    values.update(fields)
    return products.create_product(shop, **values)


# --- create -----------------------------------------------------------------------------

def test_create_product_with_variants_labels_and_min_price(shop, category):
    product = create(shop, category)
    assert product.status == ProductStatus.DRAFT
    assert product.shop_id == shop.id
    assert [(v.sku, v.options, v.name, v.price, v.stock, v.position) for v in product.variants] == [
        ("A-1", {"Màu": "Đỏ"}, "Đỏ", 2500, 5, 0), ("A-2", {"Màu": "Xanh"}, "Xanh", 1950, 5, 1)]
    assert product.min_price == 1950
    assert all(v.shop_id == shop.id for v in product.variants)


def test_create_active_product_and_nfc_text(shop, category):
    product = create(shop, category, title="A\u0301o kho\u0301ac", status="ACTIVE",
                     variants=[variant(options="Ma\u0300u = Đo\u0309 ; Size: M")])
    assert product.title == "Áo khóac"
    assert product.status == ProductStatus.ACTIVE
    assert product.variants[0].options == {"Màu": "Đỏ", "Size": "M"}
    assert product.variants[0].name == "Đỏ / M"


def test_prices_follow_the_currency(app, shop, category, monkeypatch):
    monkeypatch.setitem(app.config, "CURRENCY", "VND")
    product = create(shop, category, variants=[variant(price="150.000"), variant("B", "Size=L", "1,250,000")])
    assert [v.price for v in product.variants] == [150000, 1250000]
    assert product.min_price == 150000


def test_single_variant_without_options_is_default(shop, category):
    product = create(shop, category, variants=[variant(options="")])
    assert product.variants[0].name == "Default"


@pytest.mark.parametrize("status", ["HIDDEN", "DELETED", "nope"])
def test_seller_cannot_create_hidden_or_deleted(shop, category, status):
    with pytest.raises(ValidationFailed) as info:
        create(shop, category, status=status)
    assert "status" in info.value.fields


def test_create_needs_a_variant_title_and_category(shop, category):
    with pytest.raises(ValidationFailed) as info:
        create(shop, category, variants=[])
    assert info.value.code == "variants_required"
    with pytest.raises(ValidationFailed) as info:
        create(shop, category, title="  ")
    assert "title" in info.value.fields
    with pytest.raises(ValidationFailed) as info:
        create(shop, category, category_id=uuid.uuid4())
    assert "category_id" in info.value.fields
    assert db.session.scalar(select(Product).where(Product.shop_id == shop.id)) is None


@pytest.mark.parametrize("spec, field, words", [
    (variant(sku=""), "sku", "Enter a SKU"),
    (variant(sku="has space"), "sku", "no spaces"),
    (variant(price=""), "price", "Enter a price"),
    (variant(price="abc"), "price", "not a price"),
    (variant(price="1.999"), "price", "decimals"),
    (variant(price="0"), "price", "more than zero"),
    (variant(price="20000000.01"), "price", "too high"),
    (variant(price="99999999999"), "price", "Enter an amount up to $21,474,836.47"),  # past the INTEGER column
    (variant(stock="-1"), "stock", "between 0"),
    (variant(stock="2.5"), "stock", "whole number"),
    (variant(options="Màu"), "options", "Name=Value"),
    (variant(options="Màu=, Size=M"), "options", "name and a value"),
    (variant(options="Size=M, size=L"), "options", "twice"),
])
def test_bad_variant_rows_name_the_field(shop, category, spec, field, words):
    with pytest.raises(ValidationFailed) as info:
        create(shop, category, variants=[variant("OK-1", "Size=S"), spec])
    assert words in info.value.fields[f"variants-1-{field}"]


def test_every_bad_field_of_a_row_is_reported_at_once(shop, category):
    with pytest.raises(ValidationFailed) as info:
        create(shop, category, variants=[{"sku": "", "options": "x", "price": "", "stock": "-3", "row": 4}])
    assert set(info.value.fields) == {"variants-4-sku", "variants-4-options", "variants-4-price", "variants-4-stock"}


def test_two_variants_with_the_same_options_are_refused(shop, category):
    with pytest.raises(ValidationFailed) as info:
        create(shop, category, variants=[variant("A", "Size=M"), variant("B", "size=m")])
    assert "variants-1-options" in info.value.fields
    with pytest.raises(ValidationFailed) as info:
        create(shop, category, variants=[variant("A", ""), variant("B", "")])
    assert "Give each variant its options" in info.value.message


# --- SKU uniqueness -----------------------------------------------------------------------

def test_sku_unique_in_the_form(shop, category):
    with pytest.raises(Conflict) as info:
        create(shop, category, variants=[variant("SAME", "Size=S"), variant("SAME", "Size=M")])
    assert "variants-1-sku" in info.value.fields


def test_sku_unique_across_the_shop_but_not_across_shops(shop, category):
    first = create(shop, category, variants=[variant("SHARED")])
    with pytest.raises(Conflict) as info:
        create(shop, category, variants=[variant("SHARED")])
    assert info.value.fields == {"variants-0-sku": info.value.message}
    assert first.title in info.value.message
    other = create(make_shop(), category, variants=[variant("SHARED")])
    assert other.variants[0].sku == "SHARED"


def test_removed_variants_free_their_sku(shop, category):
    product = create(shop, category)
    products.remove_variant(shop, product, product.variants[0].id)
    again = create(shop, category, variants=[variant("A-1")])
    assert again.variants[0].sku == "A-1"


def test_database_index_backs_the_sku_rule(shop, category, monkeypatch):
    create(shop, category, variants=[variant("RACE")])
    monkeypatch.setattr(products, "check_skus", lambda *args: None)  # as if two requests raced
    with pytest.raises(Conflict) as info:
        create(shop, category, variants=[variant("RACE")])
    assert info.value.code == "sku_taken"


# --- variants -------------------------------------------------------------------------------

def test_add_edit_remove_variant_keeps_min_price(shop, category):
    product = create(shop, category)
    cheap = products.add_variant(shop, product, variant("A-3", "Màu=Vàng", "9.99"))
    assert product.min_price == 999 and cheap.position == 2
    products.update_variant(shop, product, cheap.id, variant("A-3", "Màu=Vàng", "30.00", 7, stock_seen=5))
    assert product.min_price == 1950 and cheap.stock == 7
    cheapest = next(v for v in product.variants if v.sku == "A-2")
    products.remove_variant(shop, product, cheapest.id)
    assert cheapest.deleted_at is not None
    assert product.min_price == 2500
    db.session.expire_all()
    assert db.session.get(Product, product.id).min_price == 2500


def test_the_last_live_variant_cannot_be_removed(shop, category):
    product = create(shop, category, variants=[variant()])
    with pytest.raises(ValidationFailed) as info:
        products.remove_variant(shop, product, product.variants[0].id)
    assert info.value.code == "last_variant"
    assert product.variants[0].deleted_at is None


def test_update_variant_to_a_taken_sku_is_refused(shop, category):
    product = create(shop, category)
    with pytest.raises(Conflict):
        products.update_variant(shop, product, product.variants[1].id, variant("A-1", "Màu=Xanh"))


def test_variant_of_another_product_is_not_found(shop, category):
    product = create(shop, category)
    other = make_product(shop=shop)
    for call in (lambda: products.update_variant(shop, product, other.variants[0].id, variant("Z")),
                 lambda: products.remove_variant(shop, product, other.variants[0].id)):
        with pytest.raises(NotFound):
            call()


def test_save_variants_adds_updates_retires_and_swaps_skus(shop, category):
    product = create(shop, category)
    red, blue = product.variants
    saved = products.save_variants(shop, product, [
        {**variant("A-2", "Màu=Đỏ", "21.00", 3, stock_seen=5), "id": str(red.id)},   # takes blue's SKU
        variant("A-9", "Màu=Tím", "40.00", 1),
    ])
    assert blue.deleted_at is not None
    assert saved[0] is red and red.sku == "A-2" and red.price == 2100
    assert saved[1].sku == "A-9" and saved[1].position == 1
    assert product.min_price == 2100
    swapped = products.save_variants(shop, product, [
        {**variant("A-9", "Màu=Đỏ", "21.00", 3, stock_seen=3), "id": str(red.id)},
        {**variant("A-2", "Màu=Tím", "40.00", 1, stock_seen=1), "id": str(saved[1].id)},
    ])
    assert [v.sku for v in swapped] == ["A-9", "A-2"]
    live = db.session.scalars(select(ProductVariant.sku).where(
        ProductVariant.product_id == product.id, ProductVariant.deleted_at.is_(None))).all()
    assert sorted(live) == ["A-2", "A-9"]


def test_save_variants_refuses_foreign_ids_and_empty_lists(shop, category):
    product = create(shop, category)
    other = make_product(shop=make_shop())
    with pytest.raises(NotFound):
        products.save_variants(shop, product, [{**variant("Q"), "id": str(other.variants[0].id)}])
    with pytest.raises(ValidationFailed):
        products.save_variants(shop, product, [])
    assert len(products.live_variants(product)) == 2


# --- stock: the seller's change, not the number on their page ------------------------------

def sell(variant, quantity: int) -> None:
    """A checkout elsewhere takes units (as services/ordering/checkout.py does: SQL, behind the ORM's back)."""
    db.session.execute(update(ProductVariant).where(ProductVariant.id == variant.id)
                       .values(stock=ProductVariant.stock - quantity), execution_options={"synchronize_session": False})


def stock_of(variant) -> int:
    return db.session.scalar(select(ProductVariant.stock).where(ProductVariant.id == variant.id))


def test_units_sold_while_the_form_was_open_stay_sold(shop, category):
    product = create(shop, category, variants=[variant("A-1", "Màu=Đỏ", stock=10), variant("A-2", "Màu=Xanh", stock=10)])
    red, blue = product.variants
    sell(red, 3)
    sell(blue, 2)
    products.save_variants(shop, product, [
        {**variant("A-1", "Màu=Đỏ", stock=10, stock_seen=10), "id": str(red.id)},   # untouched: 7 stays 7
        {**variant("A-2", "Màu=Xanh", stock=15, stock_seen=10), "id": str(blue.id)},  # +5 on the 8 left
        variant("A-3", "Màu=Vàng", stock=4),                                          # new: as typed
    ])
    assert (stock_of(red), stock_of(blue)) == (7, 13)
    assert [v.stock for v in products.live_variants(product)] == [7, 13, 4]


def test_a_decrease_below_what_is_left_is_refused_and_nothing_is_written(shop, category):
    product = create(shop, category, variants=[variant("A-1", "Màu=Đỏ", stock=10), variant("A-2", "Màu=Xanh", stock=1)])
    red, blue = product.variants
    sell(red, 3)
    sell(blue, 1)
    with pytest.raises(products.StockChanged) as info:
        products.save_variants(shop, product, [
            {**variant("A-1", "Màu=Đỏ", "99.00", stock=2, stock_seen=10, row="0"), "id": str(red.id)},  # -8 of 7
            {**variant("A-2", "Màu=Xanh", stock=0, stock_seen=1, row="1"), "id": str(blue.id)},         # -1 of 0
        ])
    assert info.value.status == 409 and info.value.code == "stock_changed"
    assert info.value.fields == {
        "variants-0-stock": "Only 7 left now: 3 sold since you opened this page. Check the stock and save again.",
        "variants-1-stock": "None left now: 1 sold since you opened this page. Check the stock and save again."}
    assert info.value.stock_now == {"0": 7, "1": 0}
    assert (red.price, stock_of(red), stock_of(blue)) == (1999, 7, 0)
    products.save_variants(shop, product, [   # counted from what is left now, the same numbers save
        {**variant("A-1", "Màu=Đỏ", stock=2, stock_seen=7), "id": str(red.id)},
        {**variant("A-2", "Màu=Xanh", stock=0, stock_seen=0), "id": str(blue.id)}])
    assert (stock_of(red), stock_of(blue)) == (2, 0)


@pytest.mark.parametrize("seen", [None, "", "abc", "-1"])
def test_an_existing_row_must_say_which_stock_it_started_from(shop, category, seen):
    product = create(shop, category, variants=[variant("A-1", stock=10)])
    [red] = product.variants
    sell(red, 3)
    spec = {**variant("A-1", stock=10, row="0"), "id": str(red.id)}
    if seen is not None:
        spec["stock_seen"] = seen
    with pytest.raises(products.StockChanged) as info:
        products.save_variants(shop, product, [spec])
    assert "it is 7 now" in info.value.fields["variants-0-stock"] and info.value.stock_now == {"0": 7}
    with pytest.raises(products.StockChanged):
        products.update_variant(shop, product, red.id, {k: v for k, v in spec.items() if k != "id"})
    assert stock_of(red) == 7


def test_update_variant_applies_the_change_too(shop, category):
    product = create(shop, category, variants=[variant("A-1", stock=10)])
    [red] = product.variants
    sell(red, 4)
    products.update_variant(shop, product, red.id, variant("A-1", price="12.00", stock=11, stock_seen=10))
    assert stock_of(red) == 7 and red.price == 1200
    with pytest.raises(products.StockChanged) as info:
        products.update_variant(shop, product, red.id, variant("A-1", stock=0, stock_seen=10))
    assert "Only 7 left now: 3 sold" in info.value.message


def test_a_change_past_the_stock_limit_is_refused(shop, category):
    product = create(shop, category, variants=[variant("A-1", stock=variant_input.STOCK_MAX)])
    [red] = product.variants
    with pytest.raises(ValidationFailed) as info:
        products.save_variants(shop, product, [
            {**variant("A-1", stock=variant_input.STOCK_MAX, stock_seen=1, row="0"), "id": str(red.id)}])
    assert "variants-0-stock" in info.value.fields


# --- status, delete, ownership ------------------------------------------------------------

def test_publish_and_unpublish(shop, category):
    product = create(shop, category)
    products.set_product_status(shop, product, "ACTIVE")
    assert product.status == ProductStatus.ACTIVE
    products.update_product(shop, product, status=ProductStatus.DRAFT, title="Áo mới")
    assert product.status == ProductStatus.DRAFT and product.title == "Áo mới"


def test_hidden_product_cannot_be_republished_but_can_be_edited(shop, category):
    product = create(shop, category)
    product.status, product.status_reason = ProductStatus.HIDDEN, "Misleading photos"
    for target in ("ACTIVE", "DRAFT"):
        with pytest.raises(Conflict) as info:
            products.set_product_status(shop, product, target)
        assert "Misleading photos" in info.value.message
    assert product.status == ProductStatus.HIDDEN
    products.update_product(shop, product, title="Honest title")
    assert product.title == "Honest title" and product.status == ProductStatus.HIDDEN


def test_delete_is_soft_and_retires_variants(shop, category):
    product = create(shop, category)
    products.delete_product(shop, product)
    assert product.status == ProductStatus.DELETED
    assert all(v.deleted_at is not None for v in product.variants)
    assert db.session.get(Product, product.id) is not None
    with pytest.raises(NotFound):
        products.get_seller_product(shop, product.id)
    with pytest.raises(NotFound):
        products.update_product(shop, product, title="Back")


def test_another_shops_product_is_not_found_everywhere(shop, category):
    theirs = create(make_shop(), category)
    with pytest.raises(NotFound):
        products.get_seller_product(shop, theirs.id)
    with pytest.raises(NotFound):
        products.get_seller_product(shop, "not-a-uuid")
    calls = [
        lambda: products.update_product(shop, theirs, title="Mine now"),
        lambda: products.set_product_status(shop, theirs, "ACTIVE"),
        lambda: products.delete_product(shop, theirs),
        lambda: products.add_variant(shop, theirs, variant("X")),
        lambda: products.update_variant(shop, theirs, theirs.variants[0].id, variant("X")),
        lambda: products.remove_variant(shop, theirs, theirs.variants[0].id),
        lambda: products.save_variants(shop, theirs, [variant("X")]),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert theirs.title == "Áo khoác Đà Lạt" and theirs.status == ProductStatus.DRAFT


def test_parse_and_format_options_round_trip():
    options = variant_input.parse_options("Màu = Đỏ;  Size: M\nChất liệu=Len")
    assert options == {"Màu": "Đỏ", "Size": "M", "Chất liệu": "Len"}
    assert variant_input.parse_options(variant_input.format_options(options)) == options
    with pytest.raises(ValidationFailed):
        variant_input.parse_options(", ".join(f"k{i}=v" for i in range(6)))
