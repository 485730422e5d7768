"""Writing and editing reviews and the "My reviews" page, through the client, bad input included."""
import io

import pytest
from sqlalchemy import func, select, text

from marketplace.extensions import db
from marketplace.models import Notification, OrderStatus, Product, Review, Shop
from marketplace.services.reviews import reviews
from tests.factories import make_user
from tests.reviews_support import bought_line, login, png_bytes, seller_with_product


def photo(data: bytes | None = None, name: str = "photo.png"):
    return (io.BytesIO(data or png_bytes()), name)


def post_review(client, line, **fields):
    data = {"rating": "5", "body": "Lovely"}
    data.update(fields)
    return client.post(f"/reviews/new?order_item_id={line.id}", data=data, content_type="multipart/form-data")


def review_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Review))


@pytest.fixture
def line():
    _, _, product = seller_with_product(title="Nón lá")
    return bought_line(product)


def test_anonymous_visitors_are_sent_to_log_in(client, line):
    response = client.get(f"/reviews/new?order_item_id={line.id}")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert client.get("/account/reviews").status_code == 302


def test_buyer_writes_a_review_with_a_photo(client, line, temp_storage):
    owner_id = db.session.scalar(select(Shop.owner_id).join(Product, Product.shop_id == Shop.id)
                                 .where(Product.id == line.product_id))
    login(client, line.order.buyer)
    form = client.get(f"/reviews/new?order_item_id={line.id}")
    assert form.status_code == 200 and "Nón lá" in form.get_data(as_text=True)
    response = post_review(client, line, rating="4", body="Đẹp và bền", images=[photo()])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{line.product_id}/reviews")
    review = db.session.scalar(select(Review).where(Review.order_item_id == line.id))
    assert (review.rating, review.body, review.has_images, len(review.images)) == (4, "Đẹp và bền", True, 1)
    product = db.session.get(Product, line.product_id)
    db.session.refresh(product)
    assert (product.review_count, str(product.average_rating)) == (1, "4.00")
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == owner_id)) == "review.new"


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.SHIPPING, OrderStatus.CANCELLED])
def test_a_buyer_without_a_delivered_order_gets_403_with_the_reason(client, status):
    _, _, product = seller_with_product()
    line = bought_line(product, status=status)
    login(client, line.order.buyer)
    for response in (client.get(f"/reviews/new?order_item_id={line.id}"), post_review(client, line)):
        assert response.status_code == 403
        assert "once your order has been delivered" in response.get_data(as_text=True)
    assert review_count() == 0


def test_someone_elses_line_is_403_and_an_unknown_one_404(client, line):
    login(client, make_user())
    response = post_review(client, line)
    assert response.status_code == 403 and "Only the buyer" in response.get_data(as_text=True)
    assert client.get("/reviews/new?order_item_id=not-a-uuid").status_code == 404
    assert client.get("/reviews/new?order_item_id=00000000-0000-0000-0000-000000000000").status_code == 404
    assert review_count() == 0


def test_a_second_review_of_the_same_line_is_refused(client, line):
    login(client, line.order.buyer)
    assert post_review(client, line, rating="5").status_code == 302
    again = post_review(client, line, rating="1")
    assert again.status_code == 409 and "already reviewed" in again.get_data(as_text=True)
    assert client.get(f"/reviews/new?order_item_id={line.id}").status_code == 409
    assert db.session.scalar(select(Review.rating).where(Review.order_item_id == line.id)) == 5


@pytest.mark.parametrize("fields,field_error", [
    ({"rating": "0"}, "Choose a rating from 1 to 5 stars."),
    ({"rating": "6"}, "Choose a rating from 1 to 5 stars."),
    ({"rating": ""}, "Choose a rating from 1 to 5 stars."),
    ({"rating": "five"}, "Choose a rating from 1 to 5 stars."),
    ({"body": "x" * 2001}, "Keep your review to 2,000 characters (it has 2,001)."),
])
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_lost(client, line, fields, field_error):
    login(client, line.order.buyer)
    response = post_review(client, line, **{"body": "Keep this text", **fields})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and field_error in html and "invalid-feedback" in html
    if "body" not in fields:
        assert "Keep this text" in html  # what they typed is still in the form
    assert review_count() == 0


def test_six_photos_are_refused(client, line, temp_storage):
    login(client, line.order.buyer)
    response = post_review(client, line, images=[photo() for _ in range(6)])
    assert response.status_code == 422 and "at most 5 photos" in response.get_data(as_text=True)
    assert review_count() == 0 and list(temp_storage.rglob("*.webp")) == []


@pytest.mark.parametrize("data,name", [(b"%PDF-1.4 not an image", "photo.png"),
                                       (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "x.svg")])
def test_a_non_image_upload_is_refused(client, line, temp_storage, data, name):
    login(client, line.order.buyer)
    response = post_review(client, line, images=[photo(data, name)])
    assert response.status_code == 422 and "not an image we can read" in response.get_data(as_text=True)
    assert review_count() == 0 and list(temp_storage.rglob("*")) == []


def test_author_edits_their_review(client, line, temp_storage):
    review = reviews.create_review(line.order.buyer, line.id, 2, "Meh", [png_bytes()])
    login(client, line.order.buyer)
    page = client.get(f"/reviews/{review.id}/edit")
    assert page.status_code == 200 and "Meh" in page.get_data(as_text=True)
    image_id = review.images[0].id
    response = client.post(f"/reviews/{review.id}/edit", content_type="multipart/form-data",
                           data={"rating": "5", "body": "Better after a week", "remove_images": [str(image_id)]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/reviews?tab=written")
    db.session.expire_all()
    review = db.session.get(Review, review.id)
    assert (review.rating, review.body, review.has_images) == (5, "Better after a week", False)
    assert str(db.session.get(Product, line.product_id).average_rating) == "5.00"


@pytest.mark.parametrize("fields,message", [({"rating": "6"}, "Choose a rating from 1 to 5 stars."),
                                            ({"body": "y" * 2500}, "Keep your review to 2,000 characters")])
def test_edit_with_bad_input_is_422_and_changes_nothing(client, line, fields, message):
    review = reviews.create_review(line.order.buyer, line.id, 3, "Fine")
    login(client, line.order.buyer)
    response = client.post(f"/reviews/{review.id}/edit", data={"rating": "3", "body": "Fine", **fields})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(Review, review.id).rating, db.session.get(Review, review.id).body) == (3, "Fine")


def test_editing_after_30_days_is_refused(client, line):
    review = reviews.create_review(line.order.buyer, line.id, 3, "Fine")
    db.session.execute(text("UPDATE reviews SET created_at = now() - interval '30 days 1 minute' WHERE id = :id"),
                       {"id": review.id})
    login(client, line.order.buyer)
    for response in (client.get(f"/reviews/{review.id}/edit"),
                     client.post(f"/reviews/{review.id}/edit", data={"rating": "1", "body": "Changed"})):
        assert response.status_code == 403 and "edited for 30 days" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Review, review.id).rating == 3


def test_nobody_else_can_open_or_post_the_edit_form(client, line):
    review = reviews.create_review(line.order.buyer, line.id, 3, "Fine")
    login(client, make_user())
    assert client.get(f"/reviews/{review.id}/edit").status_code == 404
    assert client.post(f"/reviews/{review.id}/edit", data={"rating": "1"}).status_code == 404


def test_my_reviews_lists_what_to_review_and_what_was_written(client, line):
    buyer = line.order.buyer
    _, _, other = seller_with_product(title="Bánh pía")
    waiting = bought_line(other, buyer=buyer, status=OrderStatus.COMPLETED)
    bought_line(other, buyer=buyer, status=OrderStatus.SHIPPING)
    review = reviews.create_review(buyer, line.id, 4, "Good hat")
    login(client, buyer)
    html = client.get("/account/reviews").get_data(as_text=True)
    assert f"/reviews/new?order_item_id={waiting.id}" in html and "Bánh pía" in html
    assert f"order_item_id={line.id}" not in html
    written = client.get("/account/reviews?tab=written").get_data(as_text=True)
    assert "Good hat" in written and f"/reviews/{review.id}/edit" in written and "Nón lá" in written
    other_buyer = make_user()
    login(client, other_buyer)
    assert "Good hat" not in client.get("/account/reviews?tab=written").get_data(as_text=True)


def test_edit_refuses_a_sixth_photo_and_a_non_image(client, line, temp_storage):
    review = reviews.create_review(line.order.buyer, line.id, 4, "Photos", [png_bytes()] * 3)
    login(client, line.order.buyer)
    too_many = client.post(f"/reviews/{review.id}/edit", content_type="multipart/form-data",
                           data={"rating": "4", "body": "Photos", "images": [photo() for _ in range(3)]})
    assert too_many.status_code == 422 and "at most 5 photos" in too_many.get_data(as_text=True)
    not_image = client.post(f"/reviews/{review.id}/edit", content_type="multipart/form-data",
                            data={"rating": "4", "body": "Photos", "images": [photo(b"GIF89a-broken", "x.gif")]})
    assert not_image.status_code == 422 and "not an image we can read" in not_image.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Review, review.id).images) == 3
    assert len(list(temp_storage.rglob("*.webp"))) == 6  # the three photos and their thumbnails, nothing new
