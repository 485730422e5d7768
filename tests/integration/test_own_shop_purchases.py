"""Nobody buys from their own shop (audit finding 2): refused at cart add (service, HTML, API),
dropped from a merged guest cart, refused at checkout for a line already in the cart, and no
review of a line of one's own shop.

Setup is committed before requests that may be refused: the view rolls back, which in the
test harness returns to the last commit.
"""
import re

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import CartItem, CheckoutRequest, Order, OrderStatus, Review, Role
from marketplace.services.cart import cart, cart_queries
from marketplace.services.core.errors import Forbidden, ValidationFailed
from marketplace.services.ordering.checkout import CheckoutLineError, place_orders
from marketplace.services.reviews import reviews
from tests.cart_support import htmx, login
from tests.factories import PASSWORD, make_address, make_order, make_product, make_shop, make_user

OWN_MESSAGE = "Own Lamp (Variant 1) is from your own shop: you can't buy it."


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def seller():
    """A verified seller with an address, their own lamp (stock 5) and another shop's mug (stock 5)."""
    user = make_user(role=Role.SELLER, email="owner@example.com")
    address = make_address(user, is_default=True)
    own = make_product(shop=make_shop(owner=user, name="Own Shop"), title="Own Lamp",
                       variants=[{"price": 3000, "stock": 5}])
    other = make_product(shop=make_shop(name="Other Shop"), title="Other Mug", variants=[{"price": 1000, "stock": 5}])
    db.session.flush()
    return {"user": user, "address": address, "own": own, "other": other,
            "own_variant": own.variants[0], "other_variant": other.variants[0]}


def own_line_in_cart(data, quantity=1) -> CartItem:
    """An own-shop line put in the cart directly: older than the rule, or from a merge."""
    line = CartItem(user_id=data["user"].id, variant_id=data["own_variant"].id, quantity=quantity)
    db.session.add(line)
    db.session.flush()
    return line


def lines_of(user) -> dict:
    return dict(db.session.execute(select(CartItem.variant_id, CartItem.quantity)
                                   .where(CartItem.user_id == user.id)).all())


# --- cart add ------------------------------------------------------------------------------

def test_the_service_refuses_adding_a_product_of_ones_own_shop(seller):
    with pytest.raises(ValidationFailed) as caught:
        cart.add_item(seller["user"], seller["own_variant"].id, 1)
    assert (caught.value.code, caught.value.status, caught.value.message) == ("own_shop", 422, OWN_MESSAGE)
    assert caught.value.fields == {"variant_id": OWN_MESSAGE}
    cart.add_item(seller["user"], seller["other_variant"].id, 1)  # other shops' products are fine
    assert lines_of(seller["user"]) == {seller["other_variant"].id: 1}
    cart.add_item(make_user(), seller["own_variant"].id, 1)  # and anyone else may buy the lamp


def test_the_api_refuses_it_with_422_own_shop(client, seller):
    db.session.commit()
    login(client, seller["user"])
    response = client.post("/api/v1/cart/items", json={"variant_id": str(seller["own_variant"].id)})
    assert response.status_code == 422
    assert response.get_json()["error"] == {"code": "own_shop", "message": OWN_MESSAGE,
                                            "fields": {"variant_id": OWN_MESSAGE}}
    assert lines_of(seller["user"]) == {}


def test_the_page_refuses_it_with_a_flash_or_the_htmx_message(client, seller):
    db.session.commit()
    login(client, seller["user"])
    form = {"variant_id": str(seller["own_variant"].id), "quantity": "1", "next": f"/p/{seller['own'].id}"}
    response = client.post("/cart/items", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/p/{seller['own'].id}")
    with client.session_transaction() as session:
        assert ("danger", OWN_MESSAGE) in session.get("_flashes", [])
    fragment = client.post("/cart/items", data=form, headers=htmx())
    assert fragment.status_code == 422 and "from your own shop" in fragment.get_data(as_text=True)
    assert lines_of(seller["user"]) == {}


def test_an_own_line_already_in_the_cart_is_flagged_and_its_quantity_refused(client, seller):
    line = own_line_in_cart(seller)
    with pytest.raises(ValidationFailed) as caught:
        cart.set_quantity(seller["user"], line.id, 2)
    assert caught.value.code == "own_shop"
    view = cart_queries.view_cart(seller["user"])
    assert (view.lines[0].flag, view.lines[0].ok, view.subtotal) == ("own_shop", False, 0)
    db.session.commit()
    login(client, seller["user"])
    [api_line] = client.get("/api/v1/cart").get_json()["shops"][0]["items"]
    assert (api_line["available"], api_line["flag"]) == (False, "own_shop")
    assert "From your own shop: you can&#39;t buy it." in client.get("/cart").get_data(as_text=True)


# --- merge at login ------------------------------------------------------------------------------

def test_a_guest_cart_merged_at_login_drops_own_shop_lines_and_says_so(client, seller):
    db.session.commit()
    client.post("/cart/items", data={"variant_id": seller["own_variant"].id, "quantity": 2})
    client.post("/cart/items", data={"variant_id": seller["other_variant"].id, "quantity": 1})
    response = client.post("/account/login", data={"login": "owner@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert lines_of(seller["user"]) == {seller["other_variant"].id: 1}
    with client.session_transaction() as session:
        flashes = [message for _, message in session.get("_flashes", [])]
    assert f"{OWN_MESSAGE} We adjusted your cart." in flashes


def test_the_app_sync_drops_them_too(client, seller):
    db.session.commit()
    login(client, seller["user"])
    response = client.post("/api/v1/cart/sync", json={"items": [
        {"variant_id": str(seller["own_variant"].id), "quantity": 2},
        {"variant_id": str(seller["other_variant"].id), "quantity": 1},
    ]})
    assert response.status_code == 200
    assert response.get_json()["adjustments"] == [{"variant_id": str(seller["own_variant"].id), "wanted": 2,
                                                   "kept": 0, "message": OWN_MESSAGE}]
    assert lines_of(seller["user"]) == {seller["other_variant"].id: 1}


# --- checkout with an own line already in the cart ------------------------------------------------

def assert_nothing_placed(data, lines=2):
    db.session.expire_all()
    assert count(Order, Order.buyer_id == data["user"].id) == 0
    assert count(CheckoutRequest, CheckoutRequest.user_id == data["user"].id) == 0
    assert count(CartItem, CartItem.user_id == data["user"].id) == lines
    assert (data["own_variant"].stock, data["other_variant"].stock) == (5, 5)


def test_the_checkout_service_refuses_an_own_line_before_locking_anything(seller):
    line = own_line_in_cart(seller)
    cart.add_item(seller["user"], seller["other_variant"].id, 1)
    savepoint = db.session.begin_nested()
    with pytest.raises(CheckoutLineError) as caught:
        place_orders(seller["user"], seller["address"].id, "COD", idempotency_key="own-1")
    savepoint.rollback()
    assert (caught.value.code, caught.value.status, caught.value.line_id) == ("own_shop", 422, line.id)
    assert caught.value.message == f"{OWN_MESSAGE} Remove it from your cart."
    assert_nothing_placed(seller)


def test_the_api_checkout_refuses_it_and_writes_nothing(client, seller):
    line = own_line_in_cart(seller)
    cart.add_item(seller["user"], seller["other_variant"].id, 1)
    db.session.commit()
    login(client, seller["user"])
    response = client.post("/api/v1/orders", json={"address_id": str(seller["address"].id)},
                           headers={"Idempotency-Key": "own-api"})
    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == "own_shop"
    assert error["fields"] == {f"cart_items.{line.id}": f"{OWN_MESSAGE} Remove it from your cart."}
    assert_nothing_placed(seller)
    # Without the own line, the same key places the rest.
    other_line = next(i for i in db.session.scalars(select(CartItem).where(CartItem.user_id == seller["user"].id))
                      if i.variant_id == seller["other_variant"].id)
    placed = client.post("/api/v1/orders", json={"address_id": str(seller["address"].id),
                                                 "cart_item_ids": [str(other_line.id)]},
                         headers={"Idempotency-Key": "own-api"})
    assert placed.status_code == 201 and len(placed.get_json()["orders"]) == 1


def test_the_checkout_page_leaves_it_unticked_and_refuses_it_when_sent(client, seller):
    line = own_line_in_cart(seller)
    other = cart.add_item(seller["user"], seller["other_variant"].id, 1)
    db.session.commit()
    login(client, seller["user"])
    page = client.get("/checkout").get_data(as_text=True)
    assert re.search(rf'value="{line.id}" id="line-{line.id}"\s+disabled', page)  # not ticked, not tickable
    assert "From your own shop: you can&#39;t buy it." in page
    response = client.post("/checkout", data={
        "address_id": str(seller["address"].id), "payment_method": "COD", "idempotency_key": "o" * 32,
        "lines_sent": "1", "line": [str(line.id), str(other.id)]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Own Lamp (Variant 1) is from your own shop: you can&#39;t buy it. Remove it from your cart." in html
    assert re.search(rf'checkout-line-error"\s+id="checkout-line-{line.id}"', html)
    assert_nothing_placed(seller)


# --- reviews --------------------------------------------------------------------------------------

@pytest.fixture
def own_delivered_line(seller):
    """A delivered order of the seller's own lamp: bought before the rule existed."""
    return make_order(buyer=seller["user"], product=seller["own"], status=OrderStatus.DELIVERED).items[0]


def test_no_review_of_a_line_of_ones_own_shop(seller, own_delivered_line):
    with pytest.raises(Forbidden) as caught:
        reviews.create_review(seller["user"], own_delivered_line.id, 5, "Best lamp ever")
    assert (caught.value.code, caught.value.status) == ("own_shop", 403)
    assert caught.value.message == "You can't review a product of your own shop."
    assert count(Review) == 0


def test_the_api_and_the_page_refuse_it_too(client, seller, own_delivered_line):
    db.session.commit()
    login(client, seller["user"])
    response = client.post("/api/v1/reviews", json={"order_item_id": str(own_delivered_line.id), "rating": 5})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "own_shop"
    page = client.get(f"/reviews/new?order_item_id={own_delivered_line.id}")
    assert page.status_code == 403 and "You can&#39;t review a product of your own shop." in page.get_data(as_text=True)
    posted = client.post(f"/reviews/new?order_item_id={own_delivered_line.id}", data={"rating": "5", "body": "x"},
                         content_type="multipart/form-data")
    assert posted.status_code == 403
    assert count(Review) == 0


def test_the_owner_sees_their_seller_center_instead_of_an_add_to_cart_form(app, client, seller):
    login(client, seller["user"])
    own = client.get(f"/p/{seller['own'].id}").get_data(as_text=True)
    assert 'data-testid="own-product"' in own and f"/seller/products/{seller['own'].id}/edit" in own
    assert 'class="add-to-cart"' not in own
    other = client.get(f"/p/{seller['other'].id}").get_data(as_text=True)
    assert 'class="add-to-cart"' in other and 'data-testid="own-product"' not in other
    # anyone else gets the form on the owner's product
    visitor = app.test_client()
    assert 'class="add-to-cart"' in visitor.get(f"/p/{seller['own'].id}").get_data(as_text=True)
