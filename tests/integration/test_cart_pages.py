"""The cart pages: guest and account carts, htmx updates, flags, merge at login, SQL count.

Tests that go through an error path commit their setup first: the views roll back on a
refusal, which in the test harness returns to the last commit (a savepoint).
"""
import re

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CartItem, ProductStatus, ShopStatus
from marketplace.services.cart import cart, cart_queries
from tests.cart_support import htmx, login, two_shops
from tests.factories import PASSWORD, make_product, make_shop, make_user, make_voucher


def lines_of(user):
    return {line.variant_id: line.quantity for line in db.session.scalars(select(CartItem).where(CartItem.user_id == user.id))}


def badge(html: str) -> str:
    match = re.search(r'id="nav-cart-badge"[^>]*data-count="(\d+)"', html)
    assert match, "no cart badge"
    return match.group(1)


# --- guests ---------------------------------------------------------------------------

def test_a_guest_adds_to_the_session_cart_and_sees_it(client):
    (_, kettle), (_, teapot) = two_shops()
    response = client.post("/cart/items", data={"variant_id": kettle.variants[0].id, "quantity": 2, "next": "/p/kettle"})
    assert response.status_code == 302 and response.headers["Location"] == "/p/kettle"
    client.post("/cart/items", data={"variant_id": teapot.variants[0].id, "quantity": 1})
    with client.session_transaction() as session:
        assert session["guest_cart"] == {str(kettle.variants[0].id): 2, str(teapot.variants[0].id): 1}
    page = client.get("/cart").get_data(as_text=True)
    assert "Alpha Kettle" in page and "Beta Teapot" in page and "Alpha Store" in page
    assert "$40.00" in page and "$55.00" in page  # kettle line and cart subtotal
    assert badge(page) == "3"  # items: 2 kettles and a teapot, as the summary says
    assert re.search(r'id="cart-total-quantity"[^>]*>3 items<', page)


def test_an_unsafe_next_is_not_followed(client):
    (_, kettle), _ = two_shops()
    response = client.post("/cart/items", data={"variant_id": kettle.variants[0].id, "quantity": 1,
                                                "next": "//evil.example/x"})
    assert response.headers["Location"] == "/cart"


def test_htmx_add_answers_a_message_and_the_badge_out_of_band(client):
    (_, kettle), _ = two_shops()
    response = client.post("/cart/items", data={"variant_id": kettle.variants[0].id, "quantity": 1},
                           headers=htmx("add-to-cart-result"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Added to your cart" in html
    assert 'hx-swap-oob="true"' in html and badge(html) == "1"


@pytest.mark.parametrize("quantity", ["0", "-3", "abc", ""])
def test_bad_quantities_are_refused_with_a_clear_message(client, quantity):
    (_, kettle), _ = two_shops()
    db.session.commit()
    response = client.post("/cart/items", data={"variant_id": kettle.variants[0].id, "quantity": quantity},
                           headers=htmx("add-to-cart-result"))
    assert response.status_code == 422
    assert "Choose a quantity of at least 1." in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert not session.get("guest_cart")


def test_a_hidden_product_cannot_be_added(client):
    user = make_user()
    login(client, user)
    hidden = make_product(status=ProductStatus.HIDDEN, title="Secret")
    db.session.commit()
    response = client.post("/cart/items", data={"variant_id": hidden.variants[0].id, "quantity": 1, "next": "/cart"},
                           follow_redirects=True)
    assert "Secret (Variant 1) is no longer available." in response.get_data(as_text=True)
    assert lines_of(user) == {}


def test_adding_beyond_stock_names_what_is_available(client):
    user = make_user()
    login(client, user)
    (_, kettle), _ = two_shops(stock_a=3)
    db.session.commit()
    client.post("/cart/items", data={"variant_id": kettle.variants[0].id, "quantity": 2})
    response = client.post("/cart/items", data={"variant_id": kettle.variants[0].id, "quantity": 2},
                           headers=htmx("add-to-cart-result"))
    assert response.status_code == 422
    assert "Only 3 of Alpha Kettle (Variant 1) available; you already have 2 in your cart." in response.get_data(as_text=True)
    assert lines_of(user) == {kettle.variants[0].id: 2}


# --- account cart: htmx changes --------------------------------------------------------

def test_htmx_quantity_change_updates_line_subtotal_totals_and_badge(client):
    user = make_user()
    login(client, user)
    (shop_a, kettle), (_, teapot) = two_shops()
    line = cart.add_item(user, kettle.variants[0].id, 1)
    cart.add_item(user, teapot.variants[0].id, 1)
    response = client.post(f"/cart/lines/{line.id}", data={"quantity": 3}, headers=htmx(f"cart-line-{line.id}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li id="cart-line-{line.id}"') and 'value="3"' in html
    assert re.search(rf'id="cart-shop-subtotal-{shop_a.id}"[^>]*hx-swap-oob="true"[^>]*>Shop subtotal <strong>\$60\.00', html)
    assert re.search(r'id="cart-totals"[^>]*hx-swap-oob="true"', html) and "$75.00" in html
    assert badge(html) == "4" and "4 items</dd>" in html
    assert lines_of(user)[kettle.variants[0].id] == 3


def line_html(html: str, line_id) -> str:
    match = re.search(rf'<li id="cart-line-{line_id}".*?</li>', html, re.S)
    assert match, "no such line"
    return match.group(0)


@pytest.mark.parametrize(("typed", "message"), [
    ("9", "Only 4 of Alpha Kettle (Variant 1) available. Your cart still has 1."),
    ("0", "Choose at least 1. To take it out of your cart, use Remove. Your cart still has 1."),
    ("abc", "Choose a quantity of at least 1. Your cart still has 1."),
])
def test_htmx_refused_quantity_shows_the_typed_value_and_why_beside_the_line(client, typed, message):
    user = make_user()
    login(client, user)
    (shop_a, kettle), _ = two_shops(stock_a=4)
    line = cart.add_item(user, kettle.variants[0].id, 1)
    db.session.commit()
    response = client.post(f"/cart/lines/{line.id}", data={"quantity": typed}, headers=htmx(f"cart-line-{line.id}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422  # swapped all the same (base.html's htmx config)
    row = line_html(html, line.id)
    assert f'value="{typed}"' in row and 'aria-invalid="true"' in row
    assert f'aria-describedby="qty-{line.id}-error"' in row
    assert re.search(rf'id="qty-{line.id}-error"[^>]*>{re.escape(message)}<', row)
    # The totals and the badge are the cart's as it still is: one kettle.
    assert re.search(r'id="cart-totals"[^>]*hx-swap-oob="true"', html) and "1 item</dd>" in html
    assert re.search(rf'id="cart-shop-subtotal-{shop_a.id}"[^>]*>Shop subtotal <strong>\$20\.00', html)
    assert badge(html) == "1"
    assert lines_of(user)[kettle.variants[0].id] == 1


def test_a_plain_refused_quantity_rerenders_the_cart_with_the_error_beside_the_line(client):
    user = make_user()
    login(client, user)
    (_, kettle), (_, teapot) = two_shops(stock_a=4)
    line = cart.add_item(user, kettle.variants[0].id, 1)
    other = cart.add_item(user, teapot.variants[0].id, 2)
    db.session.commit()
    response = client.post(f"/cart/lines/{line.id}", data={"quantity": "999"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<h1" in page  # the whole cart page, not a redirect
    row = line_html(page, line.id)
    assert 'value="999"' in row and 'aria-invalid="true"' in row
    assert "Only 4 of Alpha Kettle (Variant 1) available. Your cart still has 1." in row
    assert 'aria-invalid' not in line_html(page, other.id) and 'value="2"' in line_html(page, other.id)
    assert re.search(r'id="cart-subtotal"[^>]*>\$50\.00<', page) and badge(page) == "3"
    assert lines_of(user) == {kettle.variants[0].id: 1, teapot.variants[0].id: 2}
    # Fixed, it goes through as before (PRG).
    fixed = client.post(f"/cart/lines/{line.id}", data={"quantity": "4"}, follow_redirects=True)
    assert "Quantity updated." in fixed.get_data(as_text=True) and lines_of(user)[kettle.variants[0].id] == 4


def test_a_guest_refused_quantity_is_shown_beside_the_line_too(client):
    (_, kettle), _ = two_shops(stock_a=2)
    db.session.commit()
    client.post("/cart/items", data={"variant_id": kettle.variants[0].id, "quantity": 1})
    variant_id = kettle.variants[0].id
    response = client.post(f"/cart/lines/{variant_id}", data={"quantity": "0"})
    row = line_html(response.get_data(as_text=True), variant_id)
    assert response.status_code == 422 and 'value="0"' in row
    assert "Choose at least 1. To take it out of your cart, use Remove. Your cart still has 1." in row
    with client.session_transaction() as session:
        assert session["guest_cart"] == {str(variant_id): 1}


def test_the_quantity_box_leaves_checking_to_the_server(client):
    """The browser's own check of min/max would stop htmx silently: the form says novalidate."""
    user = make_user()
    login(client, user)
    (_, kettle), _ = two_shops(stock_a=4)
    line = cart.add_item(user, kettle.variants[0].id, 1)
    row = line_html(client.get("/cart").get_data(as_text=True), line.id)
    assert re.search(r"<form[^>]*novalidate", row)


def test_htmx_remove_rerenders_the_shop_block_and_totals(client):
    user = make_user()
    login(client, user)
    (shop_a, kettle), (_, teapot) = two_shops()
    line = cart.add_item(user, kettle.variants[0].id, 1)
    cart.add_item(user, teapot.variants[0].id, 1)
    response = client.post(f"/cart/lines/{line.id}/remove", data={"shop_id": shop_a.id},
                           headers=htmx(f"cart-shop-{shop_a.id}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="cart-shop-{shop_a.id}"' not in html  # the shop's only line is gone: so is its block
    assert badge(html) == "1" and "$15.00" in html
    assert lines_of(user) == {teapot.variants[0].id: 1}


def test_another_users_line_is_a_404(client):
    owner, thief = make_user(), make_user()
    (_, kettle), _ = two_shops()
    line = cart.add_item(owner, kettle.variants[0].id, 1)
    db.session.commit()
    login(client, thief)
    assert client.post(f"/cart/lines/{line.id}", data={"quantity": 2}).status_code == 404
    assert client.post(f"/cart/lines/{line.id}/remove").status_code == 404
    assert client.post(f"/cart/lines/{line.id}/remove", headers=htmx("x")).status_code == 404
    assert lines_of(owner) == {kettle.variants[0].id: 1}


def test_flags_are_shown_with_what_to_do(client):
    user = make_user()
    login(client, user)
    (_, kettle), (_, teapot) = two_shops(stock_a=5, stock_b=5)
    cart.add_item(user, kettle.variants[0].id, 4)
    cart.add_item(user, teapot.variants[0].id, 1)
    kettle.variants[0].stock = 2
    teapot.status = ProductStatus.HIDDEN
    db.session.flush()
    page = client.get("/cart").get_data(as_text=True)
    assert "Only 2 left: lower the quantity to 2 or less." in page
    assert "No longer available: remove it from your cart." in page
    assert "Some items need your attention" in page


# --- links to the product and the shop -------------------------------------------------------

def product_href(product) -> str:
    slug = product.title.lower().replace(" ", "-")
    return f'href="/p/{product.id}/{slug}?variant={product.variants[0].id}"'


def test_lines_link_their_product_with_the_variant_and_groups_link_their_shop(client):
    user = make_user()
    login(client, user)
    (shop_a, kettle), (shop_b, teapot) = two_shops()
    cart.add_item(user, kettle.variants[0].id, 1)
    cart.add_item(user, teapot.variants[0].id, 1)
    page = client.get("/cart").get_data(as_text=True)
    assert page.count(product_href(kettle)) == 2 and page.count(product_href(teapot)) == 2  # thumbnail and title
    assert f'href="/s/{shop_a.slug}">Alpha Store</a>' in page and f'href="/s/{shop_b.slug}">Beta Store</a>' in page
    # a quantity change re-renders the line with its link
    line = cart_queries.view_cart(user).lines[0]
    fragment = client.post(f"/cart/lines/{line.id}", data={"quantity": 2}, headers=htmx(f"cart-line-{line.id}"))
    assert product_href(kettle) in fragment.get_data(as_text=True)


@pytest.mark.parametrize("gone", [ProductStatus.HIDDEN, ProductStatus.DRAFT, ProductStatus.DELETED])
def test_a_line_shoppers_cant_see_is_plain_text_not_a_404_link(client, gone):
    user = make_user()
    login(client, user)
    (shop_a, kettle), (shop_b, teapot) = two_shops()
    cart.add_item(user, kettle.variants[0].id, 1)
    cart.add_item(user, teapot.variants[0].id, 1)
    teapot.status = gone
    db.session.flush()
    page = client.get("/cart").get_data(as_text=True)
    assert "Beta Teapot" in page and f"/p/{teapot.id}" not in page
    assert f'href="/s/{shop_b.slug}"' in page  # its shop is still open
    assert page.count(product_href(kettle)) == 2


def test_a_closed_shop_is_plain_text_and_so_are_its_lines(client):
    user = make_user()
    login(client, user)
    (shop_a, kettle), (shop_b, teapot) = two_shops()
    cart.add_item(user, kettle.variants[0].id, 1)
    cart.add_item(user, teapot.variants[0].id, 1)
    shop_a.status = ShopStatus.SUSPENDED
    db.session.flush()
    page = client.get("/cart").get_data(as_text=True)
    assert "Alpha Store" in page and "Alpha Kettle" in page
    assert f"/s/{shop_a.slug}" not in page and f"/p/{kettle.id}" not in page
    assert f'href="/s/{shop_b.slug}"' in page and product_href(teapot) in page


def test_a_guest_cart_links_too(client):
    (shop_a, kettle), _ = two_shops()
    client.post("/cart/items", data={"variant_id": kettle.variants[0].id, "quantity": 1})
    page = client.get("/cart").get_data(as_text=True)
    assert product_href(kettle) in page and f'href="/s/{shop_a.slug}"' in page


def test_shop_vouchers_are_listed_on_the_cart(client):
    user = make_user()
    login(client, user)
    (shop_a, kettle), _ = two_shops()
    make_voucher(shop_a, code="KETTLE10", value=10)
    make_voucher(shop_a, code="GONE", is_active=False)
    cart.add_item(user, kettle.variants[0].id, 1)
    page = client.get("/cart").get_data(as_text=True)
    assert "KETTLE10" in page and "10% off" in page and "GONE" not in page


def test_cart_page_sql_count_is_the_same_for_1_and_10_lines(client, count_queries):
    user = make_user()
    login(client, user)
    shops = [make_shop() for _ in range(4)]
    products = [make_product(shop=shops[i % 4]) for i in range(10)]
    for shop in shops:
        make_voucher(shop)
    cart.add_item(user, products[0].variants[0].id, 1)
    with count_queries() as one:
        assert client.get("/cart").status_code == 200
    for product in products[1:]:
        cart.add_item(user, product.variants[0].id, 1)
    with count_queries() as ten:
        page = client.get("/cart")
    assert page.status_code == 200 and page.get_data(as_text=True).count('class="list-group-item') == 10
    assert len(one) == len(ten), (one, ten)
    assert len(ten) <= 8


def test_badge_fragment_counts_items(client):
    user = make_user()
    login(client, user)
    (_, kettle), (_, teapot) = two_shops()
    cart.add_item(user, kettle.variants[0].id, 3)
    cart.add_item(user, teapot.variants[0].id, 1)
    html = client.get("/cart/badge").get_data(as_text=True)
    assert badge(html) == "4" and "4<span class=\"visually-hidden\"> items in your cart</span>" in html


# --- merge at login -----------------------------------------------------------------------

def test_logging_in_merges_the_guest_cart_capped_at_stock_and_says_so(client):
    user = make_user(email="merge@example.com")
    (_, kettle), (_, teapot) = two_shops(stock_a=3, stock_b=9)
    cart.add_item(user, kettle.variants[0].id, 2)
    client.post("/cart/items", data={"variant_id": kettle.variants[0].id, "quantity": 3})
    client.post("/cart/items", data={"variant_id": teapot.variants[0].id, "quantity": 2})
    response = client.post("/account/login", data={"login": "merge@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert lines_of(user) == {kettle.variants[0].id: 3, teapot.variants[0].id: 2}
    with client.session_transaction() as session:
        assert "guest_cart" not in session
        flashes = [message for _, message in session.get("_flashes", [])]
    assert any("Only 3 of Alpha Kettle (Variant 1) available" in message for message in flashes)
