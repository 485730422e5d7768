"""One product as its page shows it: to shoppers (visible products only) and to its seller (a preview
whatever its status). ONE statement each, plus the cached category tree for the breadcrumbs."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, select

from marketplace.models import Product, ProductImage, ProductStatus, ProductVariant, Shop
from marketplace.services.catalog.category_queries import CategoryNode, CategoryTree, get_tree
from marketplace.services.catalog.visibility import not_public_reason, visible_condition
from marketplace.services.core.errors import NotFound
from marketplace.services.core.rows import execute_rows, json_list

# Plain read-only values, not ORM entities: the page only shows them, and loading entities
# (identity map, joined eager loads, de-duplication) cost three times the Python.

class ShopRef(NamedTuple):
    id: uuid.UUID
    name: str
    slug: str
    owner_id: uuid.UUID | None = None  # the owner sees "your shop's product", not an add-to-cart form
    logo_key: str | None = None
    joined: datetime | None = None


class VariantInfo(NamedTuple):
    id: uuid.UUID
    sku: str
    name: str
    options: dict
    price: int
    stock: int
    image_id: uuid.UUID | None
    position: int


class ImageInfo(NamedTuple):
    id: uuid.UUID
    storage_key: str
    thumb_key: str
    width: int | None
    height: int | None
    position: int
    share_key: str | None = None  # the 1200x630 link-preview picture (migration seo01)


class ProductInfo(NamedTuple):
    id: uuid.UUID
    title: str
    description: str
    min_price: int
    average_rating: Decimal
    review_count: int
    sold_count: int
    created_at: datetime
    category_id: uuid.UUID
    variants: list[VariantInfo]  # the live ones


@dataclass
class ProductDetail:
    product: ProductInfo
    shop: ShopRef
    variants: list[VariantInfo]
    images: list[ImageInfo]
    breadcrumbs: list[CategoryNode] = field(default_factory=list)

    def pick_variant(self, variant_id: uuid.UUID | None = None) -> VariantInfo | None:
        """The asked-for variant, else the first in stock, else the first; None when there is none."""
        if variant_id is not None:
            for variant in self.variants:
                if variant.id == variant_id:
                    return variant
        return next((v for v in self.variants if v.stock > 0), self.variants[0] if self.variants else None)

    def image_for(self, variant: VariantInfo | None) -> ImageInfo | None:
        if variant is not None and variant.image_id is not None:
            for image in self.images:
                if image.id == variant.image_id:
                    return image
        return self.images[0] if self.images else None


def _detail_select():
    """ONE statement: the product and its shop, with its live variants and its images as JSON lists
    (a product has a handful of each); which product it may be is the caller's WHERE."""
    variants = json_list(
        and_(ProductVariant.product_id == Product.id, ProductVariant.deleted_at.is_(None)),
        (ProductVariant.position, ProductVariant.id),
        id=ProductVariant.id, sku=ProductVariant.sku, name=ProductVariant.name, options=ProductVariant.options,
        price=ProductVariant.price, stock=ProductVariant.stock, image_id=ProductVariant.image_id,
        position=ProductVariant.position,
    )
    images = json_list(
        ProductImage.product_id == Product.id, (ProductImage.position, ProductImage.id),
        id=ProductImage.id, storage_key=ProductImage.storage_key, thumb_key=ProductImage.thumb_key,
        width=ProductImage.width, height=ProductImage.height, position=ProductImage.position,
        share_key=ProductImage.share_key,
    )
    return (
        select(Product.id, Product.title, Product.description, Product.min_price, Product.average_rating,  # ProductInfo's
               Product.review_count, Product.sold_count, Product.created_at, Product.category_id,  # fields, in order
               Shop.id.label("shop_id"), Shop.name.label("shop_name"), Shop.slug.label("shop_slug"),
               Shop.owner_id.label("shop_owner_id"), Shop.logo_key.label("shop_logo_key"),
               Shop.created_at.label("shop_joined"),
               variants.label("variants"), images.label("images"))
        .join(Shop, Shop.id == Product.shop_id)
    )


@lru_cache(maxsize=1)
def _detail_statement():
    """A visible product's page. Built once: building and keying it cost more than running it."""
    return _detail_select().where(Product.id == bindparam("product_id"), visible_condition())


@lru_cache(maxsize=1)
def _preview_statement():
    """The page of one of a shop's products whatever its status (deleted ones excepted, like every
    seller-center read), with the two statuses that say whether shoppers can see it."""
    return (_detail_select()
            .add_columns(Product.status.label("product_status"), Shop.status.label("shop_status"))
            .where(Product.id == bindparam("product_id"), Product.shop_id == bindparam("shop_id"),
                   Product.status != ProductStatus.DELETED))


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def get_product_detail(product_id: uuid.UUID, tree: CategoryTree | None = None) -> ProductDetail:
    """A visible product with its shop, live variants, images and breadcrumbs (1 statement + the tree).

    Hidden, draft or deleted products and products of shops that are not ACTIVE are NotFound.
    """
    rows = execute_rows(_detail_statement(), {"product_id": product_id})
    if not rows:
        raise NotFound(_("That product is not available."), code="product_not_found")
    return _detail(rows[0], tree)


def _detail(row, tree: CategoryTree | None) -> ProductDetail:
    variants = [VariantInfo(**{**v, "id": uuid.UUID(v["id"]), "image_id": _uuid(v["image_id"])})
                for v in row.variants]
    images = [ImageInfo(**{**i, "id": uuid.UUID(i["id"])}) for i in row.images]
    tree = tree or get_tree()
    return ProductDetail(
        product=ProductInfo(*row[:9], variants=variants),
        shop=ShopRef(row.shop_id, row.shop_name, row.shop_slug, row.shop_owner_id, row.shop_logo_key, row.shop_joined),
        variants=variants,
        images=images,
        breadcrumbs=tree.ancestors(row.category_id),
    )


@dataclass
class ProductPreview:
    """A seller's look at their own product page: the page's data, and why shoppers can't see it
    (visibility.not_public_reason; None when they can)."""

    detail: ProductDetail
    not_public: str | None


def get_product_preview(shop: Shop, product_id: uuid.UUID, tree: CategoryTree | None = None) -> ProductPreview:
    """`shop`'s product as its public page would show it, even while shoppers can't see it (a draft,
    a hidden product, a shop not yet approved): 1 statement + the tree. Another shop's product and
    deleted ones are NotFound."""
    rows = execute_rows(_preview_statement(), {"product_id": product_id, "shop_id": shop.id})
    if not rows:
        raise NotFound(_("No such product."), code="product_not_found")
    row = rows[0]
    return ProductPreview(_detail(row, tree), not_public_reason(row.product_status, row.shop_status))
