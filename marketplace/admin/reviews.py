"""Admin reviews: every review, filtered; hide one (it leaves the product's average) or show it again."""
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.admin import bp
from marketplace.admin.confirm import Confirmation, render_confirm, swap_target
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
        unhide_form=UnhideReviewForm(), back=request.full_path.rstrip("?"),
    )


def _load(review_id: uuid.UUID) -> Review:
    try:
        return admin_queries.get_review(review_id)
    except NotFound:
        abort(404)


def _answer(review: Review, message: str, ok: bool):
    """htmx: the review's row, updated in place. Plain form: flash and back to the list (PRG)."""
    if htmx_target() == f"review-{review.id}":
        row = admin_queries.review_row(review)
        html = render_template(
            "admin/partials/_review_row.html", row=row, notice=message if ok else None,
            error=None if ok else message,
            unhide_form=UnhideReviewForm(), back=back_to(url_for("admin.list_reviews")),
        )
        return html, 200 if ok else 422
    flash(message, "success" if ok else "danger")
    return redirect(back_to(url_for("admin.list_reviews")), code=303)


def _hide_confirmation(review: Review, form: HideReviewForm) -> Confirmation:
    unused, product_title, shop_name = admin_queries.review_row(review)
    stars = _("%(rating)s of 5 stars", rating=review.rating)
    return Confirmation(
        title=_("Hide this %(stars)s review of “%(product)s”?", stars=stars, product=product_title),
        button=_("Hide the review"), form=form, reason=True,
        consequences=[_("Shoppers no longer see it, and the product's rating leaves it out."),
                      _("You can show it again later.")],
        action_url=url_for("admin.hide_review", review_id=review.id), back=back_to(url_for("admin.list_reviews")),
        target=swap_target(f"review-{review.id}"),
        blocked=_("This review is already hidden.") if review.is_hidden else None,
        details=[(_("Review"), _("%(stars)s by %(name)s: %(text)s", stars=stars, name=review.user.full_name,
                                 text=(review.body or _("(no text)"))[:160])),
                 (_("Product"), f"{product_title} ({shop_name})")],
    )


@bp.get("/reviews/<uuid:review_id>/hide")
@admin_required
def confirm_hide_review(review_id: uuid.UUID):
    """Admins: the confirm step of hiding a review, with the reason field (read-only)."""
    review = _load(review_id)
    return render_confirm(_hide_confirmation(review, hide_form_for(review, formdata=None)))


@bp.post("/reviews/<uuid:review_id>/hide")
@admin_required
def hide_review(review_id: uuid.UUID):
    """Admins: hide a review with a reason, once confirmed (the product's average drops it; audited)."""
    review = _load(review_id)
    form = hide_form_for(review, formdata=request.form)
    if not form.confirmed:
        return render_confirm(_hide_confirmation(review, form))  # a stray POST: ask, change nothing
    if not form.validate():
        return render_confirm(_hide_confirmation(review, form), status=422)
    try:
        with db.session.begin_nested():  # a refusal undoes only its own changes
            review_service.set_review_hidden(current_user, review, True, form.reason.data)
    except DomainError as error:
        if "reason" in error.fields:
            form.reason.errors.append(error.message)
            return render_confirm(_hide_confirmation(review, form), status=422)
        return _answer(review, error.message, ok=False)
    return _answer(review, _("Review hidden: it no longer counts in the product's rating."), ok=True)


@bp.post("/reviews/<uuid:review_id>/unhide")
@admin_required
def unhide_review(review_id: uuid.UUID):
    """Admins: show a hidden review again (it counts in the average again; audited)."""
    review = _load(review_id)
    if not UnhideReviewForm().validate():
        return _answer(review, _("Your form expired. Reload the page and try again."), ok=False)
    try:
        with db.session.begin_nested():  # a refusal undoes only its own changes
            review_service.set_review_hidden(current_user, review, False, None)
    except DomainError as error:
        return _answer(review, error.message, ok=False)
    return _answer(review, _("Review shown again and counted in the rating."), ok=True)
