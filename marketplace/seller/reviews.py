"""Seller center: the reviews of the shop's products, and the seller's public reply to each."""
import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.models import Review, Shop
from marketplace.reviews.forms import ReplyForm
from marketplace.reviews.views import apply_errors
from marketplace.seller import bp
from marketplace.seller.access import shop_required
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.reviews import review_queries, reviews
from marketplace.web import unit_of_work
from marketplace.web.htmx import is_htmx, render_htmx


def reply_form(review: Review) -> ReplyForm:
    # One form per review card: the prefix keeps field ids unique on the page.
    return ReplyForm(prefix=f"reply-{review.id}", data={"reply": review.seller_reply or ""})


@bp.get("/reviews")
@shop_required
def list_reviews(shop: Shop):
    """The shop's owner: reviews of the shop's products, newest first (optionally unanswered only)."""
    unreplied = request.args.get("unreplied") == "1"
    page = review_queries.list_shop_reviews(shop.id, unreplied=unreplied, rating=request.args.get("rating"),
                                            cursor=request.args.get("cursor"))
    forms = {row.review.id: reply_form(row.review) for row in page.items}
    return render_htmx("seller/reviews.html", "seller/partials/_review_items.html", targets=("seller-reviews-more",),
                       shop=shop, results=page, forms=forms, unreplied=unreplied)


@bp.post("/reviews/<uuid:review_id>/reply")
@shop_required
def reply_review(shop: Shop, review_id: uuid.UUID):
    """The shop's owner: write or change the one public reply to a review of their product."""
    review = reviews.shop_review(current_user, review_id)  # 404 for other shops' reviews
    form = ReplyForm(prefix=f"reply-{review.id}")
    saved = False
    if form.validate_on_submit():
        try:
            with unit_of_work.attempt():  # the card below shows the reply as it was
                reviews.set_seller_reply(current_user, review, form.reply.data)
            saved = True
        except ValidationFailed as error:
            apply_errors(form, error)
            review = reviews.shop_review(current_user, review_id)
    if saved and not is_htmx():
        flash(_("Your reply is published."), "success")
        return redirect(url_for("seller.list_reviews") + f"#seller-review-{review.id}")
    row = review_queries.ReviewRow(review, review_queries.product_title(review.product_id))
    template = "seller/partials/_review_card.html" if is_htmx() else "seller/reply.html"
    return render_template(template, shop=shop, row=row, form=form, saved=saved), 200 if saved else 422
