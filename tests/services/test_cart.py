"""Cart rules: one line per variant, refused beyond the stock, flags, guest carts and merging."""
import uuid

import pytest

from marketplace.extensions import db
from marketplace.models import CartItem, ProductStatus, ShopStatus
from marketplace.services.cart import cart, cart_queries, guest_cart
from marketplace.services.cart.cart_queries import FLAG_LOW_STOCK, FLAG_OUT_OF_STOCK, FLAG_UNAVAILABLE
from marketplace.services.core.errors import NotFound, ValidationFailed
from tests.catalog_support import add_image
from tests.factories import make_product, make_shop, make_user


def variant_of(product, i=0):
    return product.variants[i]


def test_adding_twice_keeps_one_line_and_adds_up():
    buyer, product = make_user(), make_product(variants=[{"stock": 5}])
    cart.add_item(buyer, variant_of(product).id, 2)
    line = cart.add_item(buyer, variant_of(product).id, 3)
    assert line.quantity == 5
    assert db.session.query(CartItem).filter_by(user_id=buyer.id).count() == 1
    assert cart_queries.cart_count(buyer) == 5  # the badge counts items (units), as the summary does


def test_a_line_shows_its_variants_picture_else_its_products_first():
    buyer = make_user()
    product = make_product(variants=[{"stock": 5, "name": "Red"}, {"stock": 5, "name": "Blue"}])
    add_image(product, position=1, key="side")
    front = add_image(product, position=0, key="front")
    variant_of(product, 1).image_id = add_image(product, position=2, key="blue").id
    db.session.flush()
    for i in (0, 1):
        cart.add_item(buyer, variant_of(product, i).id, 1)
    pictures = {line.variant_name: line.image_key for line in cart_queries.view_cart(buyer).lines}
    assert pictures == {"Red": "front-thumb.webp", "Blue": "blue-thumb.webp"}
    db.session.delete(front)  # the product's first picture is now the side view
    db.session.flush()
    assert {line.variant_name: line.image_key for line in cart_queries.view_cart(buyer).lines}["Red"] == "side-thumb.webp"


@pytest.mark.parametrize("quantity", [0, -1, "2", 1.5, None, True, 1000])
def test_bad_quantities_are_refused(quantity):
    with pytest.raises(ValidationFailed) as caught:
        cart.add_item(make_user(), variant_of(make_product()).id, quantity)
    assert caught.value.code == "invalid_quantity" and "quantity" in caught.value.fields


def test_adding_beyond_stock_says_what_is_available():
    buyer = make_user()
    product = make_product(title="Áo thun", variants=[{"stock": 4, "name": "Đỏ / M"}])
    cart.add_item(buyer, variant_of(product).id, 3)
    with pytest.raises(ValidationFailed) as caught:
        cart.add_item(buyer, variant_of(product).id, 2)
    assert caught.value.code == "insufficient_stock"
    assert caught.value.message == "Only 4 of Áo thun (Đỏ / M) available; you already have 3 in your cart."


def test_out_of_stock_and_hidden_products_cannot_be_added():
    buyer = make_user()
    with pytest.raises(ValidationFailed) as sold_out:
        cart.add_item(buyer, variant_of(make_product(variants=[{"stock": 0}])).id, 1)
    assert sold_out.value.code == "out_of_stock"
    for product in (make_product(status=ProductStatus.HIDDEN), make_product(status=ProductStatus.DRAFT),
                    make_product(shop=make_shop(status=ShopStatus.SUSPENDED))):
        with pytest.raises(ValidationFailed) as hidden:
            cart.add_item(buyer, variant_of(product).id, 1)
        assert hidden.value.code == "unavailable"
    with pytest.raises(NotFound):
        cart.add_item(buyer, uuid.uuid4(), 1)
    with pytest.raises(NotFound):
        cart.add_item(buyer, "not-a-uuid", 1)


def test_set_quantity_and_remove_are_limited_to_own_lines():
    buyer, thief = make_user(), make_user()
    line = cart.add_item(buyer, variant_of(make_product(variants=[{"stock": 5}])).id, 1)
    assert cart.set_quantity(buyer, line.id, 5).quantity == 5
    with pytest.raises(ValidationFailed):
        cart.set_quantity(buyer, line.id, 6)
    with pytest.raises(NotFound):
        cart.set_quantity(thief, line.id, 1)
    with pytest.raises(NotFound):
        cart.remove_line(thief, line.id)
    cart.remove_line(buyer, line.id)
    assert cart_queries.cart_count(buyer) == 0


def test_view_groups_by_shop_and_flags_problems_without_dropping_lines():
    buyer = make_user()
    shop_a, shop_b = make_shop(name="A shop"), make_shop(name="B shop")
    fine = make_product(shop=shop_a, variants=[{"price": 1500, "stock": 9}])
    low = make_product(shop=shop_a, variants=[{"price": 700, "stock": 5}])
    gone = make_product(shop=shop_b, variants=[{"price": 100, "stock": 9}])
    empty = make_product(shop=shop_b, variants=[{"price": 100, "stock": 2}])
    for product, quantity in ((fine, 2), (low, 4), (gone, 1), (empty, 2)):
        cart.add_item(buyer, variant_of(product).id, quantity)
    variant_of(low).stock = 3
    gone.status = ProductStatus.HIDDEN
    variant_of(empty).stock = 0
    db.session.flush()

    view = cart_queries.view_cart(buyer)
    assert [g.shop_name for g in view.groups] == ["A shop", "B shop"]
    flags = {line.product_id: (line.flag, line.flag_message) for line in view.lines}
    assert flags[fine.id] == (None, None)
    assert flags[low.id] == (FLAG_LOW_STOCK, "Only 3 left: lower the quantity to 3 or less.")
    assert flags[gone.id][0] == FLAG_UNAVAILABLE and "remove it" in flags[gone.id][1]
    assert flags[empty.id][0] == FLAG_OUT_OF_STOCK
    assert view.group(shop_a.id).subtotal == 3000  # the low-stock line does not count until fixed
    assert view.group(shop_b.id).subtotal == 0
    assert view.subtotal == 3000 and view.line_count == 4 and view.has_problems


def test_merge_adds_quantities_capped_at_stock_and_reports_what_was_capped():
    buyer = make_user()
    plenty = make_product(variants=[{"stock": 10}])
    scarce = make_product(title="Nón lá", variants=[{"stock": 4, "name": ""}])
    sold_out = make_product(variants=[{"stock": 0}])
    hidden = make_product(status=ProductStatus.HIDDEN)
    cart.add_item(buyer, variant_of(scarce).id, 3)
    notes = cart.merge_guest_cart(buyer, {
        str(variant_of(plenty).id): 2, str(variant_of(scarce).id): 3, str(variant_of(sold_out).id): 1,
        str(variant_of(hidden).id): 1, "garbage": 4, str(uuid.uuid4()): 1,
    })
    quantities = {line.variant_id: line.quantity for line in cart_queries.view_cart(buyer).lines}
    assert quantities == {variant_of(plenty).id: 2, variant_of(scarce).id: 4}
    by_variant = {note.variant_id: note for note in notes}
    assert set(by_variant) == {variant_of(scarce).id, variant_of(sold_out).id, variant_of(hidden).id}
    scarce_note = by_variant[variant_of(scarce).id]
    assert (scarce_note.wanted, scarce_note.kept) == (3, 1)
    assert scarce_note.message == "Only 4 of Nón lá available: your cart has 4."
    assert by_variant[variant_of(sold_out).id].kept == 0


def test_sync_merges_the_same_way_and_sums_duplicates():
    buyer = make_user()
    product = make_product(variants=[{"stock": 5}])
    vid = variant_of(product).id
    notes = cart.sync_cart(buyer, [(vid, 2), (str(vid), 2)])
    assert notes == [] and cart_queries.view_cart(buyer).lines[0].quantity == 4
    notes = cart.sync_cart(buyer, [(vid, 3)])
    assert cart_queries.view_cart(buyer).lines[0].quantity == 5 and notes[0].kept == 1


def test_guest_cart_follows_the_same_rules():
    product = make_product(variants=[{"stock": 3, "price": 250}])
    vid = variant_of(product).id
    lines = guest_cart.add_item({}, vid, 2)
    assert lines == {str(vid): 2}
    with pytest.raises(ValidationFailed) as caught:
        guest_cart.add_item(lines, vid, 2)
    assert caught.value.code == "insufficient_stock" and "you already have 2" in caught.value.message
    with pytest.raises(ValidationFailed):
        guest_cart.add_item(lines, vid, 0)
    lines = guest_cart.set_quantity(lines, vid, 3)
    view = guest_cart.view_guest_cart(lines)
    assert view.lines[0].id == vid and view.subtotal == 750
    with pytest.raises(NotFound):
        guest_cart.remove_line(lines, uuid.uuid4())
    assert guest_cart.remove_line(lines, vid) == {}


def test_a_tampered_guest_cart_is_read_safely():
    product = make_product()
    view = guest_cart.view_guest_cart({"x": 1, str(variant_of(product).id): "2", str(uuid.uuid4()): -3})
    assert [(line.variant_id, line.quantity) for line in view.lines] == [(variant_of(product).id, 2)]
