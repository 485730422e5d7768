"""The rules of issue 15's buying paths: "Buy now" orders one item beside the cart, the checkout's
quote names the lines and vouchers it priced, "Buy again" refills the cart with what can still be bought."""
import uuid

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CartItem, OrderItem, OrderStatus, ProductStatus, ProductVariant
from marketplace.services.cart import cart, cart_queries
from marketplace.services.cart.buy_now import BuyNow, buy_now_view, check_buy_now
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.services.ordering.buy_again import buy_again
from marketplace.services.ordering.checkout import OutOfStock, place_orders
from marketplace.services.ordering.checkout_queries import placed_checkout, preview_checkout
from tests.factories import make_address, make_order, make_product, make_shop, make_user, make_voucher


def cart_lines(user) -> dict:
    return {line.variant_id: line.quantity for line in db.session.scalars(select(CartItem).where(CartItem.user_id == user.id))}


# --- Buy now -------------------------------------------------------------------------------

def test_buy_now_places_one_item_and_leaves_every_cart_line_as_it_was():
    buyer = make_user()
    address = make_address(buyer)
    lamp = make_product(title="Lamp", variants=[{"price": 1000, "stock": 5}])
    mug = make_product(title="Mug", variants=[{"price": 300, "stock": 9}])
    cart.add_item(buyer, lamp.variants[0].id, 2)  # the same variant already in the cart
    cart.add_item(buyer, mug.variants[0].id, 1)
    placed = place_orders(buyer, address.id, "COD", idempotency_key="now-1", buy_now=(lamp.variants[0].id, 3))
    [order] = placed.orders
    assert (order.subtotal, [(i.variant_id, i.quantity) for i in order.items]) == (3000, [(lamp.variants[0].id, 3)])
    db.session.expire_all()
    assert cart_lines(buyer) == {lamp.variants[0].id: 2, mug.variants[0].id: 1}
    assert db.session.get(ProductVariant, lamp.variants[0].id).stock == 2
    assert placed_checkout(buyer, "now-1") == placed.checkout_id and placed_checkout(buyer, "other") is None
    again = place_orders(buyer, address.id, "COD", idempotency_key="now-1", buy_now=(lamp.variants[0].id, 3))
    assert again.replayed and [o.id for o in again.orders] == [order.id]


def test_buy_now_is_refused_beyond_the_stock_with_cart_lines_or_a_bad_quantity():
    buyer = make_user()
    address = make_address(buyer)
    lamp = make_product(title="Lamp", variants=[{"stock": 2, "name": ""}])
    with pytest.raises(OutOfStock) as caught:
        place_orders(buyer, address.id, "COD", idempotency_key="a", buy_now=(lamp.variants[0].id, 3))
    assert caught.value.message == "Only 2 of Lamp left (you asked for 3): lower the quantity."
    with pytest.raises(ValidationFailed) as caught:
        place_orders(buyer, address.id, "COD", idempotency_key="b", cart_item_ids=[uuid.uuid4()],
                     buy_now=(lamp.variants[0].id, 1))
    assert caught.value.code == "buy_now_with_cart_lines"
    with pytest.raises(ValidationFailed):
        place_orders(buyer, address.id, "COD", idempotency_key="c", buy_now=(lamp.variants[0].id, 0))
    with pytest.raises(NotFound):
        place_orders(buyer, address.id, "COD", idempotency_key="d", buy_now=(uuid.uuid4(), 1))


def test_check_buy_now_refuses_what_add_to_cart_refuses():
    buyer = make_user()
    own = make_product(shop=make_shop(owner=buyer), title="Mine", variants=[{"name": ""}])
    hidden = make_product(title="Hidden", status=ProductStatus.HIDDEN, variants=[{"name": ""}])
    lamp = make_product(title="Lamp", variants=[{"stock": 2, "name": ""}])
    assert check_buy_now(buyer, lamp.variants[0].id, 2) == BuyNow(lamp.variants[0].id, 2)
    assert check_buy_now(None, lamp.variants[0].id, 1).quantity == 1  # a guest: checked, then asked to log in
    for variant_id, quantity, message in [
        (lamp.variants[0].id, 3, "Only 2 of Lamp available."),
        (lamp.variants[0].id, 0, "Choose a quantity of at least 1."),
        (own.variants[0].id, 1, "Mine is from your own shop: you can't buy it."),
        (hidden.variants[0].id, 1, "Hidden is no longer available."),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            check_buy_now(buyer, variant_id, quantity)
        assert caught.value.message == message


def test_the_buy_now_view_is_that_one_line_flagged_like_a_cart_line():
    buyer = make_user()
    lamp = make_product(title="Lamp", variants=[{"stock": 2, "price": 700}])
    view = buy_now_view(buyer, BuyNow(lamp.variants[0].id, 2))
    assert [(line.id, line.quantity, line.ok) for line in view.lines] == [(lamp.variants[0].id, 2, True)]
    assert view.subtotal == 1400 and view.total_quantity == 2
    short = buy_now_view(buyer, BuyNow(lamp.variants[0].id, 3))
    assert short.lines[0].flag == "low_stock" and short.subtotal == 0


# --- the quote -----------------------------------------------------------------------------

def test_the_quote_key_changes_with_the_voucher_applied_and_the_lines_not_with_the_codes_case():
    buyer = make_user()
    shop = make_shop()
    make_voucher(shop, code="TEN", value=10)
    lamp = make_product(shop=shop, variants=[{"stock": 5}])
    mug = make_product(shop=shop, variants=[{"stock": 5}])
    line = cart.add_item(buyer, lamp.variants[0].id, 1)
    cart.add_item(buyer, mug.variants[0].id, 1)
    view = cart_queries.view_cart(buyer)
    plain = preview_checkout(buyer, view)
    with_voucher = preview_checkout(buyer, view, None, {str(shop.id): "TEN"})
    assert with_voucher.discount > 0 and with_voucher.quote_key != plain.quote_key
    assert preview_checkout(buyer, view, None, {str(shop.id): " ten "}).quote_key == with_voucher.quote_key
    wrong = preview_checkout(buyer, view, None, {str(shop.id): "NOPE"})
    assert wrong.shops[0].voucher_error and wrong.quote_key == plain.quote_key  # a refused code applies nothing
    assert preview_checkout(buyer, view, [line.id]).quote_key != plain.quote_key
    assert plain.total_quantity == 2


# --- Buy again -----------------------------------------------------------------------------

def test_buy_again_adds_what_can_be_bought_and_says_why_not_for_the_rest():
    buyer = make_user()
    shop = make_shop()
    lamp = make_product(shop=shop, title="Lamp", variants=[{"stock": 5, "name": ""}])
    mug = make_product(shop=shop, title="Mug", variants=[{"stock": 1, "name": ""}])
    gone = make_product(shop=shop, title="Vase", variants=[{"stock": 5, "name": ""}])
    order = make_order(buyer=buyer, product=lamp, quantity=2, status=OrderStatus.COMPLETED)
    db.session.add_all([_line_like(order, mug, 3), _line_like(order, gone, 1)])
    db.session.flush()
    gone.status = ProductStatus.HIDDEN
    db.session.flush()
    result = buy_again(buyer, order.id)
    assert result.added == 3  # 2 lamps and the 1 mug left
    assert sorted(result.problems) == ["Only 1 of Mug available: your cart has 1.", "Vase is no longer available."]
    assert cart_lines(buyer) == {lamp.variants[0].id: 2, mug.variants[0].id: 1}


def test_buy_again_names_a_variant_deleted_for_good_and_refuses_someone_elses_order():
    buyer = make_user()
    lamp = make_product(title="Lamp", variants=[{"stock": 5, "name": "Red"}])
    order = make_order(buyer=buyer, product=lamp)
    order.items[0].variant_id = None
    db.session.flush()
    result = buy_again(buyer, order.id)
    assert (result.added, result.problems) == (0, ["Lamp (Red) is no longer sold."])
    with pytest.raises(NotFound):
        buy_again(make_user(), order.id)


def _line_like(order, product, quantity):
    variant = product.variants[0]
    return OrderItem(order_id=order.id, product_id=product.id, variant_id=variant.id, product_title=product.title,
                     variant_name=variant.name or "", sku=variant.sku, image_key=None, unit_price=variant.price,
                     quantity=quantity, line_total=variant.price * quantity)
