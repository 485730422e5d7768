"""Seller center forms. They check shape and size only; the rules live in the services,
whose field errors are put back on these fields by `show_errors`."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from marketplace.money import current_currency, exponent
from marketplace.services.errors import DomainError
from marketplace.services.variant_input import MAX_VARIANTS, format_options


class ShopRegistrationForm(FlaskForm):
    name = StringField("Shop name", validators=[DataRequired("Name your shop."), Length(max=120)])
    slug = StringField("Shop address", validators=[Optional(), Length(max=60)],
                       render_kw={"autocapitalize": "none", "spellcheck": "false"})
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)], render_kw={"rows": 4})
    logo = FileField("Logo (optional)", render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})


class ShopProfileForm(FlaskForm):
    name = StringField("Shop name", validators=[DataRequired("Name your shop."), Length(max=120)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)], render_kw={"rows": 5})
    logo = FileField("New logo", render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})
    remove_logo = BooleanField("Remove the current logo")


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class VariantForm(Form):
    """One row of the variant table (a sub-form: the product form carries the CSRF token)."""

    id = HiddenField()
    # The stock this row showed when the page was built: a save applies only the seller's change
    # from it (services/products.py adjusted_stock), so units sold meanwhile stay sold.
    stock_seen = HiddenField()
    sku = StringField("SKU", validators=[Length(max=64)],
                      render_kw={"autocapitalize": "characters", "spellcheck": "false"})
    options = StringField("Options", validators=[Length(max=400)], render_kw={"placeholder": "Màu=Đỏ, Size=M"})
    price = StringField("Price", validators=[Length(max=20)], render_kw={"inputmode": "decimal"})
    stock = StringField("Stock", default="0", validators=[Length(max=9)], render_kw={"inputmode": "numeric"})
    image_id = SelectField("Picture", choices=[SelectChoice("", "Cover image")], validate_choice=False)
    remove = BooleanField("Remove")


class ProductForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Give the product a title."), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=10_000)], render_kw={"rows": 6})
    category_id = SelectField("Category", choices=[], validate_choice=False)
    variants = FieldList(FormField(VariantForm), min_entries=1, max_entries=MAX_VARIANTS)
    images = MultipleFileField("Images", render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})


class ImageUploadForm(FlaskForm):
    images = MultipleFileField("Add images", render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})


def price_input(amount: int | None) -> str:
    """Minor units back into what a seller types: 1999 -> "19.99" (USD), 150000 -> "150000" (VND)."""
    if amount is None:
        return ""
    digits = exponent(current_currency())
    if not digits:
        return str(amount)
    whole, minor = divmod(amount, 10**digits)
    return f"{whole}.{minor:0{digits}d}"


def variant_specs(form: ProductForm) -> list[dict]:
    """The rows the seller kept (ticked "Remove" rows are left out), as service input."""
    specs = []
    for entry in form.variants.entries:
        row = entry.form
        if row.remove.data:
            continue
        specs.append({"row": entry.name.rsplit("-", 1)[1], "id": row.id.data or None, "sku": row.sku.data,
                      "options": row.options.data, "price": row.price.data, "stock": row.stock.data,
                      "stock_seen": row.stock_seen.data, "image_id": row.image_id.data or None})
    return specs


def uploaded_files(field) -> list:
    """The files actually chosen in a (multiple) file field; browsers send an empty part when none."""
    files = field.data if isinstance(field.data, list) else [field.data]
    return [f for f in files if f and getattr(f, "filename", "")]


def _fields_by_name(form) -> dict:
    found = {}
    for field in form:
        found[field.name] = field
        if field.type == "FieldList":
            for entry in field.entries:
                for sub in entry.form:
                    found[sub.name] = sub
    return found


def show_errors(form, error: DomainError) -> None:
    """Put a service error next to its input (form-level when it names no field of this form)."""
    fields = _fields_by_name(form)
    placed = False
    for name, message in error.fields.items():
        field = fields.get(name)
        if field is not None and field.type != "FieldList":
            field.errors = list(field.errors) + [message]
            placed = True
        else:
            form.form_errors.append(message)
            placed = True
    if not placed:
        form.form_errors.append(error.message)


class _RowHolder(Form):
    variants = FieldList(FormField(VariantForm))


def new_variant_row(index: int, image_choices: list | None = None):
    """A blank variant row named variants-<index>-..., for the "add a variant" fragment."""
    holder = _RowHolder()
    holder.variants.last_index = index - 1
    entry = holder.variants.append_entry()
    if image_choices:
        entry.form.image_id.choices = image_choices
    return entry


def format_variant_rows(variants) -> list[dict]:
    """Live variants as the edit form's rows."""
    return [{"id": str(v.id), "sku": v.sku, "options": format_options(v.options), "price": price_input(v.price),
             "stock": str(v.stock), "stock_seen": str(v.stock), "image_id": str(v.image_id) if v.image_id else ""}
            for v in variants]


def count_from(form: ProductForm, stock_now: dict) -> None:
    """Rows refused because units sold meanwhile: the next save counts from today's stock (which
    the error next to the field names), keeping the number the seller typed."""
    for entry in form.variants.entries:
        row = entry.name.rsplit("-", 1)[1]
        if row in stock_now:
            field = entry.form.stock_seen
            field.data, field.raw_data = str(stock_now[row]), None


def image_choices(product) -> list[SelectChoice]:
    return [SelectChoice("", "Cover image")] + [
        SelectChoice(str(i.id), f"Image {n}") for n, i in enumerate(product.images, 1)]
