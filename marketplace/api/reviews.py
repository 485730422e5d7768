"""API: product reviews — list them, write one for a delivered order line, edit your own.

A review is written in JSON (rating and text); its photos are added afterwards by
POST reviews/{id}/images, the one multipart body of this area (api/errors.py takes_files).
"""
import uuid

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from spectree import Response

from marketplace.api import bp
from marketplace.api.errors import takes_files
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.reviews import (
    RatingSummaryOut, ReviewCreateIn, ReviewImagesIn, ReviewListOut, ReviewListQuery, ReviewOut, ReviewUpdateIn,
)
from marketplace.api.schemas.uploads import read_all
from marketplace.api.spec import SESSION_CSRF, spec
from marketplace.extensions import db
from marketplace.models import Product, Review
from marketplace.services.catalog.visibility import visible_products
from marketplace.services.reviews import review_queries, reviews
from marketplace.web.auth import login_required


def _review_out(review_id: uuid.UUID) -> ReviewOut:
    return ReviewOut.of(db.session.get(Review, review_id))


@bp.get("/products/<uuid:product_id>/reviews")
@spec.validate(query=ReviewListQuery, resp=Response(HTTP_200=ReviewListOut, HTTP_404=ErrorOut, HTTP_422=ErrorOut),
               tags=["reviews"])
def list_product_reviews(product_id: uuid.UUID):
    """Anyone: a visible product's reviews, newest first, filtered by rating / with photos, keyset-paged."""
    if db.session.scalar(visible_products().where(Product.id == product_id)) is None:
        abort(404, description=_("We couldn't find that product."))
    query = request.context.query
    page = review_queries.list_product_reviews(product_id, rating=query.rating, with_images=query.with_images,
                                               cursor=query.cursor, limit=query.limit)
    summary = review_queries.rating_summary(product_id)
    return ReviewListOut(
        items=[ReviewOut.of(r) for r in page.items], next_cursor=page.next_cursor,
        summary=RatingSummaryOut(average=float(summary.average), count=summary.count,
                                 stars={str(k): v for k, v in summary.stars.items()}),
    ), 200


@bp.post("/reviews")
@login_required
@spec.validate(json=ReviewCreateIn, resp=Response(HTTP_201=ReviewOut, HTTP_401=ErrorOut, HTTP_403=ErrorOut,
                                                  HTTP_404=ErrorOut, HTTP_409=ErrorOut, HTTP_422=ErrorOut),
               tags=["reviews"], security=SESSION_CSRF)
def create_review():
    """The buyer of a delivered/completed order line: review it once (rating 1–5, text up to 2,000 chars)."""
    body = request.context.json
    review = reviews.create_review(current_user._get_current_object(), body.order_item_id, body.rating, body.body)
    return _review_out(review.id), 201


@bp.put("/reviews/<uuid:review_id>")
@login_required
@spec.validate(json=ReviewUpdateIn, resp=Response(HTTP_200=ReviewOut, HTTP_401=ErrorOut, HTTP_403=ErrorOut,
                                                  HTTP_404=ErrorOut, HTTP_422=ErrorOut),
               tags=["reviews"], security=SESSION_CSRF)
def update_review(review_id: uuid.UUID):
    """The review's author, within 30 days of writing it: change its rating and/or text."""
    body = request.context.json
    reviews.update_review(current_user._get_current_object(), review_id, rating=body.rating, body=body.body)
    return _review_out(review_id), 200


@bp.post("/reviews/<uuid:review_id>/images")
@takes_files
@login_required
@spec.validate(form=ReviewImagesIn, resp=Response(HTTP_201=ReviewOut, HTTP_401=ErrorOut, HTTP_403=ErrorOut,
                                                  HTTP_404=ErrorOut, HTTP_413=ErrorOut, HTTP_415=ErrorOut,
                                                  HTTP_422=ErrorOut),
               tags=["reviews"], security=SESSION_CSRF)
def add_review_images(review_id: uuid.UUID):
    """The review's author, within 30 days: add photos (multipart/form-data, parts named `images`).

    The same rules as the web form: at most 5 photos per review, each a real JPEG, PNG, WebP or GIF
    up to 5 MB (re-encoded as WebP); a refused request stores nothing. Answers the review.
    """
    files = read_all(request.context.form.images)
    reviews.update_review(current_user._get_current_object(), review_id, new_images=files)
    return _review_out(review_id), 201


@bp.delete("/reviews/<uuid:review_id>/images/<uuid:image_id>")
@login_required
@spec.validate(resp=Response(HTTP_200=ReviewOut, HTTP_401=ErrorOut, HTTP_403=ErrorOut, HTTP_404=ErrorOut),
               tags=["reviews"], security=SESSION_CSRF)
def delete_review_image(review_id: uuid.UUID, image_id: uuid.UUID):
    """The review's author, within 30 days: remove one photo (its files go once that is committed)."""
    reviews.remove_review_image(current_user._get_current_object(), review_id, image_id)
    return _review_out(review_id), 200
