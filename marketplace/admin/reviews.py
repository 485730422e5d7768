"""Admin reviews: every review, filtered; hide one (it leaves the product's average) or show it again."""
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.admin import bp
from marketplace.admin.forms import HideReviewForm, ReviewFilterForm, UnhideReviewForm, with_unique_ids
from marketplace.admin.tables import back_to, next_page_url, page_or_400, render_table
from marketplace.extensions import db
from marketplace.models import Review
from marketplace.services.admin import admin_queries
from marketplace.services.core.errors import DomainError, NotFound
from marketplace.services.reviews import reviews as review_service
from marketplace.web.auth import admin_required
from marketplace.web.htmx import htmx_target


def hide_form_for(review: Review, formdata=None) -> HideReviewForm:
    return with_unique_ids(HideReviewForm(formdata=formdata), review.id.hex[:12])


@bp.get("/reviews")
@admin_required
def list_reviews():
    """Admins: every review, filtered by visibility, rating and text (read-only)."""
    form = ReviewFilterForm(formdata=request.args)
    state, rating = form.value("state"), form.value("rating")
    page = page_or_400(admin_queries.list_reviews, q=form.value("q"), hidden=(state == "hidden") if state else None,
                       rating=int(rating) if rating else None)
    return render_table(
        "admin/reviews.html", "admin/partials/_reviews_results.html", "admin/partials/_reviews_rows.html",
        "reviews-results", "reviews-more", form=form, rows=page.items, next_url=next_page_url(page.next_cursor),
        hide_form_for=hide_form_for, unhide_form=UnhideReviewForm(), back=request.full_path.rstrip("?"),
    )


def _load(review_id: uuid.UUID) -> Review:
    try:
        return admin_queries.get_review(review_id)
    except NotFound:
        abort(404)


def _answer(review: Review, message: str, ok: bool, hide_form: HideReviewForm | None = None):
    """htmx: the review's row, updated in place. Plain form: flash and back to the list (PRG)."""
    if htmx_target() == f"review-{review.id}":
        row = admin_queries.review_row(review)
        html = render_template(
            "admin/partials/_review_row.html", row=row, notice=message if ok else None,
            error=None if ok else message, hide_form=hide_form or hide_form_for(review),
            unhide_form=UnhideReviewForm(), back=back_to(url_for("admin.list_reviews")),
        )
        return html, 200 if ok else 422
    flash(message, "success" if ok else "danger")
    return redirect(back_to(url_for("admin.list_reviews")), code=303)


def _set_hidden(review_id: uuid.UUID, hidden: bool):
    review = _load(review_id)
    form = hide_form_for(review, formdata=request.form) if hidden else UnhideReviewForm()
    if not form.validate():
        errors = form.reason.errors if hidden else []
        return _answer(review, " ".join(errors) or "Your form expired. Reload the page and try again.", ok=False,
                       hide_form=form if hidden else None)
    try:
        with db.session.begin_nested():  # a refusal undoes only its own changes
            review_service.set_review_hidden(current_user, review, hidden, form.reason.data if hidden else None)
    except DomainError as error:
        if hidden:
            form.reason.errors.append(error.message)
        return _answer(review, error.message, ok=False, hide_form=form if hidden else None)
    return _answer(review, "Review hidden: it no longer counts in the product's rating." if hidden
                   else "Review shown again and counted in the rating.", ok=True)


@bp.post("/reviews/<uuid:review_id>/hide")
@admin_required
def hide_review(review_id: uuid.UUID):
    """Admins: hide a review with a reason (the product's average drops it; audited)."""
    return _set_hidden(review_id, True)


@bp.post("/reviews/<uuid:review_id>/unhide")
@admin_required
def unhide_review(review_id: uuid.UUID):
    """Admins: show a hidden review again (it counts in the average again; audited)."""
    return _set_hidden(review_id, False)
