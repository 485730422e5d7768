"""Reviews: written by the buyer of a delivered order line, answered by the seller, moderated by admins.

The product's `rating_sum`, `review_count` and `average_rating` move in the same
transaction as the review, through ONE atomic UPDATE that computes the new values
from the row as the database sees it (never a read-modify-write in Python), so any
number of concurrent reviews leave the counters exact. Hidden reviews are outside
the counters. Listings live in services/reviews/review_queries.py.
"""
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import Numeric, case, cast, func, select, update
from sqlalchemy.exc import IntegrityError

from marketplace import i18n
from marketplace import dates
from marketplace.extensions import db
from marketplace.models import Order, OrderItem, OrderStatus, Product, Review, ReviewImage, Role, Shop, User
from marketplace.services.accounts.notifications import notify
from marketplace.services.cart.own_shop import OWN_SHOP, is_own_shop
from marketplace.services.core import audit
from marketplace.services.core.effects import after_commit
from marketplace.services.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.services.core.images import StoredImage, delete_image, store_image
from marketplace.services.core.text import nfc
from marketplace.services.ordering import statuses

REVIEWABLE_STATUSES = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
EDIT_WINDOW = timedelta(days=30)
BODY_MAX = 2000
REPLY_MAX = 2000
REASON_MAX = 500
IMAGES_MAX = 5
IMAGE_FOLDER = "reviews"


# --- input rules -----------------------------------------------------------------

def clean_rating(rating) -> int:
    """The rating as an int from 1 to 5, or a ValidationFailed on `rating`."""
    try:
        value = int(rating) if not isinstance(rating, bool) and float(rating) == int(rating) else None
    except (TypeError, ValueError, OverflowError):
        value = None
    if value is None or not 1 <= value <= 5:
        raise ValidationFailed(_("Choose a rating from 1 to 5 stars."), field="rating", code="rating_invalid")
    return value


def clean_body(body: str | None) -> str:
    text = nfc(body)
    if len(text) > BODY_MAX:
        raise ValidationFailed(
            _("Keep your review to %(limit)s characters (it has %(length)s).", limit=format_number(BODY_MAX),
              length=format_number(len(text))),
            field="body", code="body_too_long",
        )
    return text


def _check_image_count(count: int) -> None:
    if count > IMAGES_MAX:
        raise ValidationFailed(_("A review can have at most %(limit)s photos.", limit=IMAGES_MAX), field="images",
                               code="too_many_images")


def _store_images(images: Iterable[bytes]) -> list[StoredImage]:
    """Store every upload or none: a bad file removes the ones already stored."""
    stored: list[StoredImage] = []
    try:
        for data in images:
            stored.append(store_image(data, IMAGE_FOLDER, field="images"))
    except Exception:
        for image in stored:
            delete_image(image.key, image.thumb_key)
        raise
    return stored


def _short(text: str, limit: int = 120) -> str:
    # Notification titles hold 200 characters; a product title may take all of them.
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_editable(review: Review, now: datetime | None = None) -> bool:
    return (now or datetime.now(timezone.utc)) - review.created_at <= EDIT_WINDOW


# --- product counters --------------------------------------------------------------

def _bump_product_rating(product_id: uuid.UUID, rating_delta: int, count_delta: int) -> None:
    """Move the product's counters by the deltas in one atomic UPDATE.

    The SET expressions read the row's current values inside the UPDATE, and the row
    lock it takes makes concurrent reviews of one product queue up (READ COMMITTED
    re-reads the newest row version), so no increment is ever lost.
    """
    new_sum = Product.rating_sum + rating_delta
    new_count = Product.review_count + count_delta
    db.session.execute(
        update(Product)
        .where(Product.id == product_id)
        .values(
            rating_sum=new_sum,
            review_count=new_count,
            average_rating=case((new_count > 0, func.round(cast(new_sum, Numeric) / new_count, 2)), else_=0),
        )
        .execution_options(synchronize_session="fetch")
    )


# --- buyer: write and edit -------------------------------------------------------------

def reviewable_line(user: User, order_item_id: uuid.UUID) -> OrderItem:
    """The order line `user` may review now, or the reason why not (404, 403 or 409)."""
    row = db.session.execute(
        select(OrderItem, Order.buyer_id, Order.status, Shop.owner_id)
        .join(Order, Order.id == OrderItem.order_id)
        .join(Shop, Shop.id == Order.shop_id)
        .where(OrderItem.id == order_item_id)
    ).first()
    if row is None:
        raise NotFound(_("We couldn't find that purchase."), code="order_item_not_found")
    item, buyer_id, status, owner_id = row
    if buyer_id != user.id:
        raise Forbidden(_("Only the buyer of this order can review it."), code="not_the_buyer")
    if is_own_shop(owner_id, user.id):  # bought before the rule, or the shop changed hands to its buyer
        raise Forbidden(_("You can't review a product of your own shop."), code=OWN_SHOP)
    if status not in REVIEWABLE_STATUSES:
        raise Forbidden(
            _("You can review this product once your order has been delivered (it is %(status)s now).",
              status=statuses.label(status).lower()),
            code="order_not_delivered",
        )
    if item.product_id is None:
        raise Forbidden(_("This product no longer exists, so it can't be reviewed."), code="product_gone")
    if db.session.scalar(select(Review.id).where(Review.order_item_id == item.id)) is not None:
        raise Conflict(_("You have already reviewed this purchase. You can edit your review instead."),
                       code="already_reviewed")
    return item


def create_review(user: User, order_item_id: uuid.UUID, rating, body: str | None = "",
                  images: Iterable[bytes] = ()) -> Review:
    """`user` reviews one line of their delivered (or completed) order; flushed, not committed.

    Locking: the unique index on reviews.order_item_id settles two submissions of the
    same line (the second waits for the first and then fails as "already reviewed");
    the product counters move in one atomic UPDATE (see _bump_product_rating).
    """
    rating = clean_rating(rating)
    body = clean_body(body)
    images = list(images)
    _check_image_count(len(images))
    item = reviewable_line(user, order_item_id)
    stored = _store_images(images)
    review = Review(product_id=item.product_id, order_item_id=item.id, user_id=user.id, rating=rating,
                    body=body, has_images=bool(stored))
    review.images = [ReviewImage(storage_key=s.key, thumb_key=s.thumb_key, position=i) for i, s in enumerate(stored)]
    try:
        with db.session.begin_nested():
            db.session.add(review)
            db.session.flush()
    except IntegrityError as exc:
        for image in stored:
            delete_image(image.key, image.thumb_key)
        raise Conflict(_("You have already reviewed this purchase. You can edit your review instead."),
                       code="already_reviewed") from exc
    _bump_product_rating(item.product_id, rating, 1)
    title, owner = db.session.execute(
        select(Product.title, User).join(Shop, Shop.id == Product.shop_id).join(User, User.id == Shop.owner_id)
        .where(Product.id == item.product_id)
    ).one()
    with i18n.in_language_of(owner):
        notify(owner.id, "review.new", _("New %(rating)s-star review of “%(product)s”", rating=rating,
                                         product=_short(title)), body=body[:200], link="/seller/reviews")
    return review


def editable_review(user: User, review_id: uuid.UUID, *, lock: bool = False) -> Review:
    """`user`'s own review if it may still be edited: 404 for anyone else's, 403 after 30 days."""
    review = db.session.get(Review, review_id, with_for_update=lock or None, populate_existing=lock)
    if review is None or review.user_id != user.id:
        raise NotFound(_("We couldn't find that review."), code="review_not_found")
    if not is_editable(review):
        raise Forbidden(
            _("Reviews can be edited for %(days)s days after they are written; this one was written on %(date)s.",
              days=EDIT_WINDOW.days, date=dates.format_date(review.created_at)),
            code="edit_window_closed",
        )
    return review


def update_review(user: User, review_id: uuid.UUID, *, rating=None, body: str | None = None,
                  new_images: Iterable[bytes] = (), remove_image_ids: Iterable[uuid.UUID] = ()) -> Review:
    """The author changes rating, text or photos within 30 days; flushed, not committed.

    Locking: the review row is locked (FOR UPDATE) so a concurrent edit or an admin
    hiding it cannot both move the product counters from the same old rating.
    """
    rating = clean_rating(rating) if rating is not None else None
    body = clean_body(body) if body is not None else None
    new_images = list(new_images)
    review = editable_review(user, review_id, lock=True)
    remove = {uuid.UUID(str(i)) for i in remove_image_ids}
    kept = [image for image in review.images if image.id not in remove]
    _check_image_count(len(kept) + len(new_images))
    stored = _store_images(new_images)
    removed = [image for image in review.images if image.id in remove]
    for image in removed:
        review.images.remove(image)
        after_commit(db.session, delete_image, image.storage_key, image.thumb_key)
    start = max((image.position for image in kept), default=-1) + 1
    for offset, image in enumerate(stored):
        review.images.append(ReviewImage(storage_key=image.key, thumb_key=image.thumb_key, position=start + offset))
    review.has_images = bool(review.images)
    if body is not None:
        review.body = body
    if rating is not None and rating != review.rating:
        if not review.is_hidden:
            _bump_product_rating(review.product_id, rating - review.rating, 0)
        review.rating = rating
    db.session.flush()
    return review


def remove_review_image(user: User, review_id: uuid.UUID, image_id: uuid.UUID) -> Review:
    """The author removes one photo (the edit form's "remove" box, named by id): unlike
    update_review, which ignores ids that are not on the review, an unknown photo is a 404."""
    review = editable_review(user, review_id)
    if all(image.id != image_id for image in review.images):
        raise NotFound(_("We couldn't find that photo on your review."), code="review_image_not_found")
    return update_review(user, review_id, remove_image_ids=[image_id])


# --- seller and admin ---------------------------------------------------------------

def shop_review(seller: User, review_id: uuid.UUID) -> Review:
    """A review of one of `seller`'s products; 404 for any other review."""
    review = db.session.scalar(
        select(Review).join(Product, Product.id == Review.product_id).join(Shop, Shop.id == Product.shop_id)
        .where(Review.id == review_id, Shop.owner_id == seller.id)
    )
    if review is None:
        raise NotFound(_("We couldn't find that review."), code="review_not_found")
    return review


def set_seller_reply(seller: User, review: Review, text: str | None) -> Review:
    """The owner of the reviewed product's shop writes (or rewrites) the one public reply."""
    shop_review(seller, review.id)
    reply = nfc(text)
    if not reply:
        raise ValidationFailed(_("Write a reply before sending it."), field="reply", code="reply_required")
    if len(reply) > REPLY_MAX:
        raise ValidationFailed(_("Keep your reply to %(limit)s characters (it has %(length)s).",
                                 limit=format_number(REPLY_MAX), length=format_number(len(reply))),
                               field="reply", code="reply_too_long")
    first_reply = review.seller_reply is None
    review.seller_reply = reply
    review.seller_replied_at = datetime.now(timezone.utc)
    db.session.flush()
    if first_reply:
        title = db.session.scalar(select(Product.title).where(Product.id == review.product_id))
        with i18n.in_language_of(db.session.get(User, review.user_id)):
            notify(review.user_id, "review.reply",
                   _("The seller replied to your review of “%(product)s”", product=_short(title)),
                   body=reply[:200], link="/account/reviews?tab=written")
    return review


def set_review_hidden(actor_admin: User, review: Review, hidden: bool, reason: str | None = None) -> Review:
    """An admin hides a review (it leaves the average) or shows it again; audited.

    Locking: the review row is locked (FOR UPDATE) so two moderators, or a moderator and
    the author editing, cannot apply the counter change twice.
    """
    if actor_admin.role != Role.ADMIN:
        raise Forbidden(_("Only administrators can hide or show reviews."), code="not_admin")
    reason = nfc(reason) or None
    if hidden and not reason:
        raise ValidationFailed(_("Give a reason for hiding this review."), field="reason", code="reason_required")
    if reason and len(reason) > REASON_MAX:
        raise ValidationFailed(_("Keep the reason to %(limit)s characters.", limit=REASON_MAX), field="reason", code="reason_too_long")
    db.session.refresh(review, with_for_update=True)
    if review.is_hidden == hidden:
        raise Conflict(_("This review is already hidden.") if hidden else _("This review is not hidden."),
                       code="already_hidden" if hidden else "not_hidden")
    review.is_hidden = hidden
    review.hidden_reason = reason if hidden else None
    sign = -1 if hidden else 1
    _bump_product_rating(review.product_id, sign * review.rating, sign)
    db.session.flush()
    audit.record(actor_admin, "review.hide" if hidden else "review.unhide", "review", review.id, reason,
                 product_id=review.product_id, rating=review.rating)
    return review
