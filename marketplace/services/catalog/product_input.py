"""A product as the seller's form gives it: title, description, category and variant rows, checked
all at once (every mistake in one answer), before services/catalog/products.py writes anything.
The rows' own rules are variant_input.py's."""
import uuid

from flask_babel import gettext as _

from marketplace.extensions import db
from marketplace.models import Category, Product, ProductVariant, Shop
from marketplace.services.catalog.variant_input import check_skus, check_variant_set, clean_rows_apart
from marketplace.services.core.errors import DomainError, ValidationFailed
from marketplace.services.core.text import clean_text

TITLE_MIN, TITLE_MAX = 3, 200
DESCRIPTION_MAX = 10_000


def live_variants(product: Product) -> list[ProductVariant]:
    return [v for v in product.variants if v.deleted_at is None]


def category_of(category_id) -> uuid.UUID:
    try:
        value = uuid.UUID(str(category_id))
    except ValueError:
        value = None
    if value is None or db.session.get(Category, value) is None:
        raise ValidationFailed(_("Choose a category."), field="category_id", code="category_invalid")
    return value


def check_product(shop: Shop, *, title, description, category_id, variants: list[dict],
                  product: Product | None = None) -> dict:
    """Every rule of a product and its variant rows, all at once: the cleaned `title`,
    `description`, `category_id` and `rows`, or one refusal naming every field that is wrong (a
    single refusal is raised as it is). Reads only: the form calls it to show every mistake
    even when it won't save, and create_product and save_product call it before writing.
    `product`: the one being edited (its variants' SKUs are its own)."""
    values: dict = {}
    refusals: list[DomainError] = []
    checks = (
        ("title", lambda: clean_text(title, field="title", label=_("title"), min_len=TITLE_MIN, max_len=TITLE_MAX)),
        ("description", lambda: clean_text(description, field="description", label=_("description"),
                                           max_len=DESCRIPTION_MAX)),
        ("category_id", lambda: category_of(category_id)),
        ("rows", lambda: clean_rows_apart(variants)),
    )
    for name, check in checks:
        try:
            values[name] = check()
        except DomainError as error:
            refusals.append(error)
    rows, row_errors = values.pop("rows", ([], {}))
    if row_errors:
        refusals.append(ValidationFailed(next(iter(row_errors.values())), fields=row_errors, code="variant_invalid"))
    elif rows:
        try:
            check_variant_set(rows)
        except DomainError as error:
            refusals.append(error)
    if rows:
        try:
            check_skus(shop.id, rows, {v.id for v in live_variants(product)} if product else set())
        except DomainError as error:
            refusals.append(error)
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        fields: dict[str, str] = {}
        for refusal in refusals:
            for field, message in (refusal.fields or {"": refusal.message}).items():
                fields.setdefault(field, message)
        raise ValidationFailed(refusals[0].message, fields=fields, code="product_invalid")
    return {**values, "rows": rows}
