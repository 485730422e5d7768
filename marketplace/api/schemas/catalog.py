"""Schemas of the catalog API: categories, product listings and search, product details.

Money fields are integers in the currency's minor unit, beside a `currency` field.
Query models forbid unknown parameters, so a typo is a clear 422 rather than a silently
ignored filter.
"""
import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from marketplace.api.schemas import ApiModel

SortName = Literal["newest", "price_asc", "price_desc", "top_rated", "best_selling"]


class CategoryNodeOut(ApiModel):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    slug: str
    position: int
    children: list["CategoryNodeOut"] = []


class CategoryTreeOut(ApiModel):
    items: list[CategoryNodeOut] = Field(description="Top-level categories, each with its children")
    next_cursor: str | None = Field(None, description="Always null: the whole tree is one page (the list shape "
                                                      "of every API list)")


class ProductListQuery(ApiModel):
    category: str | None = Field(None, max_length=100, description="Category id or slug; includes its descendants")
    min_price: int | None = Field(None, ge=0, description="Minor units")
    max_price: int | None = Field(None, ge=0, description="Minor units")
    min_rating: float | None = Field(None, ge=0, le=5)
    shop_id: uuid.UUID | None = None
    in_stock: bool = False
    sort: SortName | None = Field(None, description="Default: newest")
    cursor: str | None = Field(None, max_length=500, description="next_cursor of the previous page")
    limit: int = Field(24, ge=1, le=48)

    @model_validator(mode="after")
    def _price_range(self):
        if self.min_price is not None and self.max_price is not None and self.max_price < self.min_price:
            raise ValueError("max_price must be at least min_price.")
        return self


class ProductSearchQuery(ProductListQuery):
    q: str = Field(min_length=1, max_length=200, description="Words to find; accents optional")
    sort: Literal["relevance", "newest", "price_asc", "price_desc", "top_rated", "best_selling"] | None = Field(
        None, description="Default: relevance")


class CatalogShopOut(ApiModel):
    id: uuid.UUID
    name: str
    slug: str


class ProductCardOut(ApiModel):
    id: uuid.UUID
    title: str
    currency: str
    min_price: int
    average_rating: float
    review_count: int
    sold_count: int
    created_at: datetime
    shop: CatalogShopOut
    thumb_url: str | None = None


class ProductListOut(ApiModel):
    items: list[ProductCardOut]
    next_cursor: str | None = None


class VariantOut(ApiModel):
    id: uuid.UUID
    sku: str
    name: str
    options: dict[str, str]
    currency: str
    price: int
    stock: int
    in_stock: bool
    image_id: uuid.UUID | None = None


class VariantListOut(ApiModel):
    items: list[VariantOut]
    next_cursor: str | None = None


class ProductImageOut(ApiModel):
    id: uuid.UUID
    url: str
    thumb_url: str
    width: int | None = None
    height: int | None = None
    position: int


class CategoryRefOut(ApiModel):
    id: uuid.UUID
    name: str
    slug: str


class ProductDetailOut(ApiModel):
    id: uuid.UUID
    title: str
    description: str
    currency: str
    min_price: int
    average_rating: float
    review_count: int
    sold_count: int
    created_at: datetime
    category: CategoryRefOut | None
    breadcrumbs: list[CategoryRefOut]
    shop: CatalogShopOut
    images: list[ProductImageOut]
    variants: list[VariantOut]
