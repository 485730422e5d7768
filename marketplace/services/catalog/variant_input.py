"""Variant rows as sellers type them: options text, prices, stock, SKUs — parsed and checked.

Used by services/catalog/products.py. Errors about a row carry the field name
`variants-<row>-<name>` (the seller form's names) so a message lands next to its input;
every bad field of a row is reported at once.
"""
import re
import uuid

from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.models import Product, ProductVariant
from marketplace.money import parse_money
from marketplace.services.core.errors import Conflict, DomainError, ValidationFailed
from marketplace.services.core.text import nfc

MAX_VARIANTS = 50
MAX_OPTIONS = 5
OPTION_NAME_MAX, OPTION_VALUE_MAX = 30, 60
PRICE_MAX = 2_000_000_000  # the price column is a 32-bit integer
STOCK_MAX = 1_000_000
SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_OPTION_SPLIT = re.compile(r"[,;\n]+")

def parse_options(value: dict | str | None, field: str = "options") -> dict[str, str]:
    """"Màu=Đỏ, Size=M" (or "Màu: Đỏ; Size: M", or a dict) -> {"Màu": "Đỏ", "Size": "M"}."""
    if isinstance(value, dict):
        pairs = [(str(k), str(v)) for k, v in value.items()]
    else:
        pairs = []
        for part in _OPTION_SPLIT.split(value or ""):
            if not part.strip():
                continue
            name, sep, val = part.partition("=")
            if not sep:
                name, sep, val = part.partition(":")
            if not sep:
                raise ValidationFailed(_("Write options as Name=Value pairs separated by commas, e.g. Màu=Đỏ, Size=M."),
                                       field=field, code="options_invalid")
            pairs.append((name, val))
    options: dict[str, str] = {}
    for name, val in pairs:
        name, val = nfc(name), nfc(val)
        if not name or not val:
            raise ValidationFailed(_("Each option needs a name and a value, e.g. Size=M."), field=field,
                                   code="options_invalid")
        if len(name) > OPTION_NAME_MAX or len(val) > OPTION_VALUE_MAX:
            raise ValidationFailed(_("Keep option names under %(name_max)d and values under %(value_max)d characters.",
                                     name_max=OPTION_NAME_MAX + 1, value_max=OPTION_VALUE_MAX + 1),
                                   field=field, code="options_invalid")
        if name.casefold() in (n.casefold() for n in options):
            raise ValidationFailed(_("The option “%(name)s” is given twice.", name=name), field=field,
                                   code="options_invalid")
        options[name] = val
    if len(options) > MAX_OPTIONS:
        raise ValidationFailed(_("A variant can have at most %(max)d options.", max=MAX_OPTIONS), field=field,
                               code="options_invalid")
    return options


def format_options(options: dict[str, str]) -> str:
    """The editable text of `options`: "Màu=Đỏ, Size=M"."""
    return ", ".join(f"{k}={v}" for k, v in (options or {}).items())


def variant_label(options: dict[str, str]) -> str:
    """What shoppers see on the variant: its option values, "Đỏ / M"."""
    return " / ".join(options.values())[:120] or "Default"


def _parse_price(value, field: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        price = value
    else:
        text = nfc(str(value or ""))
        if not text:
            raise ValidationFailed(_("Enter a price."), field=field, code="required")
        if text.startswith("-"):  # say so, rather than why "-3" isn't a number we read
            raise ValidationFailed(_("The price must be more than zero."), field=field, code="price_invalid")
        try:
            price = parse_money(text)
        except ValueError as exc:
            raise ValidationFailed(_("That is not a price: %(reason)s", reason=exc), field=field,
                                       code="price_invalid") from None
    if price <= 0:
        raise ValidationFailed(_("The price must be more than zero."), field=field, code="price_invalid")
    if price > PRICE_MAX:
        raise ValidationFailed(_("That price is too high."), field=field, code="price_invalid")
    return price


def _parse_stock(value, field: str) -> int:
    try:
        stock = int(str(value).strip()) if value not in (None, "") else 0
    except ValueError:
        raise ValidationFailed(_("Enter the stock as a whole number, e.g. 12."), field=field,
                               code="stock_invalid") from None
    if not 0 <= stock <= STOCK_MAX:
        raise ValidationFailed(_("Stock must be between 0 and %(max)s.", max=format_number(STOCK_MAX)), field=field,
                               code="stock_invalid")
    return stock


def clean_variant(spec: dict, row) -> dict:
    """Validated column values of one variant row; every error of the row is reported at once."""
    prefix = f"variants-{row}-"
    values, errors = {}, {}
    sku = nfc(spec.get("sku"))
    if not sku:
        errors[prefix + "sku"] = _("Enter a SKU.")
    elif not SKU_RE.match(sku):
        errors[prefix + "sku"] = _("Use up to 64 letters, digits, dots, dashes, slashes or underscores (no spaces).")
    values["sku"] = sku
    for name, parse in (("options", parse_options), ("price", _parse_price), ("stock", _parse_stock)):
        try:
            values[name] = parse(spec.get(name), prefix + name)
        except DomainError as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors, code="variant_invalid")
    values["name"] = variant_label(values["options"])
    return values


def check_variant_set(rows: list[tuple[object, dict]]) -> None:
    """Two live variants of a product can't share options (a shopper couldn't tell them apart);
    every repeated row is named at once."""
    seen: dict[tuple, object] = {}
    errors = {}
    for row, values in rows:
        key = tuple(sorted((k.casefold(), v.casefold()) for k, v in values["options"].items()))
        if key in seen:
            errors[f"variants-{row}-options"] = (_("Give each variant its options, e.g. Màu=Đỏ or Size=M.") if not key
                                                 else _("Two variants have the same options."))
        seen.setdefault(key, row)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors, code="variant_duplicate")


def check_skus(shop_id: uuid.UUID, rows: list[tuple[object, dict]], touched: set[uuid.UUID]) -> None:
    """SKUs are unique per shop among live variants; `touched` variants are being rewritten by this call.
    Every taken SKU is named at once."""
    seen: dict[str, object] = {}
    errors = {}
    for row, values in rows:
        if values["sku"] in seen:
            errors[f"variants-{row}-sku"] = _("SKU “%(sku)s” is used twice in this form.", sku=values["sku"])
        seen.setdefault(values["sku"], row)
    query = (select(ProductVariant.sku, Product.title)
             .join(Product, Product.id == ProductVariant.product_id)
             .where(ProductVariant.shop_id == shop_id, ProductVariant.deleted_at.is_(None),
                    ProductVariant.sku.in_(list(seen))))
    if touched:
        query = query.where(ProductVariant.id.not_in(touched))
    for sku, title in db.session.execute(query) if seen else ():
        errors.setdefault(f"variants-{seen[sku]}-sku", _("SKU “%(sku)s” is already used by “%(title)s”.", sku=sku,
                                                           title=title))
    if errors:
        raise Conflict(next(iter(errors.values())), fields=errors, code="sku_taken")


def flush_variants() -> None:
    """Flush; a concurrent request that took the same SKU loses with a clear error."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_("One of these SKUs was just used by another product. Choose another SKU."),
                       field="variants", code="sku_taken") from exc


def clean_variant_rows(variants: list[dict]) -> list[tuple[object, dict]]:
    """Every row cleaned (clean_variant), then checked together (check_variant_set); every bad
    field of every row is reported at once, the rows that repeat another's options included."""
    rows, errors = clean_rows_apart(variants)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors, code="variant_invalid")
    check_variant_set(rows)
    return rows


def clean_rows_apart(variants: list[dict]) -> tuple[list[tuple[object, dict]], dict[str, str]]:
    """The rows that are right and the errors of the others (repeated options among them), so a
    caller can check the good rows further (their SKUs) and report everything in one answer."""
    if not variants:
        raise ValidationFailed(_("Add at least one variant (its SKU, price and stock)."), field="variants",
                               code="variants_required")
    if len(variants) > MAX_VARIANTS:
        raise ValidationFailed(_("A product can have at most %(max)d variants.", max=MAX_VARIANTS), field="variants",
                               code="too_many_variants")
    rows, errors = [], {}
    for index, spec in enumerate(variants):
        row = spec.get("row", index)
        try:
            rows.append((row, clean_variant(spec, row)))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        try:
            check_variant_set(rows)
        except ValidationFailed as exc:
            errors.update({k: v for k, v in exc.fields.items() if k not in errors})
    return rows, errors
