"""services/reviews/review_queries.py: product listings (filters, keyset pages, statement count), the
rating summary, and the buyer's and shop's lists."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from marketplace.extensions import db
from marketplace.models import OrderStatus, Role
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.reviews import review_queries, reviews
from tests.factories import make_user
from tests.reviews_support import bought_line, png_bytes, seller_with_product

BASE = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def make_reviews(product, ratings, images_for=()) -> list:
    """One review per rating, the i-th written i minutes after BASE (so the last is the newest)."""
    made = []
    for i, rating in enumerate(ratings):
        line = bought_line(product)
        review = reviews.create_review(line.order.buyer, line.id, rating, f"Review {i}",
                                       [png_bytes()] if i in images_for else [])
        review.created_at = BASE + timedelta(minutes=i)
        made.append(review)
    db.session.flush()
    return made


def all_pages(product_id, **filters) -> list:
    seen, cursor = [], None
    while True:
        page = review_queries.list_product_reviews(product_id, cursor=cursor, limit=3, **filters)
        seen += page.items
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


def test_newest_first_without_hidden_reviews():
    _, _, product = seller_with_product()
    made = make_reviews(product, [5, 4, 3, 2])
    reviews.set_review_hidden(make_user(role=Role.ADMIN), made[1], True, "Spam")
    page = review_queries.list_product_reviews(product.id)
    assert [r.id for r in page.items] == [made[3].id, made[2].id, made[0].id]
    assert page.next_cursor is None


def test_filters_by_rating_and_with_images(temp_storage):
    _, _, product = seller_with_product()
    made = make_reviews(product, [5, 5, 4, 5, 1], images_for={1, 2})
    assert [r.id for r in review_queries.list_product_reviews(product.id, rating=5).items] == \
        [made[3].id, made[1].id, made[0].id]
    assert [r.id for r in review_queries.list_product_reviews(product.id, with_images=True).items] == \
        [made[2].id, made[1].id]
    assert [r.id for r in review_queries.list_product_reviews(product.id, rating=5, with_images=True).items] == \
        [made[1].id]


def test_keyset_pages_cover_everything_once_even_with_equal_timestamps():
    _, _, product = seller_with_product()
    made = make_reviews(product, [1, 2, 3, 4, 5, 1, 2])
    for review in made[2:5]:
        review.created_at = BASE  # ties are broken by id
    db.session.flush()
    seen = all_pages(product.id)
    assert sorted(r.id for r in seen) == sorted(r.id for r in made) and len(seen) == len(made)
    keys = [(r.created_at, r.id) for r in seen]
    assert keys == sorted(keys, reverse=True)


def test_a_page_costs_one_statement_whatever_its_length(count_queries, temp_storage):
    _, _, product = seller_with_product()
    make_reviews(product, [5] * 12, images_for=set(range(12)))
    product_id = product.id
    db.session.expire_all()
    for limit in (2, 10):
        with count_queries() as queries:
            page = review_queries.list_product_reviews(product_id, limit=limit)
            for review in page.items:
                _ = review.user.full_name, [i.thumb_key for i in review.images]
        assert len(page.items) == limit and len(queries) == 1  # authors and photos joined in
        db.session.expire_all()


@pytest.mark.parametrize("cursor", ["garbage!", "WyJub3QtYS1kYXRlIiwgMV0", "e30"])
def test_a_bad_cursor_is_a_clear_validation_error(cursor):
    with pytest.raises(ValidationFailed) as error:
        review_queries.list_product_reviews(seller_with_product()[2].id, cursor=cursor)
    assert error.value.fields == {"cursor": "That page link is no longer valid."}


@pytest.mark.parametrize("rating", [0, 6, "x"])
def test_a_bad_rating_filter_is_refused(rating):
    expected = None if rating == 0 else ValidationFailed
    product = seller_with_product()[2]
    if expected is None:
        assert review_queries.list_product_reviews(product.id, rating=rating).items == []
    else:
        with pytest.raises(ValidationFailed):
            review_queries.list_product_reviews(product.id, rating=rating)


def test_rating_summary_counts_each_star_and_matches_the_product_counters(count_queries):
    _, _, product = seller_with_product()
    made = make_reviews(product, [5, 5, 4, 1, 3, 5])
    reviews.set_review_hidden(make_user(role=Role.ADMIN), made[3], True, "Spam")
    with count_queries() as queries:
        summary = review_queries.rating_summary(product.id)
    assert len(queries) == 1
    assert summary.stars == {5: 3, 4: 1, 3: 1, 2: 0, 1: 0} and summary.count == 5
    assert summary.average == Decimal("4.40")
    db.session.refresh(product)
    assert product.average_rating == summary.average and product.review_count == summary.count
    assert summary.percent(5) == 60 and summary.percent(2) == 0


def test_empty_summary():
    summary = review_queries.rating_summary(seller_with_product()[2].id)
    assert summary.count == 0 and summary.average == 0 and summary.percent(5) == 0


def test_buyer_sees_lines_to_review_and_their_reviews():
    _, _, product = seller_with_product()
    _, _, other_product = seller_with_product()
    buyer = make_user()
    delivered = bought_line(product, buyer=buyer)
    completed = bought_line(other_product, buyer=buyer, status=OrderStatus.COMPLETED)
    bought_line(product, buyer=buyer, status=OrderStatus.SHIPPING)  # not yet reviewable
    bought_line(product)  # someone else's
    to_review = review_queries.list_to_review(buyer.id)
    assert {row.item.id for row in to_review.items} == {delivered.id, completed.id}
    assert review_queries.count_to_review(buyer.id) == 2
    review = reviews.create_review(buyer, delivered.id, 4, "Good")
    assert [row.item.id for row in review_queries.list_to_review(buyer.id).items] == [completed.id]
    mine = review_queries.list_user_reviews(buyer.id)
    assert [(row.review.id, row.product_title, row.editable) for row in mine.items] == \
        [(review.id, product.title, True)]


def test_shop_list_holds_only_its_products_and_filters_unreplied():
    seller, _, product = seller_with_product()
    _, _, elsewhere = seller_with_product()
    made = make_reviews(product, [4, 2, 5])
    make_reviews(elsewhere, [1])
    reviews.set_seller_reply(seller, made[1], "Thanks")
    rows = review_queries.list_shop_reviews(product.shop_id).items
    assert [row.review.id for row in rows] == [r.id for r in reversed(made)]
    assert all(row.product_title == product.title for row in rows)
    unreplied = review_queries.list_shop_reviews(product.shop_id, unreplied=True).items
    assert [row.review.id for row in unreplied] == [made[2].id, made[0].id]
