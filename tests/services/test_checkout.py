"""place_orders: one order per shop, all or nothing, copied data, idempotent."""
import uuid

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (
    Address, CartItem, CheckoutRequest, Notification, Order, OrderStatus, ProductStatus, VoucherUsage,
)
from marketplace.services.cart import cart
from marketplace.services.core.errors import Forbidden, NotFound, ValidationFailed
from marketplace.services.ordering.checkout import CartChanged, CheckoutLineError, OutOfStock, place_orders
from marketplace.services.ordering.vouchers import VoucherInvalid
from tests.factories import make_address, make_product, make_shop, make_user, make_voucher


@pytest.fixture
def two_shop_cart():
    buyer = make_user()
    address = make_address(buyer)
    shop_a, shop_b = make_shop(name="Alpha"), make_shop(name="Beta")
    shirt = make_product(shop=shop_a, title="Shirt", variants=[{"price": 2000, "stock": 5, "name": "L"}])
    hat = make_product(shop=shop_a, title="Hat", variants=[{"price": 500, "stock": 1}])
    mug = make_product(shop=shop_b, title="Mug", variants=[{"price": 1200, "stock": 3}])
    lines = {
        "shirt": cart.add_item(buyer, shirt.variants[0].id, 2),
        "hat": cart.add_item(buyer, hat.variants[0].id, 1),
        "mug": cart.add_item(buyer, mug.variants[0].id, 3),
    }
    return {"buyer": buyer, "address": address, "shops": (shop_a, shop_b), "products": (shirt, hat, mug),
            "lines": lines}


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_places_one_order_per_shop_with_copied_data(app, two_shop_cart):
    data = two_shop_cart
    buyer, (shop_a, shop_b), (shirt, hat, mug) = data["buyer"], data["shops"], data["products"]
    voucher = make_voucher(shop_a, code="ALPHA10", kind="PERCENT", value=10)
    placed = place_orders(buyer, data["address"].id, "COD", vouchers={str(shop_a.id): "alpha10"},
                          idempotency_key="key-1")
    assert not placed.replayed and len(placed.orders) == 2
    by_shop = {order.shop_id: order for order in placed.orders}
    alpha, beta = by_shop[shop_a.id], by_shop[shop_b.id]
    fee = app.config["SHIPPING_FEE"]
    assert (alpha.subtotal, alpha.discount, alpha.shipping_fee, alpha.total) == (4500, 450, fee, 4500 - 450 + fee)
    assert (beta.subtotal, beta.discount, beta.total) == (3600, 0, 3600 + fee)
    assert alpha.voucher_id == voucher.id and alpha.voucher_code == "ALPHA10"
    assert alpha.status == OrderStatus.PENDING and alpha.number.startswith("MP") and len(alpha.number) == 14
    assert alpha.number != beta.number
    assert alpha.ship_line1 == data["address"].line1 and alpha.ship_city == data["address"].city
    item = next(i for i in alpha.items if i.product_id == shirt.id)
    assert (item.product_title, item.variant_name, item.sku, item.unit_price, item.quantity, item.line_total) == (
        "Shirt", "L", shirt.variants[0].sku, 2000, 2, 4000)
    assert [(e.from_status, e.to_status, e.actor_id) for e in alpha.events] == [(None, OrderStatus.PENDING, buyer.id)]
    # stock taken, voucher claimed, cart emptied, sellers told
    db.session.expire_all()
    assert (shirt.variants[0].stock, hat.variants[0].stock, mug.variants[0].stock) == (3, 0, 0)
    assert voucher.used_count == 1 and count(VoucherUsage, VoucherUsage.order_id == alpha.id) == 1
    assert count(CartItem, CartItem.user_id == buyer.id) == 0
    assert count(Notification, Notification.user_id == shop_a.owner_id, Notification.kind == "order.placed") == 1
    assert count(Notification, Notification.user_id == shop_b.owner_id, Notification.kind == "order.placed") == 1


def test_later_edits_never_change_the_order(two_shop_cart):
    data = two_shop_cart
    placed = place_orders(data["buyer"], data["address"].id, "COD", idempotency_key="k")
    shirt = data["products"][0]
    shirt.title, shirt.variants[0].price, data["address"].line1 = "Renamed", 9999, "Somewhere else"
    db.session.flush()
    db.session.expire_all()
    order = db.session.get(Order, next(o.id for o in placed.orders if o.shop_id == shirt.shop_id))
    assert {i.product_title for i in order.items} == {"Shirt", "Hat"} and order.subtotal == 4500
    assert order.ship_line1 == "12 Lê Lợi"


def test_only_the_chosen_lines_are_bought(two_shop_cart):
    data = two_shop_cart
    placed = place_orders(data["buyer"], data["address"].id, "COD",
                          cart_item_ids=[data["lines"]["mug"].id], idempotency_key="k")
    assert [o.shop_id for o in placed.orders] == [data["shops"][1].id]
    assert count(CartItem, CartItem.user_id == data["buyer"].id) == 2


def test_same_key_returns_the_same_orders(two_shop_cart):
    data = two_shop_cart
    first = place_orders(data["buyer"], data["address"].id, "COD", idempotency_key="again")
    second = place_orders(data["buyer"], data["address"].id, "COD", idempotency_key="again")
    assert second.replayed and {o.id for o in second.orders} == {o.id for o in first.orders}
    assert count(Order, Order.buyer_id == data["buyer"].id) == 2
    assert count(CheckoutRequest, CheckoutRequest.user_id == data["buyer"].id) == 1


def test_a_line_short_of_stock_fails_naming_it_and_writes_nothing(two_shop_cart):
    data = two_shop_cart
    shirt, hat, mug = data["products"]
    mug.variants[0].stock = 2
    db.session.flush()
    savepoint = db.session.begin_nested()
    with pytest.raises(OutOfStock) as caught:
        place_orders(data["buyer"], data["address"].id, "COD", idempotency_key="k")
    savepoint.rollback()
    assert caught.value.line_id == data["lines"]["mug"].id
    assert caught.value.message == "Only 2 of Mug (Variant 1) left (you asked for 3): lower the quantity."
    assert caught.value.status == 409 and caught.value.code == "out_of_stock"
    db.session.expire_all()
    assert count(Order, Order.buyer_id == data["buyer"].id) == 0
    assert count(CheckoutRequest, CheckoutRequest.user_id == data["buyer"].id) == 0
    assert shirt.variants[0].stock == 5 and count(CartItem, CartItem.user_id == data["buyer"].id) == 3


def test_a_sold_out_line_and_a_hidden_product_are_named(two_shop_cart):
    data = two_shop_cart
    data["products"][1].variants[0].stock = 0
    db.session.flush()
    with pytest.raises(OutOfStock) as sold_out:
        place_orders(data["buyer"], data["address"].id, "COD", idempotency_key="a",
                     cart_item_ids=[data["lines"]["hat"].id])
    assert sold_out.value.message == "Hat (Variant 1) is sold out: remove it from your cart."
    data["products"][2].status = ProductStatus.HIDDEN
    db.session.flush()
    with pytest.raises(CheckoutLineError) as hidden:
        place_orders(data["buyer"], data["address"].id, "COD", idempotency_key="b",
                     cart_item_ids=[data["lines"]["mug"].id])
    assert hidden.value.code == "unavailable" and hidden.value.line_id == data["lines"]["mug"].id


def test_voucher_problems_fail_the_whole_checkout(two_shop_cart):
    data = two_shop_cart
    shop_a, shop_b = data["shops"]
    make_voucher(shop_b, code="BETAONLY")
    with pytest.raises(VoucherInvalid) as caught:
        place_orders(data["buyer"], data["address"].id, "COD", vouchers={shop_a.id: "BETAONLY"}, idempotency_key="k")
    assert caught.value.code == "wrong_shop" and caught.value.shop_id == shop_a.id
    with pytest.raises(ValidationFailed):
        place_orders(data["buyer"], data["address"].id, "COD", vouchers={uuid.uuid4(): "X"}, idempotency_key="k2")


def test_per_user_limit_is_enforced_at_checkout():
    buyer = make_user()
    address = make_address(buyer)
    product = make_product(variants=[{"stock": 10}])
    voucher = make_voucher(product.shop, code="ONCE", per_user_limit=1)
    cart.add_item(buyer, product.variants[0].id, 1)
    place_orders(buyer, address.id, "COD", vouchers={product.shop_id: "ONCE"}, idempotency_key="1")
    cart.add_item(buyer, product.variants[0].id, 1)
    with pytest.raises(VoucherInvalid) as caught:
        place_orders(buyer, address.id, "COD", vouchers={product.shop_id: "ONCE"}, idempotency_key="2")
    assert caught.value.code == "already_used"
    assert voucher.used_count == 1


def test_guards(two_shop_cart):
    # Each call uses a fresh key: without the view's rollback a failed call's key stays claimed.
    data = two_shop_cart
    stranger_address = make_address(make_user())
    with pytest.raises(NotFound) as other_address:
        place_orders(data["buyer"], stranger_address.id, "COD", idempotency_key="g1")
    assert other_address.value.code == "address_not_found"
    with pytest.raises(NotFound):
        place_orders(data["buyer"], None, "COD", idempotency_key="g2")
    with pytest.raises(ValidationFailed) as bad_method:
        place_orders(data["buyer"], data["address"].id, "CARD", idempotency_key="g3")
    assert bad_method.value.code == "invalid_payment_method"
    with pytest.raises(ValidationFailed) as no_key:
        place_orders(data["buyer"], data["address"].id, "COD", idempotency_key="")
    assert no_key.value.code == "idempotency_key_required"
    with pytest.raises(Forbidden):
        place_orders(make_user(is_verified=False), data["address"].id, "COD", idempotency_key="g4")
    stranger_line = cart.add_item(make_user(), data["products"][0].variants[0].id, 1)
    with pytest.raises(CartChanged):  # another's line reads as one gone from this cart: nothing to tell apart
        place_orders(data["buyer"], data["address"].id, "COD", cart_item_ids=[stranger_line.id], idempotency_key="g5")
    empty_handed = make_user()
    with pytest.raises(ValidationFailed) as empty:
        place_orders(empty_handed, make_address(empty_handed).id, "COD", idempotency_key="g6")
    assert empty.value.code == "empty_selection"
    assert isinstance(db.session.get(Address, data["address"].id), Address)


def _sample(name: str, **labels) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_placed_orders_are_counted_after_commit_and_failures_by_reason(two_shop_cart):
    data = two_shop_cart
    placed_before = _sample("marketplace_orders_placed_total")
    failed_before = _sample("marketplace_checkout_failures_total", reason="idempotency_key_required")
    with pytest.raises(ValidationFailed):
        place_orders(data["buyer"], data["address"].id, "COD", idempotency_key="")
    assert _sample("marketplace_checkout_failures_total", reason="idempotency_key_required") == failed_before + 1

    place_orders(data["buyer"], data["address"].id, "COD", idempotency_key=uuid.uuid4().hex)
    assert _sample("marketplace_orders_placed_total") == placed_before  # not before the commit
    db.session.commit()
    assert _sample("marketplace_orders_placed_total") == placed_before + 2


@pytest.mark.parametrize("carts", [[(2_000_000_000, 2)], [(1_500_000_000, 1), (1_500_000_000, 1)]],
                         ids=["one line", "one order"])
def test_an_order_too_large_for_its_columns_is_refused_and_places_nothing(carts):
    """Prices reach 2^31-1 minor units and a line 999 units, but a line and an order are INTEGER
    columns too: the probe's 2 x $20,000,000 was a 500 from the database."""
    buyer = make_user()
    address = make_address(buyer)
    shop = make_shop(name="Yachts")
    for n, (price, quantity) in enumerate(carts):
        product = make_product(shop=shop, title=f"Yacht {n}", variants=[{"price": price, "stock": 5}])
        cart.add_item(buyer, product.variants[0].id, quantity)
    with pytest.raises(ValidationFailed if len(carts) > 1 else CheckoutLineError) as refused:
        place_orders(buyer, address.id, "COD", idempotency_key="big")
    assert refused.value.code == "order_too_large" and "$21,474,836.47" in refused.value.message
    assert count(Order) == 0
