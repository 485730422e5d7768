"""The checkout page: preview with htmx, placing orders, and every refusal writing nothing.

Setup is committed before requests that may be refused: the view rolls back, which in
the test harness returns to the last commit.
"""
import re

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Address, CartItem, CheckoutRequest, Order, ProductVariant
from marketplace.services.cart import cart
from tests.cart_support import buyer_with_address, htmx, login, two_shops
from tests.factories import make_address, make_user, make_voucher


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def page_key(html: str) -> str:
    match = re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"', html) or \
        re.search(r'id="idempotency_key" name="idempotency_key" type="hidden" value="([0-9a-f]{32})"', html)
    assert match, "no idempotency key on the page"
    return match.group(1)


def setup_cart(client, stock_a=5, stock_b=5, verified=True):
    buyer, address = buyer_with_address(is_verified=verified)
    (shop_a, kettle), (shop_b, teapot) = two_shops(stock_a, stock_b)
    line_a = cart.add_item(buyer, kettle.variants[0].id, 2)
    line_b = cart.add_item(buyer, teapot.variants[0].id, 1)
    db.session.commit()
    login(client, buyer)
    return {"buyer": buyer, "address": address, "shops": (shop_a, shop_b), "products": (kettle, teapot),
            "lines": (line_a, line_b)}


def form_data(data, key="k" * 32, lines=None, **extra):
    values = {"address_id": str(data["address"].id), "payment_method": "COD", "idempotency_key": key,
              "lines_sent": "1", "line": [str(l.id) for l in (lines or data["lines"])]}
    values.update(extra)
    return values


def assert_nothing_written(data, stock=(5, 5)):
    db.session.expire_all()
    assert count(Order, Order.buyer_id == data["buyer"].id) == 0
    assert count(CheckoutRequest, CheckoutRequest.user_id == data["buyer"].id) == 0
    assert count(CartItem, CartItem.user_id == data["buyer"].id) == 2
    kettle, teapot = data["products"]
    assert (kettle.variants[0].stock, teapot.variants[0].stock) == stock


def test_checkout_page_shows_lines_by_shop_address_fee_and_a_key(client, app):
    data = setup_cart(client)
    make_voucher(data["shops"][0], code="ALPHA10")
    db.session.commit()
    html = client.get("/checkout").get_data(as_text=True)
    assert "Alpha Store" in html and "Beta Store" in html and "ALPHA10" in html
    assert data["address"].line1 in html and 'value="COD"' in html
    fee = app.config["SHIPPING_FEE"]
    assert f"${(4000 + 1500 + 2 * fee) / 100:.2f}" in html  # both shops' shipping in the total
    assert len(page_key(html)) == 32
    assert page_key(client.get("/checkout").get_data(as_text=True)) != page_key(html)


def test_checkout_lines_do_not_link_away_from_the_checkout(client):
    """The cart links lines to their product and shop; checkout doesn't: a click on a line's label
    ticks it, and leaving the page would lose a new address typed there."""
    data = setup_cart(client)
    (shop_a, _), (kettle, _) = data["shops"], data["products"]
    html = client.get("/checkout").get_data(as_text=True)
    assert "Alpha Kettle" in html and "Alpha Store" in html
    assert f"/p/{kettle.id}" not in html and f"/s/{shop_a.slug}" not in html


def test_unverified_buyers_are_sent_to_verify_and_nothing_is_written(client):
    data = setup_cart(client, verified=False)
    response = client.get("/checkout")
    assert response.status_code == 302 and "/account/verify" in response.headers["Location"]
    response = client.post("/checkout", data=form_data(data))
    assert response.status_code == 302 and "/account/verify" in response.headers["Location"]
    assert_nothing_written(data)


def test_an_empty_cart_goes_back_to_the_cart(client):
    login(client, make_user())
    assert client.get("/checkout").headers["Location"].endswith("/cart")


def test_htmx_preview_applies_a_voucher_or_says_exactly_why_not(client, app):
    data = setup_cart(client)
    shop_a, shop_b = data["shops"]
    make_voucher(shop_a, code="HALF", value=50, max_discount=1500)
    make_voucher(shop_b, code="BETAONLY")
    db.session.commit()
    base = form_data(data)
    applied = client.post("/checkout/preview", data={**base, f"voucher-{shop_a.id}": "half"},
                          headers=htmx("checkout-summary")).get_data(as_text=True)
    assert "HALF applied: −$15.00" in applied
    assert re.search(r'id="checkout-totals"[^>]*hx-swap-oob="true"', applied)
    fee = app.config["SHIPPING_FEE"]
    assert f"${(5500 - 1500 + 2 * fee) / 100:.2f}" in applied
    wrong = client.post("/checkout/preview", data={**base, f"voucher-{shop_a.id}": "BETAONLY"},
                        headers=htmx("checkout-summary")).get_data(as_text=True)
    assert "BETAONLY is not a voucher of this shop." in wrong and 'aria-invalid="true"' in wrong
    removed = client.post("/checkout/preview", data={**base, f"voucher-{shop_a.id}": "HALF",
                                                     "remove_voucher": str(shop_a.id)},
                          headers=htmx("checkout-summary")).get_data(as_text=True)
    assert "applied" not in removed and f'name="voucher-{shop_a.id}" value=""' in removed


def test_unticking_a_line_reprices_without_its_shop(client, app):
    data = setup_cart(client)
    html = client.post("/checkout/preview", data=form_data(data, lines=[data["lines"][0]]),
                       headers=htmx("checkout-summary")).get_data(as_text=True)
    fee = app.config["SHIPPING_FEE"]
    assert re.search(rf'id="checkout-grand-total">\${(4000 + fee) / 100:.2f}<', html)


def test_placing_orders_redirects_to_a_confirmation_with_both_orders(client):
    data = setup_cart(client)
    shop_a, _ = data["shops"]
    make_voucher(shop_a, code="ALPHA10", value=10)
    db.session.commit()
    response = client.post("/checkout", data=form_data(data, **{f"voucher-{shop_a.id}": "alpha10"}))
    assert response.status_code == 302 and "/checkout/done/" in response.headers["Location"]
    orders = db.session.scalars(select(Order).where(Order.buyer_id == data["buyer"].id)).all()
    assert len(orders) == 2
    alpha = next(o for o in orders if o.shop_id == shop_a.id)
    assert alpha.discount == 400 and alpha.voucher_code == "ALPHA10"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert all(order.number in page for order in orders) and "one per shop" in page
    assert count(CartItem, CartItem.user_id == data["buyer"].id) == 0


def test_the_same_key_twice_places_once_and_shows_the_same_confirmation(client):
    data = setup_cart(client)
    payload = form_data(data, key="a" * 32)
    first = client.post("/checkout", data=payload)
    second = client.post("/checkout", data=payload)
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Order, Order.buyer_id == data["buyer"].id) == 2


def test_a_line_out_of_stock_is_named_highlighted_and_nothing_is_written(client):
    data = setup_cart(client, stock_a=5)
    kettle = data["products"][0]
    db.session.execute(ProductVariant.__table__.update().where(ProductVariant.id == kettle.variants[0].id).values(stock=1))
    db.session.commit()
    response = client.post("/checkout", data=form_data(data))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Only 1 of Alpha Kettle (Variant 1) left (you asked for 2): lower the quantity." in html
    assert re.search(rf'list-group-item-danger checkout-line-error"\s+id="checkout-line-{data["lines"][0].id}"', html)
    assert_nothing_written(data, stock=(1, 5))


def test_a_voucher_of_another_shop_refuses_the_checkout(client):
    data = setup_cart(client)
    shop_a, shop_b = data["shops"]
    make_voucher(shop_b, code="BETA5")
    db.session.commit()
    response = client.post("/checkout", data=form_data(data, **{f"voucher-{shop_a.id}": "BETA5"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "BETA5 is not a voucher of this shop." in html
    assert_nothing_written(data)


def test_a_used_up_voucher_returns_nothing_claimed(client):
    data = setup_cart(client)
    shop_a, _ = data["shops"]
    voucher = make_voucher(shop_a, code="LAST", usage_limit=1, used_count=1)
    db.session.commit()
    response = client.post("/checkout", data=form_data(data, **{f"voucher-{shop_a.id}": "LAST"}))
    assert response.status_code == 422 and "LAST has been used up." in response.get_data(as_text=True)
    db.session.refresh(voucher)
    assert voucher.used_count == 1
    assert_nothing_written(data)


def test_another_users_or_a_missing_address_is_refused(client):
    data = setup_cart(client)
    stranger = make_address(make_user())
    db.session.commit()
    for address_id in (str(stranger.id), "", "not-a-uuid"):
        response = client.post("/checkout", data=form_data(data, address_id=address_id))
        assert response.status_code == 422
        assert "Choose one of your shipping addresses." in response.get_data(as_text=True)
    assert_nothing_written(data)


def test_a_new_address_is_saved_and_used(client):
    data = setup_cart(client)
    new = {"new_address-recipient_name": "Lê Thị Hoa", "new_address-phone": "0912345678",
           "new_address-line1": "5 Hàng Bài", "new_address-city": "Hà Nội"}
    response = client.post("/checkout", data=form_data(data, address_id="new", **new))
    assert response.status_code == 302
    order = db.session.scalars(select(Order).where(Order.buyer_id == data["buyer"].id)).first()
    assert (order.ship_recipient_name, order.ship_line1, order.ship_city, order.ship_phone) == (
        "Lê Thị Hoa", "5 Hàng Bài", "Hà Nội", "+84912345678")
    assert count(Address, Address.user_id == data["buyer"].id) == 2


def test_an_incomplete_new_address_is_refused_per_field_and_not_saved(client):
    data = setup_cart(client)
    response = client.post("/checkout", data=form_data(data, address_id="new", **{"new_address-line1": "5 Hàng Bài"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="new_address-city-error">[^<]*Enter the city', html)
    assert count(Address, Address.user_id == data["buyer"].id) == 1
    assert_nothing_written(data)


def test_no_line_ticked_is_refused(client):
    data = setup_cart(client)
    values = form_data(data)
    values["line"] = []
    response = client.post("/checkout", data=values)
    assert response.status_code == 422 and "Choose at least one item to buy." in response.get_data(as_text=True)
    assert_nothing_written(data)


def test_someone_elses_confirmation_is_a_404(client):
    data = setup_cart(client)
    location = client.post("/checkout", data=form_data(data)).headers["Location"]
    stranger = make_user()
    db.session.commit()
    login(client, stranger)
    assert client.get(location).status_code == 404
    login(client, data["buyer"])
    assert client.get(location).status_code == 200
