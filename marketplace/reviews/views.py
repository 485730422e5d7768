"""Review pages: a product's reviews (page + htmx fragments), writing and editing a review,
the buyer's "My reviews" page. The product page includes reviews/partials/_section.html,
which calls the `review_section` template global registered here."""
import uuid

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError
from wtforms.fields.choices import SelectChoice

from marketplace.extensions import db
from marketplace.models import Product
from marketplace.reviews import bp
from marketplace.reviews.forms import EditReviewForm, ReviewForm
from marketplace.services.catalog.visibility import visible_products
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.reviews import review_queries, reviews
from marketplace.web.auth import login_required
from marketplace.web.htmx import render_htmx


def apply_errors(form, error: ValidationFailed) -> None:
    """Put a service's field errors next to the matching inputs, the rest above the form."""
    placed = False
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def _visible_product(product_id: uuid.UUID) -> Product:
    product = db.session.scalar(visible_products().where(Product.id == product_id))
    if product is None:
        abort(404)
    return product


def _filters() -> dict:
    """The listing filters from the query string; a bad rating is a 422 with its reason."""
    rating = review_queries.clean_rating_filter(request.args.get("rating"))
    with_images = request.args.get("with_images", "").lower() in {"1", "true", "on", "yes"}
    return {"rating": rating, "with_images": with_images}


def _listing(product: Product, filters: dict, cursor: str | None = None) -> dict:
    page = review_queries.list_product_reviews(product.id, cursor=cursor, **filters)
    return {"product": product, "results": page, "filters": filters}


@bp.app_template_global()
def review_section(product) -> dict:
    """Everything reviews/partials/_section.html needs, for the catalog's product page (one statement).

    `product`: the page's product (services.catalog.ProductInfo), of which only the id is read."""
    cached = g.get("review_section")
    if cached is not None and cached["product"].id == product.id:
        return cached  # the page's head (its JSON-LD) and its review section show the same reviews
    page, summary = review_queries.reviews_with_summary(product.id)
    section = g.review_section = {"product": product, "results": page, "filters": {"rating": None, "with_images": False},
                                  "summary": summary}
    return section


@bp.app_template_global()
def product_page_url(product_id: uuid.UUID) -> str | None:
    """The storefront product page, if the catalog area serves one."""
    try:
        return url_for("catalog.view_product", product_id=product_id)
    except BuildError:
        return None


@bp.get("/p/<uuid:product_id>/reviews")
def product_reviews(product_id: uuid.UUID):
    """Anyone: all visible reviews of a visible product, filterable, with a plain "next page" link."""
    product = _visible_product(product_id)
    context = _listing(product, _filters(), request.args.get("cursor"))
    return render_htmx("reviews/product_reviews.html", "reviews/partials/_list.html", targets=("reviews-list",),
                       summary=review_queries.rating_summary(product.id), **context)


@bp.get("/p/<uuid:product_id>/reviews/list")
def list_reviews(product_id: uuid.UUID):
    """Anyone (htmx): the review list for new filters, or the next page of it ("load more")."""
    product = _visible_product(product_id)
    cursor = request.args.get("cursor")
    context = _listing(product, _filters(), cursor)
    return render_template("reviews/partials/_items.html" if cursor else "reviews/partials/_list.html", **context)


@bp.route("/reviews/new", methods=["GET", "POST"])
@login_required
def new_review():
    """The buyer of a delivered order line: write its one review (rating, text, photos)."""
    try:
        order_item_id = uuid.UUID(request.args.get("order_item_id", ""))
    except ValueError:
        abort(404)
    item = reviews.reviewable_line(current_user, order_item_id)  # 403/404/409 page with the reason
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            review = reviews.create_review(current_user, item.id, form.rating.data, form.body.data, form.uploads())
        except ValidationFailed as error:  # refused before anything is written; the 422 rolls back
            apply_errors(form, error)
        else:
            flash(_("Thank you! Your review is published."), "success")
            return redirect(url_for("reviews.product_reviews", product_id=review.product_id)
                            if _is_visible(review.product_id) else url_for("reviews.my_reviews", tab="written"))
    status = 422 if form.is_submitted() else 200
    return render_template("reviews/new.html", form=form, item=item), status


def _is_visible(product_id: uuid.UUID) -> bool:
    return db.session.scalar(select(visible_products().where(Product.id == product_id).exists())) or False


@bp.route("/reviews/<uuid:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit_review(review_id: uuid.UUID):
    """The review's author, within 30 days: change rating, text and photos."""
    review = reviews.editable_review(current_user, review_id)  # 404 for others, 403 after 30 days
    form = EditReviewForm(data={"rating": review.rating, "body": review.body} if request.method == "GET" else None)
    form.remove_images.choices = [SelectChoice(str(image.id), _("Photo %(number)s", number=n)) for n, image in enumerate(review.images, 1)]
    if form.validate_on_submit():
        try:
            reviews.update_review(current_user, review.id, rating=form.rating.data, body=form.body.data,
                                  new_images=form.uploads(), remove_image_ids=form.remove_images.data or [])
        except ValidationFailed as error:  # refused before the review is changed; the 422 rolls back
            apply_errors(form, error)
        else:
            flash(_("Your review is updated."), "success")
            return redirect(url_for("reviews.my_reviews", tab="written"))
    status = 422 if form.is_submitted() else 200
    return render_template("reviews/edit.html", form=form, review=review), status


@bp.get("/account/reviews")
@login_required
def my_reviews():
    """A signed-in buyer: the purchases waiting for a review, and the reviews they wrote."""
    tab = "written" if request.args.get("tab") == "written" else "to-review"
    cursor = request.args.get("cursor")
    if tab == "written":
        page = review_queries.list_user_reviews(current_user.id, cursor=cursor)
    else:
        page = review_queries.list_to_review(current_user.id, cursor=cursor)
    return render_htmx("reviews/my_reviews.html", "reviews/partials/_my_items.html", targets=("my-reviews-more",),
                       tab=tab, results=page, to_review_count=review_queries.count_to_review(current_user.id))
