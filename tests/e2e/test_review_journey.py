"""A review's life in two browsers: the buyer of a delivered order sees the notification badge,
writes a review with a photo; the seller finds it on the dashboard and replies; the product
page shows the new average and the reply."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import OrderStatus, Role
from marketplace.services.reviews import reviews
from tests.e2e.support import log_in
from tests.factories import make_order, make_product, make_shop, make_user
from tests.reviews_support import bought_line, png_bytes

pytestmark = pytest.mark.e2e


def _delivered_order(live_app) -> dict:
    """A seller's product with one earlier 2-star review, and a buyer whose order of it was just
    delivered through the order service (which notifies the buyer)."""
    from marketplace.services.ordering import orders

    with live_app.app_context():
        seller = make_user(role=Role.SELLER, full_name="Trần Văn Bình")
        shop = make_shop(owner=seller, name="Gốm Bát Tràng")
        product = make_product(shop=shop, title="Bình gốm men lam", variants=[{"stock": 3, "price": 45000}])
        earlier = bought_line(product)
        reviews.create_review(earlier.order.buyer, earlier.id, 2, "Hơi nhỏ so với ảnh")
        buyer = make_user(full_name="Lê Thị Mai")
        order = make_order(buyer=buyer, product=product, status=OrderStatus.SHIPPING)
        orders.deliver_order(seller, order.id)
        data = {"buyer": buyer.email, "seller": seller.email, "product_id": product.id,
                "item_id": order.items[0].id}
        db.session.commit()
    return data


def _watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def test_buyer_reviews_with_a_photo_and_the_seller_replies(page, new_page, live_app):
    data = _delivered_order(live_app)
    errors = _watch_console(page)

    # The buyer sees the badge (loaded by htmx right after the page) and the news in the bell.
    log_in(page, data["buyer"])
    expect(page.locator("#notifications-unread")).to_have_text("1")
    page.click("#notifications-toggle")
    expect(page.locator(".notifications-menu")).to_contain_text("delivered")

    # "My reviews" lists the delivered line; the buyer writes a 5-star review with a photo.
    page.goto("/account/reviews")
    page.locator(f"#to-review-{data['item_id']}").get_by_role("link", name="Write a review").click()
    expect(page.get_by_role("heading", name="Write a review")).to_be_visible()
    page.select_option("#rating", "5")
    page.fill("#body", "Men lam rất đẹp, đóng gói cẩn thận.")
    page.set_input_files("#images", files=[{"name": "binh.png", "mimeType": "image/png",
                                            "buffer": png_bytes((20, 60, 160), (120, 90))}])
    page.get_by_role("button", name="Publish review").click()
    expect(page).to_have_url(re.compile(rf"/p/{data['product_id']}/reviews$"))
    expect(page.locator(".alert-success")).to_contain_text("Your review is published")
    mine = page.locator(".review", has_text="Men lam rất đẹp")
    expect(mine.locator("img")).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth > 0", mine.locator("img").element_handle())
    expect(page.locator("#reviews-average")).to_have_text("3.5")

    # htmx filter: only the 2-star reviews, no reload.
    page.select_option("#reviews-rating", "2")
    expect(page.locator(".review", has_text="Hơi nhỏ")).to_be_visible()
    expect(page.locator(".review", has_text="Men lam rất đẹp")).to_have_count(0)

    # The seller finds the review on the dashboard and replies from the reviews page (htmx form).
    seller_page = new_page()
    seller_errors = _watch_console(seller_page)
    log_in(seller_page, data["seller"])
    seller_page.goto("/seller/dashboard")
    expect(seller_page.locator("#latest-reviews")).to_contain_text("Men lam rất đẹp")
    seller_page.get_by_role("link", name="All reviews and replies").click()
    card = seller_page.locator(".seller-review", has_text="Men lam rất đẹp")
    card.get_by_label("Reply publicly").fill("Cảm ơn chị Mai đã ủng hộ shop!")
    card.get_by_role("button", name="Publish reply").click()
    card = seller_page.locator(".seller-review", has_text="Men lam rất đẹp")
    expect(card.get_by_role("status")).to_have_text("Your reply is published.")
    expect(card.get_by_role("button", name="Update reply")).to_be_visible()

    # The product page shows the new average, the review, its photo and the seller's reply.
    page.goto(f"/p/{data['product_id']}")
    section = page.locator("#reviews")
    expect(section.locator("#reviews-average")).to_have_text("3.5")
    expect(section.locator("#reviews-count")).to_have_text("2 reviews")
    review = section.locator(".review", has_text="Men lam rất đẹp")
    expect(review.locator(".seller-reply")).to_contain_text("Cảm ơn chị Mai đã ủng hộ shop!")
    expect(review.locator("img")).to_be_visible()
    # ...and the reply reached the buyer's bell.
    expect(page.locator("#notifications-unread")).to_have_text("2")

    assert errors == [] and seller_errors == []
