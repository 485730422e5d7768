"""Refusals under the request's unit of work: a refused change leaves nothing behind, even when
its answer is a redirect or a fragment with status 200 (views wrap such changes in attempt()),
and a replayed checkout saves its new address once (discard()).

The cart cases make the service write and then refuse (a monkeypatched service), the worst
case attempt() exists for.
"""
from sqlalchemy import func, select

from marketplace.cart import views as cart_views
from marketplace.extensions import db
from marketplace.models import Address, CartItem, Order, ProductVariant
from marketplace.services.cart import cart
from marketplace.services.core.errors import ValidationFailed
from tests.cart_support import buyer_with_address, htmx, login, two_shops
from tests.integration.test_checkout_pages import form_data, setup_cart

NEW = {"new_address-recipient_name": "Probe Recipient", "new_address-phone": "0912345678",
       "new_address-line1": "5 Hang Bai", "new_address-city": "Ha Noi"}


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_refused_checkout_saves_no_new_address_and_the_page_does_not_list_it(client):
    data = setup_cart(client)
    kettle = data["products"][0]
    db.session.execute(ProductVariant.__table__.update().where(ProductVariant.id == kettle.variants[0].id).values(stock=1))
    db.session.commit()
    response = client.post("/checkout", data=form_data(data, address_id="new", **NEW))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Probe Recipient" not in html.split('name="new_address-recipient_name"')[0]
    assert count(Address, Address.user_id == data["buyer"].id) == 1


def test_a_checkout_whose_total_changed_saves_no_new_address(client):
    data = setup_cart(client)
    response = client.post("/checkout", data=form_data(data, address_id="new", expected_total="1", **NEW))
    assert response.status_code == 409, response.status_code
    html = response.get_data(as_text=True)
    assert html.count("Probe Recipient") <= 1  # only as the form's typed value, never as a saved address
    assert count(Address, Address.user_id == data["buyer"].id) == 1
    assert count(Order, Order.buyer_id == data["buyer"].id) == 0


def test_a_replayed_checkout_saves_its_new_address_once(client):
    data = setup_cart(client)
    payload = form_data(data, key="b" * 32, address_id="new", **NEW)
    first = client.post("/checkout", data=payload)
    second = client.post("/checkout", data=payload)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Address, Address.user_id == data["buyer"].id) == 2
    assert count(Order, Order.buyer_id == data["buyer"].id) == 2


_real_add = cart.add_item


def _half_add(user, variant_id, quantity):
    _real_add(user, variant_id, quantity)
    raise ValidationFailed("half done", code="half")


def test_a_refused_cart_add_answered_by_a_redirect_commits_nothing(client, monkeypatch):
    buyer, _ = buyer_with_address()
    (_, kettle), _ = two_shops()
    db.session.commit()
    login(client, buyer)
    monkeypatch.setattr(cart_views.cart_service, "add_item", _half_add)
    response = client.post("/cart/items", data={"variant_id": str(kettle.variants[0].id), "quantity": 1})
    assert response.status_code == 302
    assert count(CartItem, CartItem.user_id == buyer.id) == 0
    response = client.post("/cart/items", data={"variant_id": str(kettle.variants[0].id), "quantity": 1},
                           headers=htmx("x"))
    assert response.status_code == 422
    assert count(CartItem, CartItem.user_id == buyer.id) == 0


def _half_set(user, line_id, quantity):
    line = db.session.get(CartItem, line_id)
    line.quantity = quantity
    db.session.flush()
    raise ValidationFailed("half set", code="half")


def test_a_refused_quantity_change_commits_nothing_and_the_fragment_shows_the_old_one(client, monkeypatch):
    buyer, _ = buyer_with_address()
    (_, kettle), _ = two_shops()
    line = cart.add_item(buyer, kettle.variants[0].id, 1)
    db.session.commit()
    login(client, buyer)
    monkeypatch.setattr(cart_views.cart_service, "set_quantity", _half_set)
    response = client.post(f"/cart/lines/{line.id}", data={"quantity": 3}, headers=htmx("x"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # The box shows what was typed, with the reason; what the cart holds is read after the rollback.
    assert 'value="3"' in html and "half set Your cart still has 1." in html, html[:2000]
    assert "1 item</dd>" in html
    response = client.post(f"/cart/lines/{line.id}", data={"quantity": 3})  # the cart page, re-rendered
    assert response.status_code == 422 and "half set Your cart still has 1." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CartItem, line.id).quantity == 1
