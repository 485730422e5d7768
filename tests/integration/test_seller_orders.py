"""Seller center orders: /seller/orders (tabs with counts), one order, and the four actions."""
import html
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Order, OrderStatus, Product, ProductVariant, Role
from marketplace.models.base import utcnow
from tests.factories import make_order, make_product, make_shop, make_user
from tests.orders_support import login, placed_order

S = OrderStatus
PANEL = {"HX-Request": "true", "HX-Target": "order-panel"}


@pytest.fixture
def shop(client):
    shop = make_shop()
    login(client, shop.owner)
    return shop


@pytest.fixture
def product(shop):
    return make_product(shop=shop, variants=[{"stock": 10}])


def _status(order):
    db.session.expire_all()
    return db.session.get(Order, order.id).status


def _row(order):
    return {"HX-Request": "true", "HX-Target": f"order-row-{order.id}",
            "HX-Current-URL": "http://localhost/seller/orders?status=PENDING"}


def _sql(statements):
    return [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))]


def _text(response):
    return html.unescape(response.get_data(as_text=True))


def test_anonymous_and_buyers_are_kept_out(client):
    order = make_order()
    response = client.get("/seller/orders")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    login(client, make_user(role=Role.BUYER))
    for url in ("/seller/orders", f"/seller/orders/{order.id}"):
        assert client.get(url).status_code == 302
    assert client.post(f"/seller/orders/{order.id}/confirm").status_code == 302
    assert _status(order) is S.PENDING


def test_a_seller_without_a_shop_is_sent_to_open_one(client, app):
    login(client, make_user(role=Role.SELLER))
    response = client.get("/seller/orders")
    if "seller.register_shop" in app.view_functions:
        assert response.status_code == 302 and response.headers["Location"].endswith("/seller/register")
    else:
        assert response.status_code == 404


def test_list_has_tabs_with_counts_and_only_this_shops_orders(client, shop, product):
    pending = [make_order(product=product) for _ in range(2)]
    shipping = make_order(product=product, status=S.SHIPPING)
    elsewhere = make_order()
    page = client.get("/seller/orders").get_data(as_text=True)
    assert all(o.number in page for o in pending + [shipping]) and elsewhere.number not in page
    tabs = page.split('id="order-tabs"')[1].split("</nav>")[0]
    assert "All <span" in tabs and ">3</span>" in tabs
    assert "To confirm <span" in tabs and ">2</span>" in tabs
    tab = client.get("/seller/orders?status=SHIPPING").get_data(as_text=True)
    assert shipping.number in tab and pending[0].number not in tab


def test_list_load_more_and_fixed_statement_count(client, shop, product, count_queries):
    start = utcnow() - timedelta(hours=1)
    made = [make_order(product=product, created_at=start + timedelta(minutes=i)) for i in range(3)]
    client.get("/seller/orders")
    with count_queries() as few:
        client.get("/seller/orders")
    made += [make_order(product=product, created_at=start + timedelta(minutes=10 + i)) for i in range(9)]
    with count_queries() as many:
        first = client.get("/seller/orders").get_data(as_text=True)
    assert len(_sql(many)) == len(_sql(few))
    newest = [o.number for o in sorted(made, key=lambda o: o.created_at, reverse=True)]
    assert all(n in first for n in newest[:10]) and not any(n in first for n in newest[10:])
    more_url = first.split('id="orders-more"')[1].split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    fragment = client.get(more_url, headers={"HX-Request": "true", "HX-Target": "orders-more"}).get_data(as_text=True)
    assert "<html" not in fragment and all(n in fragment for n in newest[10:])


def test_order_page_shows_lines_address_timeline_and_actions(client, shop, product):
    order = make_order(product=product, quantity=2, ship_ward="Bến Nghé")
    page = client.get(f"/seller/orders/{order.id}").get_data(as_text=True)
    assert order.items[0].sku in page and "Bến Nghé" in page and "Order placed" in page
    assert "Confirm order" in page and "Cancel order" in page and "Ship</button>" not in page


@pytest.mark.parametrize("method,suffix", [
    ("get", ""), ("post", "/confirm"), ("post", "/ship"), ("post", "/deliver"), ("post", "/cancel"),
])
def test_another_shops_order_is_404(client, shop, method, suffix):
    order = make_order(status=S.PENDING)
    db.session.commit()
    response = getattr(client, method)(f"/seller/orders/{order.id}{suffix}",
                                       **({"data": {}} if method == "post" else {}))
    assert response.status_code == 404
    assert _status(order) is S.PENDING
    assert getattr(client, method)(f"/seller/orders/{uuid.uuid4()}{suffix}").status_code == 404


def test_full_flow_with_plain_forms(client, shop, product, sent_messages):
    order = placed_order(make_user(phone="+84908880001"), product, 3)
    response = client.post(f"/seller/orders/{order.id}/confirm")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/seller/orders/{order.id}")
    assert f"Order {order.number} confirmed." in client.get(response.headers["Location"]).get_data(as_text=True)
    client.post(f"/seller/orders/{order.id}/ship", data={f"ship-{order.id.hex}-tracking_number": "GHN123"})
    assert _status(order) is S.SHIPPING
    client.post(f"/seller/orders/{order.id}/deliver")
    assert _status(order) is S.DELIVERED
    assert db.session.scalar(select(Product.sold_count).where(Product.id == product.id)) == 3
    assert [m.to for m in sent_messages.messages] == ["+84908880001", "+84908880001"]
    page = client.get(f"/seller/orders/{order.id}").get_data(as_text=True)
    assert "Tracking number: GHN123" in page and "No action needed." in page


def test_row_action_with_htmx_re_renders_the_row_and_tab_counts(client, shop, product):
    order = make_order(product=product)
    response = client.post(f"/seller/orders/{order.id}/confirm", headers=_row(order))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(f'<article id="order-row-{order.id}"')
    assert 'data-status="CONFIRMED"' in body and f"Order {order.number} confirmed." in body
    assert 'id="order-tabs"' in body and 'hx-swap-oob="true"' in body
    assert f'name="ship-{order.id.hex}-tracking_number"' in body  # the next action is offered


def test_panel_action_with_htmx_re_renders_the_panel(client, shop, product):
    order = make_order(product=product, status=S.SHIPPING)
    response = client.post(f"/seller/orders/{order.id}/deliver", headers=PANEL)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="order-panel"')
    assert 'data-status="DELIVERED"' in body and "Delivered" in body


@pytest.mark.parametrize("headers", [{}, PANEL], ids=["plain", "htmx"])
def test_missing_tracking_number_is_a_field_error(client, shop, product, headers):
    order = make_order(product=product, status=S.CONFIRMED)
    db.session.commit()
    response = client.post(f"/seller/orders/{order.id}/ship",
                           data={f"ship-{order.id.hex}-tracking_number": "   "}, headers=headers)
    body = _text(response)
    assert response.status_code == 422
    assert f'id="ship-{order.id.hex}-tracking_number-error"' in body
    assert "Enter the carrier's tracking number." in body
    assert _status(order) is S.CONFIRMED


def test_missing_cancel_reason_is_a_field_error_in_the_row(client, shop, product):
    order = make_order(product=product)
    db.session.commit()
    response = client.post(f"/seller/orders/{order.id}/cancel", data={f"cancel-{order.id.hex}-reason": ""},
                           headers=_row(order))
    body = _text(response)
    assert response.status_code == 422 and body.lstrip().startswith("<article")
    assert f'id="cancel-{order.id.hex}-reason-error"' in body and "Give a reason" in body
    assert "<details open>" in body  # the form stays open on the error
    assert _status(order) is S.PENDING


def test_cancel_with_reason_restocks_and_tells_the_buyer(client, shop, product):
    buyer = make_user()
    order = placed_order(buyer, product, 4)
    response = client.post(f"/seller/orders/{order.id}/cancel", data={f"cancel-{order.id.hex}-reason": "Out of stock"})
    assert response.status_code == 302
    assert _status(order) is S.CANCELLED
    assert db.session.scalar(select(ProductVariant.stock).where(ProductVariant.id == product.variants[0].id)) == 10


@pytest.mark.parametrize(("status", "action", "data", "message"), [
    (S.SHIPPING, "cancel", {"reason": "late"}, "This order is SHIPPING; it can no longer be cancelled."),
    (S.PENDING, "deliver", {}, "This order is PENDING; it can't be marked delivered yet."),
    (S.CANCELLED, "confirm", {}, "This order is CANCELLED; it can no longer be confirmed."),
    (S.PENDING, "ship", {"tracking_number": "X1"}, "This order is PENDING; it can't be shipped yet."),
])
@pytest.mark.parametrize("headers", ["plain", "row"])
def test_forbidden_transition_is_409_with_the_message(client, shop, product, status, action, data, message, headers):
    order = make_order(product=product, status=status)
    db.session.commit()
    form = {f"{action}-{order.id.hex}-{k}": v for k, v in data.items()}
    response = client.post(f"/seller/orders/{order.id}/{action}", data=form,
                           headers=_row(order) if headers == "row" else {})
    assert response.status_code == 409
    assert message in _text(response)
    assert _status(order) is status
