"""Seller product management: products and their variants (images: product_images.py).

Every function works on one shop's products: a product of another shop, or a deleted
one, is NotFound, exactly like a product that does not exist. Variants are never
deleted (carts and placed orders point at them); removing one sets `deleted_at`,
which also frees its SKU. `product.min_price` follows the live variants in the same
transaction. Variant rows are parsed and checked by services/variant_input.py.
"""
import uuid
from datetime import datetime

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Category, Product, ProductStatus, ProductVariant, Shop
from marketplace.models.base import utcnow
from marketplace.services.errors import Conflict, NotFound, ValidationFailed
from marketplace.services.text import clean_text
from marketplace.services.variant_input import (
    MAX_VARIANTS, check_skus, check_variant_set, clean_variant, clean_variant_rows, flush_variants,
)

TITLE_MIN, TITLE_MAX = 3, 200
DESCRIPTION_MAX = 10_000
SELLER_STATUSES = (ProductStatus.DRAFT, ProductStatus.ACTIVE)


# --- reading ----------------------------------------------------------------------------

def get_seller_product(shop: Shop, product_id: uuid.UUID | str) -> Product:
    """`shop`'s product, or NotFound (another shop's product and deleted ones included)."""
    try:
        product_id = uuid.UUID(str(product_id))
    except ValueError:
        raise NotFound("No such product.") from None
    product = db.session.scalar(
        select(Product).where(Product.id == product_id, Product.shop_id == shop.id,
                              Product.status != ProductStatus.DELETED)
    )
    if product is None:
        raise NotFound("No such product.")
    return product


def live_variants(product: Product) -> list[ProductVariant]:
    return [v for v in product.variants if v.deleted_at is None]


def refresh_min_price(product: Product) -> None:
    prices = [v.price for v in live_variants(product)]
    product.min_price = min(prices) if prices else 0


# --- products ---------------------------------------------------------------------------

def _category_id(category_id) -> uuid.UUID:
    try:
        value = uuid.UUID(str(category_id))
    except ValueError:
        value = None
    if value is None or db.session.get(Category, value) is None:
        raise ValidationFailed("Choose a category.", field="category_id", code="category_invalid")
    return value


def _seller_status(status, field: str = "status") -> ProductStatus:
    try:
        status = ProductStatus(status)
    except ValueError:
        status = None
    if status not in SELLER_STATUSES:
        raise ValidationFailed("A product is either a draft or active.", field=field, code="status_invalid")
    return status


def create_product(shop: Shop, *, title: str, description: str = "", category_id, variants: list[dict],
                   status=ProductStatus.DRAFT) -> Product:
    """A new product of `shop` with at least one variant; DRAFT or ACTIVE."""
    title = clean_text(title, field="title", label="title", min_len=TITLE_MIN, max_len=TITLE_MAX)
    description = clean_text(description, field="description", label="description", max_len=DESCRIPTION_MAX)
    category = _category_id(category_id)
    status = _seller_status(status)
    rows = clean_variant_rows(variants)
    check_skus(shop.id, rows, set())
    product = Product(shop_id=shop.id, category_id=category, title=title, description=description, status=status)
    db.session.add(product)
    db.session.flush()
    for position, (_row, values) in enumerate(rows):
        product.variants.append(ProductVariant(shop_id=shop.id, position=position, **values))
    flush_variants()
    refresh_min_price(product)
    db.session.flush()
    return product

def update_product(shop: Shop, product: Product, *, title: str | None = None, description: str | None = None,
                   category_id=None, status=None) -> Product:
    """Edit the product's text, category or DRAFT/ACTIVE status (a HIDDEN product stays hidden)."""
    check_owner(shop, product)
    if title is not None:
        product.title = clean_text(title, field="title", label="title", min_len=TITLE_MIN, max_len=TITLE_MAX)
    if description is not None:
        product.description = clean_text(description, field="description", label="description",
                                         max_len=DESCRIPTION_MAX)
    if category_id is not None:
        product.category_id = _category_id(category_id)
    if status is not None:
        set_product_status(shop, product, status)
    db.session.flush()
    return product


def set_product_status(shop: Shop, product: Product, status) -> Product:
    """Publish (ACTIVE) or unpublish (DRAFT). Only an administrator can undo a HIDDEN."""
    check_owner(shop, product)
    status = _seller_status(status)
    if product.status == ProductStatus.HIDDEN:
        reason = f" Reason: {product.status_reason}" if product.status_reason else ""
        raise Conflict("An administrator hid this product, so only an administrator can make it visible again."
                       + reason, field="status", code="product_hidden")
    product.status = status
    db.session.flush()
    return product


def delete_product(shop: Shop, product: Product) -> Product:
    """Soft delete: status DELETED and its variants retired (freeing their SKUs); orders keep pointing at them."""
    check_owner(shop, product)
    now = utcnow()
    product.status = ProductStatus.DELETED
    for variant in live_variants(product):
        variant.deleted_at = now
    db.session.flush()
    return product


def check_owner(shop: Shop, product: Product) -> None:
    if product.shop_id != shop.id or product.status == ProductStatus.DELETED:
        raise NotFound("No such product.")


# --- variants ---------------------------------------------------------------------------

def get_variant(product: Product, variant_id) -> ProductVariant:
    for variant in live_variants(product):
        if str(variant.id) == str(variant_id):
            return variant
    raise NotFound("No such variant.")


def add_variant(shop: Shop, product: Product, spec: dict) -> ProductVariant:
    """Add one variant (SKU unique in the shop, options unique in the product)."""
    check_owner(shop, product)
    row = spec.get("row", len(live_variants(product)))
    values = clean_variant(spec, row)
    existing = [(v.id, {"options": v.options}) for v in live_variants(product)]
    if len(existing) >= MAX_VARIANTS:
        raise ValidationFailed(f"A product can have at most {MAX_VARIANTS} variants.", field="variants",
                               code="too_many_variants")
    check_variant_set(existing + [(row, values)])
    check_skus(shop.id, [(row, values)], set())
    position = max((v.position for v in product.variants), default=-1) + 1
    variant = ProductVariant(shop_id=shop.id, position=position, **values)
    product.variants.append(variant)
    flush_variants()
    refresh_min_price(product)
    db.session.flush()
    return variant


def update_variant(shop: Shop, product: Product, variant_id, spec: dict) -> ProductVariant:
    """Change a live variant's SKU, options, price or stock."""
    check_owner(shop, product)
    variant = get_variant(product, variant_id)
    row = spec.get("row", variant.position)
    values = clean_variant(spec, row)
    others = [(v.id, {"options": v.options}) for v in live_variants(product) if v.id != variant.id]
    check_variant_set(others + [(row, values)])
    check_skus(shop.id, [(row, values)], {variant.id})
    for name, value in values.items():
        setattr(variant, name, value)
    flush_variants()
    refresh_min_price(product)
    db.session.flush()
    return variant


def remove_variant(shop: Shop, product: Product, variant_id) -> ProductVariant:
    """Retire a variant (soft delete); the last live variant can't go."""
    check_owner(shop, product)
    variant = get_variant(product, variant_id)
    if len(live_variants(product)) <= 1:
        raise ValidationFailed("A product needs at least one variant: add another before removing this one.",
                               field="variants", code="last_variant")
    variant.deleted_at = utcnow()
    refresh_min_price(product)
    db.session.flush()
    return variant


def save_variants(shop: Shop, product: Product, specs: list[dict]) -> list[ProductVariant]:
    """Make the product's live variants exactly `specs` (the edit form): rows with an `id` are
    updated, rows without one added, live variants missing from `specs` retired.

    Positions follow the order of `specs`. SKUs may move between rows in one save.
    """
    check_owner(shop, product)
    current = {str(v.id): v for v in live_variants(product)}
    for spec in specs:
        if spec.get("id") and str(spec["id"]) not in current:
            raise NotFound("No such variant.")
    rows = clean_variant_rows(specs)
    kept = {str(spec["id"]) for spec in specs if spec.get("id")}
    check_skus(shop.id, rows, {v.id for v in current.values()})
    now: datetime = utcnow()
    for key, variant in current.items():
        if key not in kept:
            variant.deleted_at = now
    # The SKU index is checked row by row, so park changed SKUs first: a swap of
    # two SKUs between rows would otherwise collide halfway.
    for spec, (_row, values) in zip(specs, rows):
        variant = current.get(str(spec.get("id") or ""))
        if variant is not None and variant.sku != values["sku"]:
            variant.sku = f"~{uuid.uuid4().hex}"
    flush_variants()
    result = []
    for position, (spec, (_row, values)) in enumerate(zip(specs, rows)):
        variant = current.get(str(spec.get("id") or ""))
        if variant is None:
            variant = ProductVariant(shop_id=shop.id)
            product.variants.append(variant)
        for name, value in values.items():
            setattr(variant, name, value)
        variant.position = position
        result.append(variant)
    flush_variants()
    refresh_min_price(product)
    db.session.flush()
    return result
