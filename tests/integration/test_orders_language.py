"""Checkout, orders and reviews in the reader's language: Vietnamese with the `locale` cookie at vi,
English at en (its words unchanged), refusals included; the API's messages by Accept-Language with
the same English codes; a notification in its recipient's language, whoever caused it.

Setup is committed before requests that may be refused: the view rolls back, which in the test
harness returns to the last commit.
"""
import html
import uuid

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Notification, OrderStatus, Review
from marketplace.services.cart import cart
from marketplace.services.ordering import orders
from marketplace.services.reviews import reviews
from tests.cart_support import buyer_with_address, login, two_shops
from tests.checkout_support import read_form
from tests.factories import make_voucher
from tests.reviews_support import bought_line, seller_with_product

# What each page says, in each language: (Vietnamese, English).
CHECKOUT = [("Thanh toán", "Checkout"), ("Địa chỉ nhận hàng", "Shipping address"), ("Đặt hàng", "Place order"),
            ("Tóm tắt đơn hàng", "Order summary"), ("Mã giảm giá của shop", "Shop voucher"),
            ("Thanh toán khi nhận hàng (COD)", "Cash on delivery (COD)"), ("Tạm tính", "Subtotal")]
REFUSED_VOUCHER = ("Không có mã giảm giá NOPE.", "There is no voucher NOPE.")
CONFIRMATION = [("Cảm ơn bạn đã đặt hàng", "Thank you for your order"), ("Chờ xác nhận", "Pending"),
                ("Xem Đơn mua", "See my orders"), ("Cảm ơn bạn! 2 đơn hàng của bạn đã được đặt, mỗi shop một đơn.",
                                                  "Thank you! Your 2 orders were placed, one per shop.")]
ORDER_LIST = [("Đơn mua", "My orders"), ("Trạng thái đơn hàng", "Order status"), ("Tất cả", "All"), ("Chờ lấy hàng", "To ship"), ("Đang giao", "Shipping"),
              ("Xem đơn hàng", "View order"), ("Mua lại", "Buy again")]
ORDER_PAGE = [("Trạng thái:", "Status:"), ("Lịch sử đơn hàng", "Order history"), ("Tiến trình đơn hàng", "Timeline"),
              ("Đã đặt hàng", "Order placed"), ("Shop đã xác nhận", "Confirmed by the shop"),
              ("Đã giao cho đơn vị vận chuyển", "Handed to the carrier"), ("Mã vận đơn: GHN-1", "Tracking number: GHN-1"),
              ("Địa chỉ nhận hàng", "Shipping address"), ("Tổng cộng", "Total")]
REFUSED_CANCEL = ("Đơn hàng đang ở trạng thái “Đang giao” nên không thể hủy nữa.",
                  "This order is SHIPPING; it can no longer be cancelled.")
NEW_REVIEW = [("Viết đánh giá", "Write a review"), ("Điểm đánh giá của bạn", "Your rating"),
              ("Đăng đánh giá", "Publish review"), ("Tuyệt vời", "Excellent")]
REFUSED_REVIEW = ("Vui lòng chọn từ 1 đến 5 sao.", "Choose a rating from 1 to 5 stars.")
REVIEWED = ("Cảm ơn bạn! Đánh giá của bạn đã được đăng.", "Thank you! Your review is published.")
MY_REVIEWS = [("Đánh giá của tôi", "My reviews"), ("Chờ đánh giá", "To review"), ("Sửa", "Edit"),
              ("Phản hồi của người bán", "Seller's reply")]
LANGUAGES = [pytest.param("vi", 0, id="vi"), pytest.param("en", 1, id="en")]


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def says(text: str, phrases, index: int) -> None:
    missing = [phrase[index] for phrase in phrases if phrase[index] not in text]
    assert not missing, missing
    if index == 1:  # English: none of the Vietnamese slipped in
        assert not [vi for vi, _en in phrases if vi in text and vi not in _en]


@pytest.fixture
def shopping(client):
    """A signed-in buyer with an Alpha kettle and a Beta teapot in their cart (Alpha has voucher TEN)."""
    buyer, address = buyer_with_address()
    (shop_a, kettle), (shop_b, teapot) = two_shops()
    make_voucher(shop_a, code="TEN", value=10)
    cart.add_item(buyer, kettle.variants[0].id, 1)
    cart.add_item(buyer, teapot.variants[0].id, 1)
    db.session.commit()
    login(client, buyer)
    return {"buyer": buyer, "address": address, "shops": (shop_a, shop_b)}


@pytest.mark.parametrize("locale, index", LANGUAGES)
def test_checkout_a_refused_voucher_and_the_confirmation(client, shopping, locale, index):
    client.set_cookie("locale", locale)
    checkout = client.get("/checkout")
    assert checkout.status_code == 200
    says(page(checkout), CHECKOUT, index)
    values, _submits = read_form(checkout.get_data(as_text=True))
    shop_a = shopping["shops"][0]

    values[f"voucher-{shop_a.id}"] = "nope"
    refused = client.post("/checkout/preview", data=values)
    assert refused.status_code == 200 and REFUSED_VOUCHER[index] in page(refused)
    placed_anyway = client.post("/checkout", data=values)  # the wrong code sent with the order
    assert placed_anyway.status_code == 422
    assert f"{('Mã giảm giá', 'Voucher')[index]}: {REFUSED_VOUCHER[index]}" in page(placed_anyway)

    values[f"voucher-{shop_a.id}"] = ""
    placed = client.post("/checkout", data=values, follow_redirects=True)
    assert placed.status_code == 200
    says(page(placed), CONFIRMATION, index)


@pytest.mark.parametrize("locale, index", LANGUAGES)
def test_the_order_list_and_an_order_with_its_timeline(client, locale, index):
    seller, _shop, product = seller_with_product()
    order = bought_line(product, status=OrderStatus.PENDING).order
    orders.confirm_order(seller, order.id)
    orders.ship_order(seller, order.id, "GHN-1")
    db.session.commit()
    login(client, order.buyer)
    client.set_cookie("locale", locale)

    says(page(client.get("/orders")), ORDER_LIST, index)
    says(page(client.get(f"/orders/{order.id}")), ORDER_PAGE, index)
    refused = client.post(f"/orders/{order.id}/cancel", data={"reason": ""},
                          headers={"HX-Request": "true", "HX-Target": "order-panel"})
    assert refused.status_code == 409 and REFUSED_CANCEL[index] in page(refused)


@pytest.mark.parametrize("locale, index", LANGUAGES)
def test_writing_a_review_refused_once_then_my_reviews(client, locale, index):
    seller, _shop, product = seller_with_product()
    line = bought_line(product, status=OrderStatus.DELIVERED)
    db.session.commit()
    login(client, line.order.buyer)
    client.set_cookie("locale", locale)
    url = f"/reviews/new?order_item_id={line.id}"

    says(page(client.get(url)), NEW_REVIEW, index)
    refused = client.post(url, data={"rating": "", "body": "Tốt"})
    assert refused.status_code == 422 and REFUSED_REVIEW[index] in page(refused)
    written = client.post(url, data={"rating": "5", "body": "Tốt"}, follow_redirects=True)
    assert written.status_code == 200 and REVIEWED[index] in page(written)

    review = db.session.scalar(select(Review).where(Review.order_item_id == line.id))
    reviews.set_seller_reply(seller, review, "Cảm ơn!")
    db.session.commit()
    says(page(client.get("/account/reviews?tab=written")), MY_REVIEWS, index)


@pytest.mark.parametrize("language, message", [("vi", REFUSED_VOUCHER[0]), ("en", REFUSED_VOUCHER[1])])
def test_the_api_refuses_in_the_accept_language_with_the_same_code(client, shopping, language, message):
    token = client.csrf_token()
    body = {"address_id": str(shopping["address"].id), "payment_method": "COD", "vouchers": {str(shopping["shops"][0].id): "nope"}}
    response = client.post("/api/v1/orders", json=body, csrf=False,
                           headers={"Idempotency-Key": uuid.uuid4().hex, "X-CSRFToken": token,
                                    "Accept-Language": language})
    error = response.get_json()["error"]
    assert response.status_code == 422 and (error["code"], error["message"]) == ("unknown", message)


def test_the_seller_hears_of_a_new_order_in_their_language_and_the_buyer_in_theirs(client, shopping):
    shop_a, shop_b = shopping["shops"]
    shop_a.owner.locale = "vi"
    db.session.commit()
    values, _submits = read_form(client.get("/checkout").get_data(as_text=True))
    assert client.post("/checkout", data=values).status_code == 302
    titles = dict(db.session.execute(select(Notification.user_id, Notification.title)
                                     .where(Notification.kind == "order.placed")).all())
    assert titles[shop_a.owner_id].startswith("Đơn hàng mới ") and titles[shop_b.owner_id].startswith("New order ")
    order = db.session.scalar(select(Notification.link).where(Notification.user_id == shop_b.owner_id))
    order_id = uuid.UUID(order.rsplit("/", 1)[1])
    orders.confirm_order(shop_b.owner, order_id)  # the buyer reads English: no language chosen, the suite's default
    shopping["buyer"].locale = "vi"
    orders.ship_order(shop_b.owner, order_id, "GHN-2")
    news = dict(db.session.execute(select(Notification.kind, Notification.title)
                                   .where(Notification.user_id == shopping["buyer"].id)).all())
    assert news["order.confirmed"].endswith(" was confirmed") and news["order.shipped"].endswith(" đang được giao")
