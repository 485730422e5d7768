"""services/reviews/reviews.py: who may review, the input rules, editing, replies, hiding, exact counters."""
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from marketplace.extensions import db
from marketplace.models import AuditLog, Notification, OrderStatus, Product, Review, ReviewImage, Role
from marketplace.services.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.services.reviews import reviews
from tests.factories import make_user
from tests.reviews_support import bought_line, png_bytes, seller_with_product


def counters(product: Product) -> tuple[int, int, Decimal]:
    db.session.expire(product)
    return product.rating_sum, product.review_count, product.average_rating


def expected_from_rows(product: Product) -> tuple[int, int, Decimal]:
    """The counters recomputed from the visible review rows, independently of the service."""
    ratings = db.session.scalars(select(Review.rating).where(Review.product_id == product.id, ~Review.is_hidden)).all()
    average = (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.01")) if ratings else Decimal("0")
    return sum(ratings), len(ratings), average


def review_of(product, rating, buyer=None, **kwargs) -> Review:
    line = bought_line(product, buyer=buyer)
    buyer = buyer or line.order.buyer
    return reviews.create_review(buyer, line.id, rating, kwargs.pop("body", "Nice"), **kwargs)


def test_buyer_of_a_delivered_line_reviews_it_and_counters_move():
    seller, shop, product = seller_with_product()
    line = bought_line(product)
    review = reviews.create_review(line.order.buyer, line.id, 4, "  Great fit, fast delivery.  ")
    assert review.rating == 4 and review.body == "Great fit, fast delivery." and not review.has_images
    assert review.product_id == product.id and review.user_id == line.order.buyer_id
    assert counters(product) == (4, 1, Decimal("4.00"))
    note = db.session.scalar(select(Notification).where(Notification.user_id == seller.id))
    assert note.kind == "review.new" and "4-star" in note.title and note.link == "/seller/reviews"


def test_completed_orders_may_be_reviewed_too():
    _, _, product = seller_with_product()
    line = bought_line(product, status=OrderStatus.COMPLETED)
    assert reviews.create_review(line.order.buyer, line.id, 5).rating == 5


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPING,
                                    OrderStatus.CANCELLED, OrderStatus.AWAITING_PAYMENT])
def test_an_order_not_yet_delivered_cannot_be_reviewed(status):
    _, _, product = seller_with_product()
    line = bought_line(product, status=status)
    with pytest.raises(Forbidden) as error:
        reviews.create_review(line.order.buyer, line.id, 5, "Too early")
    assert error.value.status == 403 and error.value.code == "order_not_delivered"
    assert "once your order has been delivered" in error.value.message
    assert counters(product) == (0, 0, Decimal("0"))


def test_only_the_buyer_of_the_line_may_review_it():
    _, _, product = seller_with_product()
    line = bought_line(product)
    with pytest.raises(Forbidden) as error:
        reviews.create_review(make_user(), line.id, 5)
    assert error.value.code == "not_the_buyer" and "Only the buyer" in error.value.message
    with pytest.raises(NotFound):
        reviews.create_review(make_user(), uuid.uuid4(), 5)


def test_a_line_is_reviewed_once():
    _, _, product = seller_with_product()
    line = bought_line(product)
    reviews.create_review(line.order.buyer, line.id, 5)
    with pytest.raises(Conflict) as error:
        reviews.create_review(line.order.buyer, line.id, 1)
    assert error.value.code == "already_reviewed" and "already reviewed" in error.value.message
    assert counters(product) == (5, 1, Decimal("5.00"))


def test_the_unique_index_catches_a_duplicate_the_check_missed(monkeypatch):
    _, _, product = seller_with_product()
    line = bought_line(product)
    reviews.create_review(line.order.buyer, line.id, 5)
    # As if a concurrent request inserted its review between our check and our insert.
    monkeypatch.setattr(reviews, "reviewable_line", lambda user, item_id: line)
    with pytest.raises(Conflict) as error:
        reviews.create_review(line.order.buyer, line.id, 2)
    assert error.value.code == "already_reviewed"
    assert counters(product) == (5, 1, Decimal("5.00"))


@pytest.mark.parametrize("rating", [0, 6, -1, "abc", 4.5, None, "", True])
def test_rating_must_be_one_to_five(rating):
    _, _, product = seller_with_product()
    line = bought_line(product)
    with pytest.raises(ValidationFailed) as error:
        reviews.create_review(line.order.buyer, line.id, rating)
    assert error.value.fields == {"rating": "Choose a rating from 1 to 5 stars."}


def test_body_up_to_2000_characters():
    _, _, product = seller_with_product()
    line, other = bought_line(product), bought_line(product)
    with pytest.raises(ValidationFailed) as error:
        reviews.create_review(line.order.buyer, line.id, 3, "x" * 2001)
    assert "2,000 characters" in error.value.fields["body"]
    assert len(reviews.create_review(other.order.buyer, other.id, 3, "é" * 2000).body) == 2000


def test_photos_are_stored_and_flag_the_review(temp_storage):
    _, _, product = seller_with_product()
    line = bought_line(product)
    review = reviews.create_review(line.order.buyer, line.id, 5, "With photos", [png_bytes(), png_bytes((0, 90, 0))])
    assert review.has_images and [i.position for i in review.images] == [0, 1]
    for image in review.images:
        assert (temp_storage / image.storage_key).is_file() and (temp_storage / image.thumb_key).is_file()


def test_six_photos_or_a_non_image_are_refused_and_nothing_is_kept(temp_storage):
    _, _, product = seller_with_product()
    line = bought_line(product)
    with pytest.raises(ValidationFailed) as error:
        reviews.create_review(line.order.buyer, line.id, 5, "", [png_bytes()] * 6)
    assert error.value.fields["images"] == "A review can have at most 5 photos."
    with pytest.raises(ValidationFailed) as error:
        reviews.create_review(line.order.buyer, line.id, 5, "", [png_bytes(), b"<svg onload=alert(1)>"])
    assert error.value.code == "image_invalid" and "images" in error.value.fields
    assert list(temp_storage.rglob("*.webp")) == []
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0


def test_average_is_exact_after_create_edit_and_hide():
    _, _, product = seller_with_product()
    admin = make_user(role=Role.ADMIN)
    five, four, two = (review_of(product, r) for r in (5, 4, 2))
    assert counters(product) == expected_from_rows(product) == (11, 3, Decimal("3.67"))
    reviews.update_review(two.user, two.id, rating=5)
    assert counters(product) == expected_from_rows(product) == (14, 3, Decimal("4.67"))
    reviews.set_review_hidden(admin, five, True, "Spam")
    assert counters(product) == expected_from_rows(product) == (9, 2, Decimal("4.50"))
    reviews.set_review_hidden(admin, four, True, "Off-topic")
    reviews.set_review_hidden(admin, two, True, "Off-topic")
    assert counters(product) == expected_from_rows(product) == (0, 0, Decimal("0"))
    reviews.set_review_hidden(admin, four, False)
    assert counters(product) == expected_from_rows(product) == (4, 1, Decimal("4.00"))


def test_editing_a_hidden_review_leaves_the_counters_alone():
    _, _, product = seller_with_product()
    review = review_of(product, 2)
    reviews.set_review_hidden(make_user(role=Role.ADMIN), review, True, "Rude")
    reviews.update_review(review.user, review.id, rating=5)
    assert counters(product) == (0, 0, Decimal("0"))
    reviews.set_review_hidden(make_user(role=Role.ADMIN), review, False)
    assert counters(product) == (5, 1, Decimal("5.00"))


def test_author_edits_text_and_photos_within_30_days(temp_storage):
    _, _, product = seller_with_product()
    review = review_of(product, 3, images=[png_bytes(), png_bytes((1, 2, 3))])
    first, second = review.images
    updated = reviews.update_review(review.user, review.id, body="Changed my mind", new_images=[png_bytes((9, 9, 9))],
                                    remove_image_ids=[first.id])
    assert updated.body == "Changed my mind" and updated.rating == 3
    assert [i.id for i in updated.images][0] == second.id and len(updated.images) == 2 and updated.has_images
    with pytest.raises(ValidationFailed) as error:
        reviews.update_review(review.user, review.id, new_images=[png_bytes()] * 4)
    assert "images" in error.value.fields
    updated = reviews.update_review(review.user, review.id, remove_image_ids=[i.id for i in updated.images])
    assert not updated.has_images and db.session.scalar(select(func.count()).select_from(ReviewImage)) == 0


def test_editing_after_30_days_is_refused_with_the_reason():
    _, _, product = seller_with_product()
    review = review_of(product, 4)
    db.session.execute(text("UPDATE reviews SET created_at = now() - interval '31 days' WHERE id = :id"),
                       {"id": review.id})
    db.session.expire_all()
    with pytest.raises(Forbidden) as error:
        reviews.update_review(review.user, review.id, rating=1)
    assert error.value.code == "edit_window_closed" and "30 days" in error.value.message
    assert counters(product) == (4, 1, Decimal("4.00"))


def test_nobody_else_edits_a_review():
    _, _, product = seller_with_product()
    review = review_of(product, 4)
    with pytest.raises(NotFound):
        reviews.update_review(make_user(), review.id, rating=1)


def test_seller_replies_once_and_may_edit_the_reply():
    seller, _, product = seller_with_product()
    review = review_of(product, 2)
    reviews.set_seller_reply(seller, review, "Sorry! We sent a replacement.")
    first_time = review.seller_replied_at
    reviews.set_seller_reply(seller, review, "Sorry! The replacement is on its way.")
    assert review.seller_reply == "Sorry! The replacement is on its way." and review.seller_replied_at >= first_time
    told = db.session.scalars(select(Notification).where(Notification.user_id == review.user_id,
                                                         Notification.kind == "review.reply")).all()
    assert len(told) == 1


def test_only_the_shop_owner_replies_and_the_reply_is_checked():
    seller, _, product = seller_with_product()
    other_seller, _, _ = seller_with_product()
    review = review_of(product, 2)
    with pytest.raises(NotFound):
        reviews.set_seller_reply(other_seller, review, "Not my shop")
    with pytest.raises(ValidationFailed) as error:
        reviews.set_seller_reply(seller, review, "   ")
    assert "reply" in error.value.fields
    with pytest.raises(ValidationFailed):
        reviews.set_seller_reply(seller, review, "x" * 2001)
    assert review.seller_reply is None


def test_hiding_needs_an_admin_and_a_reason_and_is_audited():
    _, _, product = seller_with_product()
    review = review_of(product, 1)
    admin = make_user(role=Role.ADMIN)
    with pytest.raises(Forbidden):
        reviews.set_review_hidden(make_user(), review, True, "Because")
    with pytest.raises(ValidationFailed) as error:
        reviews.set_review_hidden(admin, review, True, " ")
    assert "reason" in error.value.fields
    reviews.set_review_hidden(admin, review, True, "Insults the seller")
    with pytest.raises(Conflict):
        reviews.set_review_hidden(admin, review, True, "Again")
    entry = db.session.scalar(select(AuditLog).where(AuditLog.target_id == review.id))
    assert (entry.action, entry.actor_id, entry.reason) == ("review.hide", admin.id, "Insults the seller")
    assert review.is_hidden and review.hidden_reason == "Insults the seller"


def test_is_editable_boundary():
    _, _, product = seller_with_product()
    review = review_of(product, 4)
    now = datetime.now(timezone.utc)
    assert reviews.is_editable(review, now + timedelta(days=29))
    assert not reviews.is_editable(review, now + timedelta(days=31))
