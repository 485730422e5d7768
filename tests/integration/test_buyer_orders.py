"""The buyer's order pages: /orders, /orders/<id>, cancel and confirm receipt (plain and htmx)."""
import html
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import OrderEvent, OrderStatus, ProductVariant
from marketplace.models.base import utcnow
from tests.factories import make_order, make_product, make_user
from tests.orders_support import login, placed_order

S = OrderStatus
PANEL = {"HX-Request": "true", "HX-Target": "order-panel"}


@pytest.fixture
def buyer(client):
    user = make_user()
    login(client, user)
    return user


def _status(order):
    db.session.expire_all()
    return db.session.get(type(order), order.id).status


def _sql(statements):
    return [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))]


def test_pages_need_a_login(client):
    order = make_order()
    for url in ("/orders", f"/orders/{order.id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    response = client.post(f"/orders/{order.id}/cancel")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert _status(order) is S.PENDING


def test_list_shows_only_my_orders_and_filters_by_tab(client, buyer):
    mine = make_order(buyer, status=S.PENDING)
    shipped = make_order(buyer, status=S.SHIPPING)
    theirs = make_order(make_user())
    page = client.get("/orders").get_data(as_text=True)
    assert mine.number in page and shipped.number in page and theirs.number not in page
    tab = client.get("/orders?status=shipping").get_data(as_text=True)
    assert shipped.number in tab and mine.number not in tab
    assert 'aria-current="page"' in tab


def test_list_has_an_empty_state(client, buyer):
    page = client.get("/orders?status=COMPLETED").get_data(as_text=True)
    assert "No orders here." in page


def test_load_more_by_cursor_plain_and_htmx(client, buyer):
    product = make_product()
    start = utcnow() - timedelta(hours=1)
    made = [make_order(buyer, product, created_at=start + timedelta(minutes=i)) for i in range(13)]
    first = client.get("/orders").get_data(as_text=True)
    newest = [o.number for o in reversed(made)]
    assert all(n in first for n in newest[:10]) and not any(n in first for n in newest[10:])
    assert 'id="orders-more"' in first
    more_url = first.split('id="orders-more"')[1].split('hx-get="')[1].split('"')[0].replace("&amp;", "&")

    fragment = client.get(more_url, headers={"HX-Request": "true", "HX-Target": "orders-more"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert all(n in body for n in newest[10:]) and not any(n in body for n in newest[:10])
    assert 'id="orders-more"' not in body  # the last page has no more link

    plain = client.get(more_url).get_data(as_text=True)
    assert "<html" in plain and all(n in plain for n in newest[10:])


def test_list_statement_count_does_not_grow_with_orders(client, buyer, count_queries):
    product = make_product()
    make_order(buyer, product)
    client.get("/orders")  # warm up: the first request of a session loads more (user, nav)
    with count_queries() as few:
        client.get("/orders")
    for _ in range(9):
        make_order(buyer, product)
    with count_queries() as many:
        assert client.get("/orders").status_code == 200
    assert len(_sql(many)) == len(_sql(few)) <= 8


@pytest.mark.parametrize("query", ["status=LOST", "cursor=not-a-cursor"])
def test_bad_list_parameters_are_a_clear_422(client, buyer, query):
    response = client.get(f"/orders?{query}")
    assert response.status_code == 422
    assert b"Unknown order status." in response.data or b"That page link is no longer valid." in response.data


def test_order_page_shows_items_totals_address_and_timeline(client, buyer):
    order = make_order(buyer, quantity=3, ship_district="Quận 1", ship_postal_code="700000")
    db.session.add(OrderEvent(order_id=order.id, actor_id=order.shop.owner_id, from_status=S.PENDING,
                              to_status=S.CONFIRMED, created_at=utcnow() + timedelta(seconds=1)))
    order.status = S.CONFIRMED
    db.session.flush()
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    item = order.items[0]
    assert item.product_title in page and item.sku in page and "$30.00" in page
    assert "Quận 1" in page and "700000" in page and order.ship_recipient_name in page
    assert "Order placed" in page and "Confirmed by the shop" in page and order.shop.name in page
    assert "Cancel this order" not in page  # only while PENDING


@pytest.mark.parametrize("method,suffix", [("get", ""), ("post", "/cancel"), ("post", "/confirm-receipt")])
def test_another_users_order_is_404(client, buyer, method, suffix):
    order = make_order(make_user(), status=S.PENDING)
    db.session.commit()  # a refused request rolls back: the data must exist before it
    response = getattr(client, method)(f"/orders/{order.id}{suffix}")
    assert response.status_code == 404
    assert _status(order) is S.PENDING
    assert getattr(client, method)(f"/orders/{uuid.uuid4()}{suffix}").status_code == 404
    assert client.get("/orders/not-a-uuid").status_code == 404


def test_cancel_plain_form_redirects_with_flash_and_restocks(client, buyer):
    product = make_product(variants=[{"stock": 10}])
    order = placed_order(buyer, product, 4)
    response = client.post(f"/orders/{order.id}/cancel", data={"reason": "Ordered by mistake"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/orders/{order.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your order was cancelled." in page and "Ordered by mistake" in page
    assert _status(order) is S.CANCELLED
    assert db.session.scalar(select(ProductVariant.stock).where(ProductVariant.id == product.variants[0].id)) == 10


def test_cancel_with_htmx_re_renders_the_panel(client, buyer):
    order = make_order(buyer)
    response = client.post(f"/orders/{order.id}/cancel", data={"reason": ""}, headers=PANEL)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="order-panel"' in body and 'data-status="CANCELLED"' in body and "Your order was cancelled." in body


@pytest.mark.parametrize("headers", [{}, PANEL], ids=["plain", "htmx"])
def test_cancel_after_shipping_is_409_with_the_reason(client, buyer, headers):
    order = make_order(buyer, status=S.SHIPPING)
    db.session.commit()  # a refused request rolls back: the data must exist before it
    response = client.post(f"/orders/{order.id}/cancel", data={"reason": "too late"}, headers=headers)
    assert response.status_code == 409
    assert "This order is SHIPPING; it can no longer be cancelled." in response.get_data(as_text=True)
    assert _status(order) is S.SHIPPING


def test_too_long_reason_is_a_field_error_and_nothing_changes(client, buyer):
    order = make_order(buyer)
    db.session.commit()  # a refused request rolls back: the data must exist before it
    response = client.post(f"/orders/{order.id}/cancel", data={"reason": "x" * 501})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="reason-error"' in body and "Use at most 500 characters." in body
    assert "x" * 501 in body  # what the buyer typed is kept
    assert _status(order) is S.PENDING


def test_cancel_without_csrf_token_is_refused(client, buyer):
    order = make_order(buyer)
    db.session.commit()  # a refused request rolls back: the data must exist before it
    assert client.post(f"/orders/{order.id}/cancel", csrf=False).status_code == 400
    assert _status(order) is S.PENDING


def test_confirm_receipt_completes_a_delivered_order(client, buyer):
    order = make_order(buyer, status=S.DELIVERED)
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "I received this order" in page
    response = client.post(f"/orders/{order.id}/confirm-receipt", headers=PANEL)
    assert response.status_code == 200 and 'data-status="COMPLETED"' in response.get_data(as_text=True)
    assert _status(order) is S.COMPLETED


def test_confirm_receipt_before_delivery_is_409(client, buyer):
    order = make_order(buyer, status=S.SHIPPING)
    db.session.commit()  # a refused request rolls back: the data must exist before it
    response = client.post(f"/orders/{order.id}/confirm-receipt")
    assert response.status_code == 409
    assert "This order is SHIPPING; it can't be marked as received yet." in html.unescape(response.get_data(as_text=True))
