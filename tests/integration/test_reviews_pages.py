"""Review pages through the client: the product's reviews (page + htmx fragments) and the
product-page section."""
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import render_template

from marketplace.extensions import db
from marketplace.models import ProductStatus, Role, ShopStatus
from marketplace.services.reviews import reviews
from tests.factories import make_user
from tests.paging_support import load_more
from tests.reviews_support import bought_line, htmx, png_bytes, seller_with_product

BASE = datetime(2024, 5, 1, tzinfo=timezone.utc)


def publish(product, ratings, bodies=None, images_for=()):
    made = []
    for i, rating in enumerate(ratings):
        line = bought_line(product, buyer=make_user(full_name=f"Lan Nguyen{i}"))
        body = bodies[i] if bodies else f"Review number {i}"
        photos = [png_bytes()] if i in images_for else []
        review = reviews.create_review(line.order.buyer, line.id, rating, body, photos)
        review.created_at = BASE + timedelta(minutes=i)
        made.append(review)
    db.session.flush()
    return made


def test_reviews_page_shows_summary_and_newest_first(client):
    _, _, product = seller_with_product(title="Áo dài lụa")
    made = publish(product, [5, 3, 4], bodies=["Đẹp lắm", "So-so <b>bold</b>", "Good"])
    page = client.get(f"/p/{product.id}/reviews")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Reviews of Áo dài lụa" in html
    assert 'id="reviews-average">4.0<' in html and "3 reviews" in html
    assert html.index(f"review-{made[2].id}") < html.index(f"review-{made[1].id}") < html.index(f"review-{made[0].id}")
    assert "So-so &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert "Lan N." in html  # first name and initial only


def test_filters_work_without_javascript(client, temp_storage):
    _, _, product = seller_with_product()
    made = publish(product, [5, 1, 5, 2], images_for={2, 3})
    html = client.get(f"/p/{product.id}/reviews?rating=5").get_data(as_text=True)
    assert f"review-{made[0].id}" in html and f"review-{made[2].id}" in html and f"review-{made[1].id}" not in html
    assert '<option value="5" selected>' in html
    html = client.get(f"/p/{product.id}/reviews?with_images=1").get_data(as_text=True)
    assert [f"review-{r.id}" in html for r in made] == [False, False, True, True]
    html = client.get(f"/p/{product.id}/reviews?rating=4").get_data(as_text=True)
    assert "No reviews match these filters." in html


def test_htmx_filter_gets_the_list_fragment_only(client):
    _, _, product = seller_with_product()
    made = publish(product, [5, 1])
    response = client.get(f"/p/{product.id}/reviews/list?rating=1", headers=htmx("reviews-list"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="reviews-list"' in html
    assert f"review-{made[1].id}" in html and f"review-{made[0].id}" not in html
    # The page itself answers an htmx request aimed at the list with the same fragment.
    html = client.get(f"/p/{product.id}/reviews?rating=1", headers=htmx("reviews-list")).get_data(as_text=True)
    assert "<html" not in html and f"review-{made[1].id}" in html


def test_load_more_pages_through_everything(client):
    _, _, product = seller_with_product()
    made = publish(product, [4] * 13)
    html = client.get(f"/p/{product.id}/reviews").get_data(as_text=True)
    seen = [r.id for r in made if f"review-{r.id}" in html]
    assert len(seen) == 10 and 'id="reviews-more"' in html
    cursor = parse_qs(urlsplit(load_more(html, "reviews-more")[1]["href"]).query)["cursor"][0]
    fragment = client.get(f"/p/{product.id}/reviews/list?cursor={cursor}", headers=htmx("reviews-more"))
    rest = fragment.get_data(as_text=True)
    assert 'id="reviews-list"' not in rest and 'id="reviews-more"' not in rest
    assert sorted(seen + [r.id for r in made if f"review-{r.id}" in rest]) == sorted(r.id for r in made)
    # Without JS the same link opens the next page as a full page.
    assert "Back to the newest reviews" in client.get(f"/p/{product.id}/reviews?cursor={cursor}").get_data(as_text=True)


def test_load_more_link_opens_the_next_page_without_javascript_and_appends_with_htmx(client):
    _, _, product = seller_with_product()
    made = publish(product, [4] * 12 + [5] * 13)
    html = client.get(f"/p/{product.id}/reviews?rating=4").get_data(as_text=True)
    wrapper, link = load_more(html, "reviews-more")
    # The shared markup (macros/_paging.html): htmx swaps the wrapper, filters and cursor travel in both URLs.
    assert wrapper["tag"] == "div" and link["rel"] == "next" and link["hx-swap"] == "outerHTML"
    assert link["hx-target"] == "#reviews-more" and link["hx-push-url"] == "false"
    href, fragment_url = urlsplit(link["href"]), urlsplit(link["hx-get"])
    assert href.path == f"/p/{product.id}/reviews" and fragment_url.path == f"/p/{product.id}/reviews/list"
    assert parse_qs(href.query) == parse_qs(fragment_url.query)
    assert parse_qs(href.query)["rating"] == ["4"] and parse_qs(href.query)["cursor"]
    last_two = [f"review-{r.id}" for r in made[:2]]
    # Without JavaScript: the full reviews page at the next page.
    page = client.get(link["href"]).get_data(as_text=True)
    assert "<html" in page and all(r in page for r in last_two) and f"review-{made[-1].id}" not in page
    # With htmx: only the next items, aimed at the wrapper; the last page has no further link.
    fragment = client.get(link["hx-get"], headers=htmx("reviews-more")).get_data(as_text=True)
    assert "<html" not in fragment and all(r in fragment for r in last_two)
    assert load_more(fragment, "reviews-more") == (None, None)


def test_listing_pages_use_a_fixed_number_of_statements(client, count_queries):
    _, _, small = seller_with_product()
    _, _, large = seller_with_product()
    publish(small, [5, 4])
    publish(large, [3] * 10)
    ids = [small.id, large.id]
    db.session.commit()
    counts = []
    for product_id in ids:
        with count_queries() as queries:
            assert client.get(f"/p/{product_id}/reviews").status_code == 200
        counts.append(len([q for q in queries if not q.startswith(("SAVEPOINT", "RELEASE"))]))
    # product, reviews joined with their authors and photos, the star counts
    assert counts == [3, 3]


@pytest.mark.parametrize("path", ["reviews", "reviews/list"])
@pytest.mark.parametrize("rating", ["6", "abc", "-1"])
def test_bad_rating_filter_is_a_clear_422(client, path, rating):
    _, _, product = seller_with_product()
    response = client.get(f"/p/{product.id}/{path}?rating={rating}")
    assert response.status_code == 422 and "rating from 1 to 5" in response.get_data(as_text=True)


def test_bad_cursor_is_a_clear_422(client):
    _, _, product = seller_with_product()
    response = client.get(f"/p/{product.id}/reviews/list?cursor=nonsense")
    assert response.status_code == 422 and "no longer valid" in response.get_data(as_text=True)


def test_invisible_products_have_no_reviews_page(client):
    _, _, hidden = seller_with_product(status=ProductStatus.HIDDEN)
    _, shop, in_suspended_shop = seller_with_product()
    shop.status = ShopStatus.SUSPENDED
    db.session.flush()
    for product in (hidden, in_suspended_shop):
        assert client.get(f"/p/{product.id}/reviews").status_code == 404
        assert client.get(f"/p/{product.id}/reviews/list").status_code == 404


def test_hidden_reviews_leave_the_page_and_the_average(client):
    _, _, product = seller_with_product()
    made = publish(product, [5, 1])
    reviews.set_review_hidden(make_user(role=Role.ADMIN), made[1], True, "Spam")
    html = client.get(f"/p/{product.id}/reviews").get_data(as_text=True)
    assert f"review-{made[1].id}" not in html and 'id="reviews-average">5.0<' in html and "1 review<" in html


def test_seller_reply_is_shown_under_the_review(client):
    seller, _, product = seller_with_product()
    review = publish(product, [2])[0]
    reviews.set_seller_reply(seller, review, "We're sorry — a new one is on its way.")
    html = client.get(f"/p/{product.id}/reviews").get_data(as_text=True)
    assert "Seller's reply" in html and "We&#39;re sorry — a new one is on its way." in html


def test_section_partial_renders_for_the_product_page(app, client):
    _, _, product = seller_with_product()
    made = publish(product, [4, 2])
    with app.test_request_context("/"):
        html = render_template("reviews/partials/_section.html", product=product)
    assert 'id="reviews"' in html and 'id="reviews-list"' in html and 'id="reviews-average">3.0<' in html
    assert all(f"review-{r.id}" in html for r in made)
    # The catalog's product page includes it.
    page = client.get(f"/p/{product.id}")
    if page.status_code == 200:
        assert 'id="reviews-summary"' in page.get_data(as_text=True)
