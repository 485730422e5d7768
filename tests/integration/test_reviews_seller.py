"""The seller's reviews page and the reply form (plain and htmx), with access control."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Notification, Review, Role
from marketplace.services.reviews import reviews
from tests.factories import make_user
from tests.reviews_support import bought_line, htmx, login, seller_with_product


def reviewed(product, rating=4, body="Solid"):
    line = bought_line(product)
    return reviews.create_review(line.order.buyer, line.id, rating, body)


def field(review) -> str:
    return f"reply-{review.id}-reply"


def test_seller_sees_the_reviews_of_their_products_only(client):
    seller, _, product = seller_with_product(title="Cà phê sữa")
    _, _, elsewhere = seller_with_product()
    mine, theirs = reviewed(product, body="Thơm ngon"), reviewed(elsewhere, body="Not yours")
    login(client, seller)
    html = client.get("/seller/reviews").get_data(as_text=True)
    assert "Thơm ngon" in html and "Cà phê sữa" in html and f"seller-review-{mine.id}" in html
    assert "Not yours" not in html and f"seller-review-{theirs.id}" not in html
    assert 'href="/seller/reviews"' in html  # the sidebar link


def test_seller_replies_without_javascript(client):
    seller, _, product = seller_with_product()
    review = reviewed(product, rating=2)
    login(client, seller)
    response = client.post(f"/seller/reviews/{review.id}/reply", data={field(review): "Sorry, refund sent."})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#seller-review-{review.id}")
    db.session.expire_all()
    assert db.session.get(Review, review.id).seller_reply == "Sorry, refund sent."
    page = client.get("/seller/reviews?unreplied=1").get_data(as_text=True)
    assert f"seller-review-{review.id}" not in page and "Every review has your reply." in page
    buyer_note = db.session.scalar(select(Notification).where(Notification.user_id == review.user_id,
                                                              Notification.kind == "review.reply"))
    assert buyer_note is not None


def test_seller_edits_the_reply_with_htmx(client):
    seller, _, product = seller_with_product()
    review = reviewed(product)
    reviews.set_seller_reply(seller, review, "First answer")
    login(client, seller)
    response = client.post(f"/seller/reviews/{review.id}/reply", data={field(review): "Second answer"},
                           headers=htmx(f"seller-review-{review.id}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "Second answer" in html
    assert "Your reply is published." in html
    db.session.expire_all()
    assert db.session.get(Review, review.id).seller_reply == "Second answer"


@pytest.mark.parametrize("reply,message", [("   ", "Write a reply before sending it."),
                                           ("z" * 2001, "Keep your reply to 2,000 characters")])
def test_a_bad_reply_is_422_next_to_the_field(client, reply, message):
    seller, _, product = seller_with_product()
    review = reviewed(product)
    login(client, seller)
    for headers in ({}, htmx(f"seller-review-{review.id}")):
        response = client.post(f"/seller/reviews/{review.id}/reply", data={field(review): reply}, headers=headers)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Review, review.id).seller_reply is None


def test_another_shops_review_is_404(client):
    seller, _, _ = seller_with_product()
    _, _, elsewhere = seller_with_product()
    review = reviewed(elsewhere)
    login(client, seller)
    assert client.post(f"/seller/reviews/{review.id}/reply", data={field(review): "Hi"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Review, review.id).seller_reply is None


def test_who_may_open_the_seller_reviews_page(client):
    assert client.get("/seller/reviews").status_code == 302  # anonymous: to the login page
    login(client, make_user())
    buyer = client.get("/seller/reviews")
    assert buyer.status_code == 302 and "/account/login" not in buyer.headers["Location"]
    login(client, make_user(role=Role.SELLER))  # a seller with no shop yet
    response = client.get("/seller/reviews")
    assert response.status_code == 302 and response.headers["Location"] == "/seller/register"  # to open one
