"""Reviews racing on one product, with real threads, each with its own app context, session
and connection: the product counters stay exact and a line is reviewed once."""
import random
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Product, Review, Role, User
from marketplace.services.core.errors import Conflict
from marketplace.services.reviews import reviews
from tests.factories import make_user
from tests.reviews_support import bought_line, seller_with_product

pytestmark = pytest.mark.concurrency
THREADS = 20


def race(app, moves) -> list:
    """Run every move (a function taking no arguments) in its own thread, released together;
    each commits on success. Returns what each returned or raised."""
    barrier = threading.Barrier(len(moves), timeout=30)
    outcomes: list = [None] * len(moves)

    def worker(i, move):
        with app.app_context():
            try:
                barrier.wait()
                outcomes[i] = move()
                db.session.commit()
            except Exception as error:  # examined by the assertions
                db.session.rollback()
                outcomes[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, move)) for i, move in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def product_and_rows(app, product_id):
    """The stored counters, and the same figures recomputed from the visible review rows."""
    with app.app_context():
        product = db.session.get(Product, product_id)
        ratings = db.session.scalars(select(Review.rating).where(Review.product_id == product_id,
                                                                 ~Review.is_hidden)).all()
        average = (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.01")) if ratings else Decimal("0")
        stored = (product.rating_sum, product.review_count, product.average_rating)
        db.session.remove()
    return stored, (sum(ratings), len(ratings), average)


def test_twenty_concurrent_reviews_leave_count_and_average_exact(committed_app):
    ratings = [random.Random(7).randint(1, 5) for _ in range(THREADS)]
    with committed_app.app_context():
        _, _, product = seller_with_product()
        bought = [bought_line(product) for _ in range(THREADS)]
        lines, buyers = [line.id for line in bought], [line.order.buyer_id for line in bought]
        product_id = product.id
        db.session.commit()
        db.session.remove()

    def review(buyer_id, line_id, rating):
        return lambda: reviews.create_review(db.session.get(User, buyer_id), line_id, rating, "Concurrent").id

    outcomes = race(committed_app, [review(b, line, r) for b, line, r in zip(buyers, lines, ratings)])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    stored, recomputed = product_and_rows(committed_app, product_id)
    expected_average = (Decimal(sum(ratings)) / THREADS).quantize(Decimal("0.01"))
    assert stored == recomputed == (sum(ratings), THREADS, expected_average)


def test_the_same_line_submitted_concurrently_is_reviewed_once(committed_app):
    with committed_app.app_context():
        _, _, product = seller_with_product()
        line = bought_line(product)
        ids = (line.order.buyer_id, line.id, product.id)
        db.session.commit()
        db.session.remove()
    buyer_id, line_id, product_id = ids

    def submit(rating):
        return lambda: reviews.create_review(db.session.get(User, buyer_id), line_id, rating).id

    outcomes = race(committed_app, [submit(1 + i % 5) for i in range(8)])
    created = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(created) == 1 and len(refused) == 7
    assert all(isinstance(o, Conflict) and o.code == "already_reviewed" for o in refused), refused
    stored, recomputed = product_and_rows(committed_app, product_id)
    assert stored == recomputed and stored[1] == 1


def test_edits_and_moderation_racing_keep_the_counters_exact(committed_app):
    with committed_app.app_context():
        _, _, product = seller_with_product()
        made = []
        for i in range(10):
            line = bought_line(product)
            made.append((line.order.buyer_id, reviews.create_review(line.order.buyer, line.id, 1 + i % 5).id))
        admin_id = make_user(role=Role.ADMIN).id
        product_id = product.id
        db.session.commit()
        db.session.remove()

    def edit(buyer_id, review_id, rating):
        return lambda: reviews.update_review(db.session.get(User, buyer_id), review_id, rating=rating).rating

    def hide(review_id):
        return lambda: reviews.set_review_hidden(db.session.get(User, admin_id), db.session.get(Review, review_id),
                                                 True, "Race test").is_hidden

    # Every review is edited, and every other one is hidden at the same moment.
    moves = [edit(b, r, 5 - i % 5) for i, (b, r) in enumerate(made)] + [hide(r) for _, r in made[::2]]
    outcomes = race(committed_app, moves)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    stored, recomputed = product_and_rows(committed_app, product_id)
    assert stored == recomputed and stored[1] == 5
