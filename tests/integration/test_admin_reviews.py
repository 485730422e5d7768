"""Admin reviews: list and filter; hide (it leaves the product's average) and show again; audited."""
import re
from decimal import Decimal

import pytest

from marketplace.extensions import db
from marketplace.models import OrderStatus, Review
from tests.admin_support import CONFIRMED, audit_entries, htmx
from tests.factories import make_order, make_product, make_user


def make_review(product, rating, body="", **fields):
    order = make_order(buyer=make_user(), product=product, status=OrderStatus.DELIVERED)
    review = Review(product_id=product.id, order_item_id=order.items[0].id, user_id=order.buyer_id,
                    rating=rating, body=body, **fields)
    db.session.add(review)
    if not review.is_hidden:
        product.rating_sum += rating
        product.review_count += 1
        product.average_rating = Decimal(product.rating_sum) / product.review_count
    db.session.flush()
    return review


def shown(html):
    return re.findall(r'data-review-id="([0-9a-f-]{36})"', html)


@pytest.fixture
def product():
    return make_product(title="Nồi cơm điện")


def test_list_filters_by_state_rating_and_text(admin_client, product):
    good = make_review(product, 5, "Tuyệt vời")
    bad = make_review(product, 1, "Broke after a week")
    hidden = make_review(product, 2, "spam link", is_hidden=True, hidden_reason="spam")

    def ids(**query):
        return set(shown(admin_client.get("/admin/reviews", query_string=query).get_data(as_text=True)))

    assert ids() == {str(good.id), str(bad.id), str(hidden.id)}
    assert ids(state="hidden") == {str(hidden.id)}
    assert ids(state="visible") == {str(good.id), str(bad.id)}
    assert ids(rating="1") == {str(bad.id)}
    assert ids(q="tuyệt") == {str(good.id)}
    assert ids(q="nồi cơm") == {str(good.id), str(bad.id), str(hidden.id)}
    assert ids(q="%") == set()


def test_hide_drops_it_from_the_average_and_audits(admin_client, admin, product):
    five = make_review(product, 5)
    make_review(product, 3)
    assert product.average_rating == Decimal("4")
    response = admin_client.post(f"/admin/reviews/{five.id}/hide", data={**CONFIRMED, "reason": "Fake review"},
                                 headers=htmx(f"review-{five.id}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith(f'<tr id="review-{five.id}"')
    assert "Show again" in html
    db.session.expire_all()
    assert five.is_hidden and five.hidden_reason == "Fake review"
    assert product.review_count == 1 and product.average_rating == Decimal("3.00")
    [entry] = audit_entries("review.hide", five.id)
    assert entry.actor_id == admin.id and entry.reason == "Fake review"


def test_unhide_counts_it_again(admin_client, product):
    five = make_review(product, 5)
    make_review(product, 3)
    admin_client.post(f"/admin/reviews/{five.id}/hide", data={**CONFIRMED, "reason": "Check"})
    response = admin_client.post(f"/admin/reviews/{five.id}/unhide", data={"next": "/admin/reviews?state=hidden"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/reviews?state=hidden"
    db.session.expire_all()
    assert not five.is_hidden and product.review_count == 2 and product.average_rating == Decimal("4.00")
    assert [e.action for e in audit_entries(target_id=five.id)] == ["review.hide", "review.unhide"]


def test_hide_needs_a_reason(admin_client, product):
    review = make_review(product, 4)
    response = admin_client.post(f"/admin/reviews/{review.id}/hide", data={**CONFIRMED, "reason": ""},
                                 headers=htmx(f"review-{review.id}"))
    assert response.status_code == 422 and "Give a reason" in response.get_data(as_text=True)
    again = admin_client.post(f"/admin/reviews/{review.id}/unhide", headers=htmx(f"review-{review.id}"))
    assert again.status_code == 422 and "not hidden" in again.get_data(as_text=True)
    db.session.expire_all()
    assert not review.is_hidden and audit_entries(target_id=review.id) == []


def test_unknown_review_is_404(admin_client):
    assert admin_client.post("/admin/reviews/00000000-0000-0000-0000-000000000000/hide",
                             data={"reason": "x"}).status_code == 404


def test_hide_works_on_a_review_loaded_fresh_by_the_request(admin_client, product):
    review_id = make_review(product, 5).id
    db.session.expunge_all()
    response = admin_client.post(f"/admin/reviews/{review_id}/hide", data={**CONFIRMED, "reason": "Off topic"},
                                 headers=htmx(f"review-{review_id}"))
    assert response.status_code == 200
    assert db.session.get(Review, review_id).is_hidden


def test_listing_is_keyset_paged_with_a_fixed_number_of_queries(admin_client, product, count_queries):
    reviews = [make_review(product, 1 + i % 5, f"review {i}") for i in range(28)]
    with count_queries() as queries:
        html = admin_client.get("/admin/reviews").get_data(as_text=True)
    first = shown(html)
    assert len(first) == 25
    statements = len(queries)
    next_url = re.search(r'hx-get="([^"]+cursor=[^"]+)"', html).group(1).replace("&amp;", "&")
    rest = shown(admin_client.get(next_url, headers=htmx("reviews-more")).get_data(as_text=True))
    assert sorted(first + rest) == sorted(str(r.id) for r in reviews)
    make_review(product, 5)
    with count_queries() as queries:
        admin_client.get("/admin/reviews")
    assert len(queries) == statements  # rows, authors and products come in the same statements
