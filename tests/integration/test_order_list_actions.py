"""The buyer's order list (issue 15): pictures of the first lines, "Write a review" on lines still
waiting for one, "Buy again" into the cart saying what could not be added; and its SQL budget."""
import re
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CartItem, OrderItem, OrderStatus, ProductStatus
from marketplace.services.reviews import reviews
from tests.factories import login, make_order, make_product, make_user

S = OrderStatus


@pytest.fixture
def buyer(client):
    user = make_user()
    login(client, user)
    return user


def add_line(order, product, quantity=1, image_key=None) -> OrderItem:
    variant = product.variants[0]
    item = OrderItem(order_id=order.id, product_id=product.id, variant_id=variant.id, product_title=product.title,
                     variant_name=variant.name or "", sku=variant.sku, image_key=image_key,
                     unit_price=variant.price, quantity=quantity, line_total=variant.price * quantity)
    db.session.add(item)
    db.session.flush()
    return item


def card(html: str, number: str) -> str:
    match = re.search(rf'<article[^>]*data-order-number="{number}".*?</article>', html, re.S)
    assert match, f"no card for {number}"
    return match.group(0)


def cart_of(user) -> dict:
    db.session.expire_all()
    return {line.variant_id: line.quantity for line in db.session.scalars(select(CartItem).where(CartItem.user_id == user.id))}


def test_a_card_shows_the_first_lines_with_their_pictures_and_counts_the_rest(client, buyer):
    order = make_order(buyer, product=make_product(title="Lamp"), quantity=2)
    order.items[0].image_key = "products/lamp.jpg"
    for title in ("Mug", "Vase", "Bowl"):
        add_line(order, make_product(title=title), image_key=f"products/{title.lower()}.jpg")
    db.session.flush()
    html = card(client.get("/orders").get_data(as_text=True), order.number)
    assert len(re.findall(r'<img [^>]*class="order-thumb', html)) == 3  # the first three lines
    assert "lamp.jpg" in html and 'alt=""' in html  # the title beside it names the picture
    assert re.search(r"and 1 item more: \w+", html)
    assert "5 items · Total" in html


def test_write_a_review_shows_on_delivered_lines_not_yet_reviewed(client, buyer):
    delivered = make_order(buyer, product=make_product(title="Lamp"), status=S.DELIVERED)
    reviewed = add_line(delivered, make_product(title="Mug"))
    reviews.create_review(buyer, reviewed.id, 5, "Lovely mug")
    pending = make_order(buyer, product=make_product(title="Vase"), status=S.PENDING)
    db.session.flush()
    page = client.get("/orders").get_data(as_text=True)
    delivered_card = card(page, delivered.number)
    assert delivered_card.count("Write a review") == 1
    assert f"/reviews/new?order_item_id={delivered.items[0].id}" in delivered_card
    assert "Reviewed" in delivered_card
    assert "Write a review" not in card(page, pending.number)


def test_buy_again_fills_the_cart_and_says_what_could_not_be_added(client, buyer):
    lamp = make_product(title="Lamp", variants=[{"stock": 5, "name": ""}])
    vase = make_product(title="Vase", variants=[{"stock": 5, "name": ""}])
    order = make_order(buyer, product=lamp, quantity=2, status=S.COMPLETED)
    add_line(order, vase)
    vase.status = ProductStatus.HIDDEN
    db.session.commit()
    page = card(client.get("/orders").get_data(as_text=True), order.number)
    assert f'action="/orders/{order.id}/buy-again"' in page and "Buy again" in page
    response = client.post(f"/orders/{order.id}/buy-again")
    assert response.status_code == 302 and response.headers["Location"] == "/cart"
    cart_page = client.get("/cart").get_data(as_text=True)
    assert "Added 2 items to your cart." in cart_page
    assert "Not added: Vase is no longer available." in cart_page
    assert cart_of(buyer) == {lamp.variants[0].id: 2}


def test_buy_again_of_someone_elses_order_is_a_404_and_adds_nothing(client, buyer):
    order = make_order(make_user(), product=make_product())
    db.session.commit()
    assert client.post(f"/orders/{order.id}/buy-again").status_code == 404
    assert cart_of(buyer) == {}


def test_buy_again_needs_a_login(client):
    order = make_order()
    db.session.commit()
    response = client.post(f"/orders/{order.id}/buy-again")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
