"""The one cart interface of the pages (services/cart/carts.py): the account's and a guest's carts
answer the same calls with the same results and the same refusals."""
import uuid

import pytest

from marketplace.services.cart.carts import AccountCart, GuestCart
from marketplace.services.core.errors import NotFound, ValidationFailed
from tests.factories import make_product, make_user

KINDS = ["account", "guest"]


def new_cart(kind):
    return AccountCart(make_user()) if kind == "account" else GuestCart({})


@pytest.mark.parametrize("kind", KINDS)
def test_both_carts_add_change_and_remove_alike(kind):
    cart = new_cart(kind)
    product = make_product(variants=[{"stock": 4, "price": 300}])
    variant_id = product.variants[0].id
    cart.add(variant_id, 1)
    cart.add(variant_id, 2)
    view = cart.view()
    assert [(line.variant_id, line.quantity) for line in view.lines] == [(variant_id, 3)]
    assert view.subtotal == 900 and cart.count() == 3 == view.total_quantity  # items, not lines
    line_id = view.lines[0].id
    cart.set_quantity(line_id, 4)
    assert cart.view().lines[0].quantity == 4
    cart.remove(line_id)
    assert cart.view().lines == [] and cart.count() == 0


@pytest.mark.parametrize("kind", KINDS)
def test_both_carts_refuse_alike(kind):
    cart = new_cart(kind)
    product = make_product(title="Kettle", variants=[{"stock": 2, "name": ""}])
    cart.add(product.variants[0].id, 2)
    with pytest.raises(ValidationFailed) as caught:
        cart.add(product.variants[0].id, 1)
    assert caught.value.message == "Only 2 of Kettle available; you already have 2 in your cart."
    with pytest.raises(ValidationFailed) as caught:
        cart.set_quantity(cart.view().lines[0].id, 0)
    assert caught.value.code == "invalid_quantity"
    with pytest.raises(NotFound):
        cart.add(uuid.uuid4(), 1)
    with pytest.raises(NotFound):
        cart.set_quantity(uuid.uuid4(), 1)
    with pytest.raises(NotFound):
        cart.remove(uuid.uuid4())
    assert [line.quantity for line in cart.view().lines] == [2]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("quantity", "message"), [
    (0, "Choose at least 1. To take it out of your cart, use Remove."),  # 0 never empties a line
    (3, "Only 2 of Kettle available."),
    (1000, "Choose at most 999."),
    (None, "Choose a quantity of at least 1."),
])
def test_a_line_quantity_is_refused_with_its_reason_and_the_line_kept(kind, quantity, message):
    cart = new_cart(kind)
    product = make_product(title="Kettle", variants=[{"stock": 2, "name": ""}])
    cart.add(product.variants[0].id, 1)
    line_id = cart.view().lines[0].id
    with pytest.raises(ValidationFailed) as caught:
        cart.set_quantity(line_id, quantity)
    assert caught.value.message == message and caught.value.code in ("invalid_quantity", "insufficient_stock")
    assert caught.value.fields == {"quantity": message}
    assert [line.quantity for line in cart.view().lines] == [1] and cart.count() == 1


def test_a_guest_change_returns_the_new_lines_and_a_refused_one_keeps_them():
    product = make_product(variants=[{"stock": 3}])
    variant_id = product.variants[0].id
    stored = {}
    cart = GuestCart(stored)
    lines = cart.add(variant_id, 2)
    assert lines == {str(variant_id): 2} == cart.lines
    assert stored == {}  # the caller stores the new lines: the cart never changes the dict it was given
    with pytest.raises(ValidationFailed):
        cart.add(variant_id, 5)
    assert cart.lines == {str(variant_id): 2}
    assert cart.set_quantity(variant_id, 3) == {str(variant_id): 3}
    assert cart.remove(variant_id) == {}
    assert GuestCart(None).count() == 0 and GuestCart(None).buyer is None


def test_an_account_change_is_in_the_database_and_returns_nothing():
    user, product = make_user(), make_product(variants=[{"stock": 3}])
    cart = AccountCart(user)
    assert cart.add(product.variants[0].id, 1) is None
    assert AccountCart(user).count() == 1 and cart.buyer is user


def test_the_account_count_after_a_view_reads_nothing_and_after_a_change_counts_again(count_queries):
    user, product = make_user(), make_product(variants=[{"stock": 3}])
    cart = AccountCart(user)
    cart.add(product.variants[0].id, 1)
    cart.view()
    with count_queries() as statements:
        assert cart.count() == 1
    assert statements == []
    cart.remove(cart.view().lines[0].id)
    with count_queries() as statements:
        assert cart.count() == 0
    assert len(statements) == 1
