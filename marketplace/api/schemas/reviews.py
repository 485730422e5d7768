"""Schemas of the reviews API. The rules (rating 1–5, text up to 2,000 characters, who may
review) live in services/reviews/reviews.py; these models fix the shape, so a rating of 6 gets the
service's own message in the usual 422 error."""
import uuid

from pydantic import BaseModel, Field

from marketplace.api.schemas import ApiModel, Moment, multi_line, one_line, whole
from marketplace.api.schemas.uploads import FilesIn, UploadedFiles
from marketplace.models import Review
from marketplace.services.core.input_rules import INT4_MAX, INT4_MIN
from marketplace.services.reviews.reviews import EDIT_WINDOW, IMAGES_MAX
from marketplace.storage import media_url

# Any INTEGER (the column's range): the service says "1 to 5" itself, in the same words as the pages.
Stars = whole(INT4_MIN, INT4_MAX)


class ReviewImageOut(ApiModel):
    id: uuid.UUID
    url: str
    thumb_url: str


class ReviewOut(ApiModel):
    id: uuid.UUID
    product_id: uuid.UUID
    order_item_id: uuid.UUID
    rating: int = Field(description="1 to 5 stars")
    body: str
    has_images: bool
    images: list[ReviewImageOut]
    author_name: str = Field(description="The reviewer's first name and last initial")
    seller_reply: str | None = None
    seller_replied_at: Moment | None = None
    is_hidden: bool = Field(False, description="Only ever true on your own reviews: moderators hid it")
    created_at: Moment
    updated_at: Moment | None = None
    editable_until: Moment

    @classmethod
    def of(cls, review: Review) -> "ReviewOut":
        parts = review.user.full_name.split()
        name = (parts[0] + (f" {parts[-1][0]}." if len(parts) > 1 else "")) if parts else "A buyer"
        return cls(
            id=review.id, product_id=review.product_id, order_item_id=review.order_item_id, rating=review.rating,
            body=review.body, has_images=review.has_images,
            images=[ReviewImageOut(id=i.id, url=media_url(i.storage_key), thumb_url=media_url(i.thumb_key))
                    for i in review.images],
            author_name=name, seller_reply=review.seller_reply, seller_replied_at=review.seller_replied_at,
            is_hidden=review.is_hidden, created_at=review.created_at, updated_at=review.updated_at,
            editable_until=review.created_at + EDIT_WINDOW,
        )


class RatingSummaryOut(ApiModel):
    average: float = Field(description="Average of the visible reviews, rounded to 2 decimals (0 when none)")
    count: int
    stars: dict[str, int] = Field(description='Reviews per star: {"5": 12, "4": 3, ...}')


class ReviewListOut(ApiModel):
    items: list[ReviewOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page")
    summary: RatingSummaryOut


class ReviewListQuery(BaseModel):
    rating: Stars | None = Field(None, description="Only reviews with this many stars (1–5)")
    with_images: bool = Field(False, description="Only reviews with photos")
    cursor: one_line(500) | None = None
    limit: whole(1, 50) = 10


class ReviewCreateIn(ApiModel):
    """The rating and the text; photos are added afterwards by POST reviews/{review_id}/images."""

    order_item_id: uuid.UUID = Field(description="The delivered order line being reviewed (from GET orders/{id})")
    rating: Stars = Field(description="1 to 5 stars")
    body: multi_line(20_000) = Field("", description="Up to 2,000 characters")


class ReviewUpdateIn(ApiModel):
    """Editable by the author for 30 days after writing; omitted fields stay as they are."""

    rating: Stars | None = Field(None, description="1 to 5 stars")
    body: multi_line(20_000) | None = Field(None, description="Up to 2,000 characters")


class ReviewImagesIn(FilesIn):
    """multipart/form-data: the photos to add, each a part named `images`."""

    images: UploadedFiles = Field(
        description=f"JPEG, PNG, WebP or GIF files, up to 5 MB each; a review holds at most {IMAGES_MAX} photos "
                    "in all. They are stored re-encoded as WebP, without their metadata.",
    )
