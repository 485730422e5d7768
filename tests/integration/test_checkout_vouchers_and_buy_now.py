"""The checkout's voucher without JavaScript (Apply and Remove re-price the whole page, Enter in
the voucher box applies, the total placed is the one shown) and "Buy now" (a checkout of one item
beside the cart, which it leaves as it was); HTML with and without htmx, and the JSON API.

Setup is committed before requests that may be refused: the view rolls back, which in the test
harness returns to the last commit.
"""
import re

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import CartItem, CheckoutRequest, Order, ProductVariant
from marketplace.services.cart import cart
from tests.cart_support import buyer_with_address, htmx, login, two_shops
from tests.checkout_support import read_form
from tests.factories import make_product, make_shop, make_voucher


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def data(client, app):
    """A signed-in buyer with 2 Alpha kettles (2000 each; Alpha's voucher TEN: 10% off) and 1 Beta teapot (1500)."""
    buyer, address = buyer_with_address()
    (shop_a, kettle), (shop_b, teapot) = two_shops()
    make_voucher(shop_a, code="TEN", value=10)
    lines = (cart.add_item(buyer, kettle.variants[0].id, 2), cart.add_item(buyer, teapot.variants[0].id, 1))
    db.session.commit()
    login(client, buyer)
    return {"buyer": buyer, "address": address, "shops": (shop_a, shop_b), "kettle": kettle, "teapot": teapot,
            "lines": lines, "fee": app.config["SHIPPING_FEE"]}


def money(minor: int) -> str:
    return f"${minor / 100:.2f}"


def orders_of(data) -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(select(Order).where(Order.buyer_id == data["buyer"].id)))


def cart_of(data) -> dict:
    db.session.expire_all()
    return {line.variant_id: line.quantity for line in
            db.session.scalars(select(CartItem).where(CartItem.user_id == data["buyer"].id))}


# --- the voucher without JavaScript ------------------------------------------------------------

def test_enter_in_a_voucher_box_presses_apply_which_reprices_the_page(client, data):
    page = client.get("/checkout").get_data(as_text=True)
    values, submits = read_form(page)
    # Enter in a text box presses the form's first submit button: an Apply, aimed at the preview.
    assert submits[0]["name"] == "apply_voucher" and submits[0]["formaction"] == "/checkout/preview"
    assert submits[-1]["id"] == "place-order"
    shop_a = data["shops"][0]
    values.update({f"voucher-{shop_a.id}": "ten", "apply_voucher": submits[0]["value"]})
    response = client.post("/checkout/preview", data=values)  # no HX-Request: the whole page comes back
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1" in html and 'id="checkout-form"' in html
    assert "TEN applied: −$4.00" in html
    total = 4000 - 400 + 1500 + 2 * data["fee"]
    assert re.search(rf'id="checkout-grand-total">{re.escape(money(total))}<', html)
    again, _ = read_form(html)
    assert again["expected_total"] == str(total) and again[f"voucher-{shop_a.id}"] == "ten"
    assert again["idempotency_key"] == values["idempotency_key"]  # still the same checkout
    assert orders_of(data) == []


def test_the_voucher_applied_without_javascript_is_the_one_placed(client, data):
    values, submits = read_form(client.get("/checkout").get_data(as_text=True))
    values[f"voucher-{data['shops'][0].id}"] = "TEN"
    applied, _ = read_form(client.post("/checkout/preview", data=values).get_data(as_text=True))
    response = client.post("/checkout", data=applied)
    assert response.status_code == 302 and "/checkout/done/" in response.headers["Location"]
    assert sorted((o.subtotal, o.discount, o.voucher_code) for o in orders_of(data)) == [
        (1500, 0, None), (4000, 400, "TEN")]
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "voucher TEN" in confirmation and "2 items" in confirmation and "1 item<" in confirmation


def test_remove_without_javascript_takes_the_voucher_off(client, data):
    shop_a = data["shops"][0]
    values, _ = read_form(client.get("/checkout").get_data(as_text=True))
    values[f"voucher-{shop_a.id}"] = "TEN"
    applied_page = client.post("/checkout/preview", data=values).get_data(as_text=True)
    applied, submits = read_form(applied_page)
    remove = next(s for s in submits if s.get("name") == "remove_voucher")
    assert remove["formaction"] == "/checkout/preview" and remove["value"] == str(shop_a.id)
    html = client.post("/checkout/preview", data={**applied, "remove_voucher": remove["value"]}).get_data(as_text=True)
    assert "applied" not in html and f'name="voucher-{shop_a.id}" value=""' in html
    assert re.search(rf'id="checkout-grand-total">{re.escape(money(5500 + 2 * data["fee"]))}<', html)


def test_a_voucher_typed_but_not_applied_is_shown_not_charged(client, data):
    """Place order pressed with a code typed and never applied: the page the buyer saw had another
    total. Nothing is placed; the page comes back priced with the voucher, and placing that works."""
    values, _ = read_form(client.get("/checkout").get_data(as_text=True))
    values[f"voucher-{data['shops'][0].id}"] = "TEN"
    response = client.post("/checkout", data=values)
    html = response.get_data(as_text=True)
    total = 4000 - 400 + 1500 + 2 * data["fee"]
    assert response.status_code == 409
    assert (f"Nothing was ordered yet: with the items and vouchers you chose, your total is {money(total)}. "
            "Check it, then place your order.") in html
    assert "TEN applied: −$4.00" in html
    assert orders_of(data) == [] and count(CheckoutRequest, CheckoutRequest.user_id == data["buyer"].id) == 0
    assert len(cart_of(data)) == 2
    shown, _ = read_form(html)
    placed = client.post("/checkout", data=shown)
    assert placed.status_code == 302 and sum(o.total for o in orders_of(data)) == total


def test_a_line_unticked_without_javascript_is_shown_before_it_is_placed(client, data):
    values, _ = read_form(client.get("/checkout").get_data(as_text=True))
    values["line"] = [str(data["lines"][0].id)]
    response = client.post("/checkout", data=values)
    assert response.status_code == 409 and "Nothing was ordered yet" in response.get_data(as_text=True)
    assert orders_of(data) == []


def test_a_price_changed_since_the_quote_is_still_refused(client, data):
    shop_a = data["shops"][0]
    values, _ = read_form(client.get("/checkout").get_data(as_text=True))
    values[f"voucher-{shop_a.id}"] = "TEN"
    applied, _ = read_form(client.post("/checkout/preview", data=values).get_data(as_text=True))
    db.session.execute(ProductVariant.__table__.update().where(ProductVariant.id == data["kettle"].variants[0].id)
                       .values(price=2500))
    db.session.commit()
    response = client.post("/checkout", data=applied)
    new_total = 5000 - 500 + 1500 + 2 * data["fee"]
    assert response.status_code == 409
    assert f"Your total has changed since you last saw it: it is now {money(new_total)}." in response.get_data(as_text=True)
    assert orders_of(data) == []


def test_a_wrong_voucher_is_refused_when_placing_without_an_apply(client, data):
    values, _ = read_form(client.get("/checkout").get_data(as_text=True))
    values[f"voucher-{data['shops'][0].id}"] = "NOPE"
    response = client.post("/checkout", data=values)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Voucher: " in html and 'aria-invalid="true"' in html
    assert orders_of(data) == []


def test_a_double_submit_of_the_shown_quote_places_once(client, data):
    values, _ = read_form(client.get("/checkout").get_data(as_text=True))
    first = client.post("/checkout", data=values)
    second = client.post("/checkout", data=values)  # the cart lines are gone now: still the same orders
    assert first.headers["Location"] == second.headers["Location"] and len(orders_of(data)) == 2


def test_htmx_apply_updates_the_quote_the_order_is_checked_against(client, data):
    shop_a = data["shops"][0]
    values, _ = read_form(client.get("/checkout").get_data(as_text=True))
    values[f"voucher-{shop_a.id}"] = "TEN"
    html = client.post("/checkout/preview", data=values, headers=htmx("checkout-summary")).get_data(as_text=True)
    assert "<h1" not in html and re.search(r'id="checkout-totals"[^>]*hx-swap-oob="true"', html)
    key = re.search(r'name="quote_key" value="([0-9a-f]+)"', html).group(1)
    expected = re.search(r'name="expected_total" value="(\d+)"', html).group(1)
    response = client.post("/checkout", data={**values, "quote_key": key, "expected_total": expected})
    assert response.status_code == 302 and sum(o.discount for o in orders_of(data)) == 400


def test_the_summaries_count_items_in_words(client, data):
    html = client.get("/checkout").get_data(as_text=True)
    assert re.search(r'id="checkout-total-quantity">3 items<', html)


# --- Buy now --------------------------------------------------------------------------------

def buy_now(client, variant_id, quantity="1", headers=None, next_="/p/x"):
    return client.post("/checkout/buy-now", data={"variant_id": str(variant_id), "quantity": quantity, "next": next_},
                       headers=headers or {})


def test_buy_now_checks_out_one_item_and_leaves_the_cart_as_it_was(client, data):
    kettle = data["kettle"].variants[0]  # already 2 in the cart: buying 1 now neither merges nor takes them
    response = buy_now(client, kettle.id, "1")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == f"/checkout/buy-now?variant={kettle.id}&quantity=1"
    html = client.get(location).get_data(as_text=True)
    assert "Buy now" in html and "Only this item is ordered here: your cart stays as it is." in html
    assert "Alpha Kettle" in html and "Beta Teapot" not in html
    assert re.search(r'id="checkout-total-quantity">1 item<', html)
    values, _ = read_form(html)
    assert values["buy_variant"] == str(kettle.id) and values["buy_quantity"] == "1"
    assert values["line"] == [str(kettle.id)]
    placed = client.post("/checkout", data=values)
    assert placed.status_code == 302 and "/checkout/done/" in placed.headers["Location"]
    [order] = orders_of(data)
    assert order.subtotal == 2000 and [(i.variant_id, i.quantity) for i in order.items] == [(kettle.id, 1)]
    assert cart_of(data) == {kettle.id: 2, data["teapot"].variants[0].id: 1}
    assert db.session.get(ProductVariant, kettle.id).stock == 4


def test_buy_now_takes_a_voucher_like_any_checkout(client, data):
    kettle = data["kettle"].variants[0]
    values, _ = read_form(client.get(f"/checkout/buy-now?variant={kettle.id}&quantity=2").get_data(as_text=True))
    values[f"voucher-{data['shops'][0].id}"] = "TEN"
    page = client.post("/checkout/preview", data=values).get_data(as_text=True)
    assert "TEN applied: −$4.00" in page and 'name="buy_variant"' in page
    applied, _ = read_form(page)
    assert client.post("/checkout", data=applied).status_code == 302
    assert [(o.subtotal, o.discount) for o in orders_of(data)] == [(4000, 400)]
    assert len(cart_of(data)) == 2


def test_htmx_buy_now_answers_a_redirect_for_htmx_to_follow(client, data):
    kettle = data["kettle"].variants[0]
    response = buy_now(client, kettle.id, "3", headers=htmx("add-to-cart-result"))
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/checkout/buy-now?variant={kettle.id}&quantity=3"


@pytest.mark.parametrize(("quantity", "message"), [
    ("9", "Only 5 of Alpha Kettle (Variant 1) available."),
    ("0", "Choose a quantity of at least 1."),
])
def test_buy_now_refuses_like_add_to_cart(client, data, quantity, message):
    kettle = data["kettle"].variants[0]
    plain = buy_now(client, kettle.id, quantity, next_="/p/kettle")
    assert plain.status_code == 302 and plain.headers["Location"] == "/p/kettle"
    assert message in client.get("/cart").get_data(as_text=True)  # the flash, shown on the next page
    fragment = buy_now(client, kettle.id, quantity, headers=htmx("add-to-cart-result"))
    assert fragment.status_code == 422 and message in fragment.get_data(as_text=True)
    assert orders_of(data) == [] and len(cart_of(data)) == 2


def test_a_guest_buying_now_logs_in_first_and_comes_back(client):
    (_, kettle), _ = two_shops()
    db.session.commit()
    response = buy_now(client, kettle.variants[0].id, "2")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 302 and "/account/login?next=" in page.headers["Location"]
    assert "buy-now" in page.headers["Location"]
    with client.session_transaction() as session:
        assert not session.get("guest_cart")  # nothing was put in the guest cart


def test_buy_now_sold_out_since_the_product_page_says_so_and_places_nothing(client, data):
    kettle = data["kettle"].variants[0]
    html = client.get(f"/checkout/buy-now?variant={kettle.id}&quantity=7").get_data(as_text=True)
    assert "Only 5 of Alpha Kettle (Variant 1) available." in html and 'id="checkout-error"' in html
    values, _ = read_form(html)
    assert "line" not in values  # the line is flagged, not chosen
    values["line"] = [str(kettle.id)]
    response = client.post("/checkout", data=values)
    assert response.status_code in (409, 422) and orders_of(data) == []


def test_buy_now_of_ones_own_product_is_refused(client, data):
    own = make_product(shop=make_shop(owner=data["buyer"]), title="My Mug")
    db.session.commit()
    response = buy_now(client, own.variants[0].id, "1", headers=htmx("add-to-cart-result"))
    assert response.status_code == 422 and "My Mug (Variant 1) is from your own shop" in response.get_data(as_text=True)


def test_the_product_page_offers_buy_now_beside_add_to_cart(client):
    product = make_product(title="Lamp")
    db.session.commit()
    html = client.get(f"/p/{product.id}").get_data(as_text=True)
    assert re.search(r'<button[^>]*type="submit"[^>]*formaction="/checkout/buy-now"[^>]*>Buy now</button>', html)


# --- the API ----------------------------------------------------------------------------------

def test_api_quotes_and_places_a_buy_now_leaving_the_cart(client, data):
    kettle = data["kettle"].variants[0]
    body = {"buy_now": {"variant_id": str(kettle.id), "quantity": 1}, "vouchers": {str(data["shops"][0].id): "TEN"}}
    quote = client.post("/api/v1/orders/quote", json=body).get_json()
    assert quote["total"] == 2000 - 200 + data["fee"] and quote["cart_item_ids"] == [str(kettle.id)]
    response = client.post("/api/v1/orders", json={**body, "address_id": str(data["address"].id),
                                                   "expected_total": quote["total"]},
                           headers={"Idempotency-Key": "buy-now-1"})
    assert response.status_code == 201 and len(response.get_json()["orders"]) == 1
    assert cart_of(data) == {kettle.id: 2, data["teapot"].variants[0].id: 1}


def test_api_buy_now_with_cart_lines_is_refused(client, data):
    kettle = data["kettle"].variants[0]
    body = {"buy_now": {"variant_id": str(kettle.id), "quantity": 1}, "cart_item_ids": [str(data["lines"][0].id)]}
    quote = client.post("/api/v1/orders/quote", json=body)
    assert quote.status_code == 422 and quote.get_json()["error"]["code"] == "buy_now_with_cart_lines"
    placed = client.post("/api/v1/orders", json={**body, "address_id": str(data["address"].id)},
                         headers={"Idempotency-Key": "buy-now-2"})
    assert placed.status_code == 422 and placed.get_json()["error"]["code"] == "buy_now_with_cart_lines"
    too_many = client.post("/api/v1/orders/quote", json={"buy_now": {"variant_id": str(kettle.id), "quantity": 6}})
    assert too_many.status_code == 422 and "Only 5 of Alpha Kettle" in too_many.get_json()["error"]["message"]
    assert orders_of(data) == [] and count(CheckoutRequest, CheckoutRequest.user_id == data["buyer"].id) == 0



def test_a_line_sold_out_since_the_page_is_named_not_merely_requoted(client, data):
    values, _ = read_form(client.get("/checkout").get_data(as_text=True))
    db.session.execute(ProductVariant.__table__.update().where(ProductVariant.id == data["kettle"].variants[0].id)
                       .values(stock=0))
    db.session.commit()
    response = client.post("/checkout", data=values)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Alpha Kettle (Variant 1) is sold out: remove it from your cart." in html
    assert "Nothing was ordered yet" not in html and orders_of(data) == []
