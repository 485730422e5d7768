"""Schemas of the wishlist (saved products) and following (followed shops) API."""
import uuid

from pydantic import Field

from marketplace.api.schemas import ApiModel, Moment, one_line, whole
from marketplace.api.schemas.catalog import ProductCardOut


class SavedListQuery(ApiModel):
    cursor: one_line(500) | None = Field(None, description="next_cursor of the previous page")
    limit: whole(1, 48) = 24


class SavedListOut(ApiModel):
    items: list[ProductCardOut] = Field(description="Saved products that are still on sale, last saved first")
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page")


class FollowedShopOut(ApiModel):
    id: uuid.UUID
    name: str
    slug: str
    logo_url: str | None = None
    product_count: int = Field(description="Products on sale")
    review_count: int = Field(description="Reviews of its products on sale")
    average_rating: float = Field(description="Average of those reviews, 0 without any")
    followed_at: Moment


class FollowingListOut(ApiModel):
    items: list[FollowedShopOut] = Field(description="Open shops the user follows, last followed first")
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page")
