"""Schemas of the catalog API: categories, product listings and search, product details.

Money fields are integers in the currency's minor unit, beside a `currency` field.
Query models forbid unknown parameters, so a typo is a clear 422 rather than a silently
ignored filter.
"""
import uuid
from typing import Literal

from pydantic import Field, model_validator

from marketplace.api.schemas import ApiModel, Moment, number, one_line, search_text, whole
from marketplace.services.core.input_rules import MONEY_MAX

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
    category: one_line(100) | None = Field(None, description="Category id or slug; includes its descendants")
    min_price: whole(0, MONEY_MAX) | None = Field(None, description="Minor units")
    max_price: whole(0, MONEY_MAX) | None = Field(None, description="Minor units")
    min_rating: number(0, 5) | None = None
    shop_id: uuid.UUID | None = None
    in_stock: bool = False
    sort: SortName | None = Field(None, description="Default: newest")
    cursor: one_line(500) | None = Field(None, description="next_cursor of the previous page")
    limit: whole(1, 48) = 24

    @model_validator(mode="after")
    def _price_range(self):
        if self.min_price is not None and self.max_price is not None and self.max_price < self.min_price:
            raise ValueError("max_price must be at least min_price.")
        return self


class ProductSearchQuery(ProductListQuery):
    q: search_text(200, min_length=1) = Field(description="Words to find; accents optional")
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
    created_at: Moment
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
    created_at: Moment
    category: CategoryRefOut | None
    breadcrumbs: list[CategoryRefOut]
    shop: CatalogShopOut
    images: list[ProductImageOut]
    variants: list[VariantOut]
