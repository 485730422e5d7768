"""Seller product management: products and their variants (images: product_images.py).

Every function works on one shop's products: a product of another shop, or a deleted
one, is NotFound, exactly like a product that does not exist. Variants are never
deleted (carts and placed orders point at them); removing one sets `deleted_at`,
which also frees its SKU. `product.min_price` follows the live variants in the same
transaction. What the seller typed is checked all at once by services/catalog/product_input.py
(the variant rows by variant_input.py) before anything is written.

Stock of an existing variant is never written back as typed: buyers take units while a
seller's form is open, so a form carries, per variant, the stock the seller saw
(`stock_seen`) and a save moves the stock by the seller's own edit only (typed − seen),
under the row lock checkout takes (see `adjusted_stock`). New variants take the typed stock.
"""
import uuid
from datetime import datetime

from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Product, ProductStatus, ProductVariant, Shop
from marketplace.models.base import utcnow
from marketplace.services.catalog.product_input import (
    DESCRIPTION_MAX, TITLE_MAX, TITLE_MIN, category_of, check_product, live_variants,
)
from marketplace.services.catalog.variant_input import (
    MAX_VARIANTS, STOCK_MAX, check_skus, check_variant_set, clean_variant, clean_variant_rows, flush_variants,
)
from marketplace.services.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.services.core.text import clean_text

SELLER_STATUSES = (ProductStatus.DRAFT, ProductStatus.ACTIVE)


class StockChanged(Conflict):
    """Units sold since the seller opened the form leave too few for the decrease they typed (or
    the form didn't say which stock it showed).

    `stock_now` maps each refused row to its stock now, so the form can count from it on the
    next save (the seller has been told the new number next to the field).
    """

    code = "stock_changed"

    def __init__(self, fields: dict[str, str], stock_now: dict[object, int]):
        super().__init__(next(iter(fields.values())), fields=fields)
        self.stock_now = stock_now


# --- reading ----------------------------------------------------------------------------

def get_seller_product(shop: Shop, product_id: uuid.UUID | str) -> Product:
    """`shop`'s product, or NotFound (another shop's product and deleted ones included)."""
    try:
        product_id = uuid.UUID(str(product_id))
    except ValueError:
        raise NotFound(_("No such product.")) from None
    product = db.session.scalar(
        select(Product).where(Product.id == product_id, Product.shop_id == shop.id,
                              Product.status != ProductStatus.DELETED)
    )
    if product is None:
        raise NotFound(_("No such product."))
    return product


def refresh_min_price(product: Product) -> None:
    prices = [v.price for v in live_variants(product)]
    product.min_price = min(prices) if prices else 0


# --- products ---------------------------------------------------------------------------

def _seller_status(status, field: str = "status") -> ProductStatus:
    try:
        status = ProductStatus(status)
    except ValueError:
        status = None
    if status not in SELLER_STATUSES:
        raise ValidationFailed(_("A product is either a draft or active."), field=field, code="status_invalid")
    return status


def create_product(shop: Shop, *, title: str, description: str = "", category_id, variants: list[dict],
                   status=ProductStatus.DRAFT) -> Product:
    """A new product of `shop` with at least one variant; DRAFT or ACTIVE. Every mistake is
    refused at once (check_product)."""
    status = _seller_status(status)
    checked = check_product(shop, title=title, description=description, category_id=category_id,
                            variants=variants)
    title, description, category, rows = (checked["title"], checked["description"], checked["category_id"],
                                          checked["rows"])
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
        product.title = clean_text(title, field="title", label=_("title"), min_len=TITLE_MIN, max_len=TITLE_MAX)
    if description is not None:
        product.description = clean_text(description, field="description", label=_("description"),
                                         max_len=DESCRIPTION_MAX)
    if category_id is not None:
        product.category_id = category_of(category_id)
    if status is not None:
        set_product_status(shop, product, status)
    db.session.flush()
    return product


def save_product(shop: Shop, product: Product, *, title: str, description: str, category_id,
                 variants: list[dict]) -> list[ProductVariant]:
    """The edit form's save: text, category and variant rows (see `save_variants`) in one go.

    The variant rows are locked before the product row is written, the order checkout (stock) and
    a cancellation (restock, then sold counts) take them in, so a save racing either waits
    instead of deadlocking.
    """
    check_owner(shop, product)
    lock_variants(product)
    _check_variant_ids(product, variants)
    check_product(shop, title=title, description=description, category_id=category_id, variants=variants,
                  product=product)
    update_product(shop, product, title=title, description=description, category_id=category_id)
    return _save_variant_rows(shop, product, variants)


def set_product_status(shop: Shop, product: Product, status) -> Product:
    """Publish (ACTIVE) or unpublish (DRAFT). Only an administrator can undo a HIDDEN."""
    check_owner(shop, product)
    status = _seller_status(status)
    if product.status == ProductStatus.HIDDEN:
        message = _("An administrator hid this product, so only an administrator can make it visible again.")
        if product.status_reason:
            message = _("An administrator hid this product, so only an administrator can make it visible again. "
                        "Reason: %(reason)s", reason=product.status_reason)
        raise Conflict(message, field="status", code="product_hidden")
    product.status = status
    db.session.flush()
    return product


def delete_product(shop: Shop, product: Product) -> Product:
    """Soft delete: status DELETED and its variants retired (freeing their SKUs); orders keep pointing at them.

    The variants are locked before the product row is written, in the order checkout and a
    cancellation take them (see `save_product`), so a delete racing either can't deadlock.
    """
    check_owner(shop, product)
    lock_variants(product)
    now = utcnow()
    product.status = ProductStatus.DELETED
    for variant in live_variants(product):
        variant.deleted_at = now
    db.session.flush()
    return product


def check_owner(shop: Shop, product: Product) -> None:
    if product.shop_id != shop.id or product.status == ProductStatus.DELETED:
        raise NotFound(_("No such product."))


# --- variants ---------------------------------------------------------------------------

def get_variant(product: Product, variant_id) -> ProductVariant:
    for variant in live_variants(product):
        if str(variant.id) == str(variant_id):
            return variant
    raise NotFound(_("No such variant."))


def add_variant(shop: Shop, product: Product, spec: dict) -> ProductVariant:
    """Add one variant (SKU unique in the shop, options unique in the product)."""
    check_owner(shop, product)
    row = spec.get("row", len(live_variants(product)))
    values = clean_variant(spec, row)
    existing = [(v.id, {"options": v.options}) for v in live_variants(product)]
    if len(existing) >= MAX_VARIANTS:
        raise ValidationFailed(_("A product can have at most %(max)d variants.", max=MAX_VARIANTS), field="variants",
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
    """Change a live variant's SKU, options, price or stock (a change of stock needs `stock_seen`:
    see `adjusted_stock`)."""
    check_owner(shop, product)
    variant = get_variant(product, variant_id)
    row = spec.get("row", variant.position)
    values = clean_variant(spec, row)
    others = [(v.id, {"options": v.options}) for v in live_variants(product) if v.id != variant.id]
    check_variant_set(others + [(row, values)])
    check_skus(shop.id, [(row, values)], {variant.id})
    lock_variants(product)
    values["stock"] = _adjusted_stocks([(row, variant, spec, values)])[variant.id]
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
        raise ValidationFailed(_("A product needs at least one variant: add another before removing this one."),
                               field="variants", code="last_variant")
    variant.deleted_at = utcnow()
    refresh_min_price(product)
    db.session.flush()
    return variant


def save_variants(shop: Shop, product: Product, specs: list[dict]) -> list[ProductVariant]:
    """Make the product's live variants exactly `specs` (the edit form): rows with an `id` are
    updated, rows without one added, live variants missing from `specs` retired.

    Positions follow the order of `specs`. SKUs may move between rows in one save. A row with an
    `id` carries `stock_seen` and moves the stock by the seller's edit only (`adjusted_stock`).
    """
    check_owner(shop, product)
    lock_variants(product)
    return _save_variant_rows(shop, product, specs)


def _save_variant_rows(shop: Shop, product: Product, specs: list[dict]) -> list[ProductVariant]:
    """save_variants once the product's variants are locked."""
    current = {str(v.id): v for v in live_variants(product)}
    _check_variant_ids(product, specs)
    rows = clean_variant_rows(specs)
    kept = {str(spec["id"]) for spec in specs if spec.get("id")}
    check_skus(shop.id, rows, {v.id for v in current.values()})
    stocks = _adjusted_stocks([(row, current[str(spec["id"])], spec, values)
                               for spec, (row, values) in zip(specs, rows) if spec.get("id")])
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
        else:
            values = {**values, "stock": stocks[variant.id]}
        for name, value in values.items():
            setattr(variant, name, value)
        variant.position = position
        result.append(variant)
    flush_variants()
    refresh_min_price(product)
    db.session.flush()
    return result


def _check_variant_ids(product: Product, specs: list[dict]) -> None:
    live = {str(v.id) for v in live_variants(product)}
    for spec in specs:
        if spec.get("id") and str(spec["id"]) not in live:
            raise NotFound(_("No such variant."))


# --- stock ------------------------------------------------------------------------------

def lock_variants(product: Product) -> None:
    """Lock the product's variants and load their stock as it is now.

    Ascending id order, as checkout takes stock (services/ordering/checkout.py), so a seller's save and
    any number of checkouts queue instead of deadlocking; until the commit no sale can change
    the stock this save computes from.
    """
    ids = [v.id for v in live_variants(product) if v.id is not None]
    if ids:
        db.session.scalars(
            select(ProductVariant).where(ProductVariant.id.in_(ids)).order_by(ProductVariant.id)
            .with_for_update().execution_options(populate_existing=True)
        ).all()


def adjusted_stock(stock_now: int, typed: int, seen: int) -> int:
    """An existing variant's new stock: today's stock moved by the seller's own edit.

    The form showed `seen`; the seller typed `typed`. Units sold (or restocked by a
    cancellation) since then stay sold (or restocked): only `typed - seen` is applied, so an
    untouched field changes nothing and "+5" stays "+5" however many sold meanwhile.
    """
    return stock_now + (typed - seen)


def _stock_seen(spec: dict) -> int | None:
    value = spec.get("stock_seen")
    try:
        seen = int(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None
    return seen if seen is not None and 0 <= seen <= STOCK_MAX else None


def _refusal(stock_now: int, seen: int | None) -> str:
    if seen is None:
        # An old page, or a caller that doesn't say what it started from: writing its number
        # back would undo every sale since, so it starts again from today's stock.
        return _("We can't tell which stock this page showed: it is %(stock)s now. Check the stock and save again.",
                 stock=format_number(stock_now))
    if not stock_now:
        return _("None left now: %(sold)s sold since you opened this page. Check the stock and save again.",
                 sold=format_number(seen))
    return _("Only %(stock)s left now: %(sold)s sold since you opened this page. Check the stock and save again.",
             stock=format_number(stock_now), sold=format_number(seen - stock_now))


def _adjusted_stocks(rows: list[tuple[object, ProductVariant, dict, dict]]) -> dict[uuid.UUID, int]:
    """New stock of each existing variant row (row, variant, spec, cleaned values).

    The variants are locked and hold today's stock. A row without a valid `stock_seen`, or whose
    decrease is more than is left, is refused (StockChanged, every such row at once) and nothing
    is written.
    """
    stocks, errors, stock_now = {}, {}, {}
    for row, variant, spec, values in rows:
        field = f"variants-{row}-stock"
        seen = _stock_seen(spec)
        new = adjusted_stock(variant.stock, values["stock"], seen) if seen is not None else -1
        if new < 0:
            errors[field] = _refusal(variant.stock, seen)
            stock_now[row] = variant.stock
        elif new > STOCK_MAX:
            errors[field] = _("That would make the stock %(stock)s: it must be between 0 and %(max)s.",
                              stock=format_number(new), max=format_number(STOCK_MAX))
        stocks[variant.id] = new
    if stock_now:
        raise StockChanged(errors, stock_now)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors, code="stock_invalid")
    return stocks
