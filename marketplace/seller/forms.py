"""Seller center forms. They check shape and size only; the rules live in the services,
whose field errors are put back on these fields by `show_errors`."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField, DateTimeLocalField, FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from marketplace import dates
from marketplace.models import Voucher, VoucherKind
from marketplace.money import current_currency, exponent, parse_money
from marketplace.services.catalog.option_grid import MAX_AXES
from marketplace.services.catalog.variant_input import MAX_OPTIONS, MAX_VARIANTS, format_options
from marketplace.services.core.errors import DomainError
from marketplace.services.core.input_rules import INT4_MAX, parse_whole
from marketplace.web.forms import ASCII_DIGITS, MULTI_LINE, ONE_LINE, PageForm, WholeNumberField

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ShopRegistrationForm(PageForm):
    name = StringField(_l("Shop name"), validators=[DataRequired(_l("Name your shop.")), Length(max=120), ONE_LINE])
    slug = StringField(_l("Shop address"), validators=[Optional(), Length(max=60), ONE_LINE],
                       render_kw={"autocapitalize": "none", "spellcheck": "false"})
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000), MULTI_LINE],
                                render_kw={"rows": 4})
    logo = FileField(_l("Logo (optional)"), render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})


class ShopProfileForm(PageForm):
    name = StringField(_l("Shop name"), validators=[DataRequired(_l("Name your shop.")), Length(max=120), ONE_LINE])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000), MULTI_LINE],
                                render_kw={"rows": 5})
    logo = FileField(_l("New logo"), render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})
    remove_logo = BooleanField(_l("Remove the current logo"))
    banner = FileField(_l("New banner"), render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})
    remove_banner = BooleanField(_l("Remove the current banner"))


class ActionForm(PageForm):
    """A button that changes something: only the CSRF token."""


class MarkedRequired:
    """Marks a field the seller must fill (a * beside its label, `required` and `aria-required` on
    the input) without checking it here: the service says what is missing, with every other
    mistake of the form in the same answer."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        pass


REQUIRED = MarkedRequired()


class OptionAxisForm(Form):
    """One option of the grid: its name and its values, e.g. "Màu" and "Đỏ, Xanh, Đen"."""

    name = StringField(_l("Option name"), validators=[Length(max=60), ONE_LINE],
                       render_kw={"placeholder": _l("e.g. Màu"), "autocomplete": "off"})
    values = StringField(_l("Its values, separated by commas"), validators=[Length(max=1000), ONE_LINE],
                         render_kw={"placeholder": _l("e.g. Đỏ, Xanh, Đen"), "autocomplete": "off"})


class VariantForm(Form):
    """One row of the variant grid (a sub-form: the product form carries the CSRF token)."""

    id = HiddenField()
    # The stock this row showed when the page was built: a save applies only the seller's change
    # from it (services/catalog/products.py adjusted_stock), so units sold meanwhile stay sold.
    stock_seen = HiddenField()
    # The row's combination, "Màu=Đỏ, Size=M", made by the grid (never typed).
    options = HiddenField(validators=[Length(max=400), ONE_LINE])
    sku = StringField("SKU", validators=[REQUIRED, Length(max=64), ONE_LINE],
                      render_kw={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"})
    # Parsed by services/catalog/variant_input.py: the price by parse_money (ASCII digits, the money range).
    price = StringField(_l("Price"), validators=[REQUIRED, Length(max=20), ASCII_DIGITS],
                        render_kw={"inputmode": "decimal", "autocomplete": "off"})
    stock = StringField(_l("Stock"), default="0", validators=[Length(max=9), ASCII_DIGITS],
                        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    image_id = SelectField(_l("Picture"), choices=[SelectChoice("", _l("Cover image"))], validate_choice=False)
    remove = BooleanField(_l("Leave out"))


class ProductForm(PageForm):
    title = StringField(_l("Title"), validators=[REQUIRED, Length(max=200), ONE_LINE])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10_000), MULTI_LINE],
                                render_kw={"rows": 6})
    category_id = SelectField(_l("Category"), choices=[], validators=[REQUIRED], validate_choice=False)
    options = FieldList(FormField(OptionAxisForm), min_entries=MAX_AXES, max_entries=MAX_OPTIONS)
    bulk_price = StringField(_l("Price for every row"), validators=[Optional(), Length(max=20), ASCII_DIGITS],
                             render_kw={"inputmode": "decimal", "autocomplete": "off"})
    bulk_stock = StringField(_l("Stock for every row"), validators=[Optional(), Length(max=9), ASCII_DIGITS],
                             render_kw={"inputmode": "numeric", "autocomplete": "off"})
    variants = FieldList(FormField(VariantForm), min_entries=1, max_entries=MAX_VARIANTS)
    images = MultipleFileField(_l("Pictures"), render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})


class ImageUploadForm(PageForm):
    images = MultipleFileField(_l("Add images"), render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})


class VoucherForm(PageForm):
    """A shop's voucher. Amounts are typed as money and a percentage as a whole number; every rule
    (code format and uniqueness, limits, dates) is in services/ordering/vouchers.py."""

    code = StringField(_l("Code"), validators=[InputRequired(_l("Enter a code.")), Length(max=40), ONE_LINE])
    kind = SelectField(_l("Type"), choices=[SelectChoice("PERCENT", _l("Percent off")),
                                            SelectChoice("FIXED", _l("Fixed amount off"))])
    value = StringField(_l("Value"), validators=[InputRequired(_l("Enter the percent or the amount.")), ASCII_DIGITS])
    max_discount = StringField(_l("Maximum discount (percent vouchers)"), validators=[Optional(), ASCII_DIGITS])
    min_spend = StringField(_l("Minimum spend"), default="0", validators=[Optional(), ASCII_DIGITS])
    starts_at = DateTimeLocalField(_l("Starts"), format=DATETIME_FORMAT,
                                   validators=[InputRequired(_l("Choose when it starts."))])
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT,
                                 validators=[InputRequired(_l("Choose when it ends."))])
    usage_limit = WholeNumberField(_l("Total uses (empty: unlimited)"), validators=[Optional()], minimum=1)
    per_user_limit = WholeNumberField(_l("Uses per buyer (empty: unlimited)"), validators=[Optional()], minimum=1)
    is_active = BooleanField(_l("Active"), default=True)

    def fill_from(self, voucher: Voucher) -> None:
        self.code.data, self.kind.data = voucher.code, voucher.kind.value
        self.value.data = str(voucher.value) if voucher.kind == VoucherKind.PERCENT else price_input(voucher.value)
        self.max_discount.data = price_input(voucher.max_discount) if voucher.max_discount else ""
        self.min_spend.data = price_input(voucher.min_spend)
        self.starts_at.data, self.ends_at.data = dates.wall_clock(voucher.starts_at), dates.wall_clock(voucher.ends_at)
        self.usage_limit.data, self.per_user_limit.data = voucher.usage_limit, voucher.per_user_limit
        self.is_active.data = voucher.is_active

    def values(self) -> dict | None:
        """The service's keyword arguments, or None after putting parse errors on the fields."""
        values = {"code": self.code.data, "kind": self.kind.data, "usage_limit": self.usage_limit.data,
                  "per_user_limit": self.per_user_limit.data, "is_active": self.is_active.data,
                  "starts_at": dates.from_wall_clock(self.starts_at.data),
                  "ends_at": dates.from_wall_clock(self.ends_at.data)}
        if self.kind.data == VoucherKind.PERCENT.value:
            ok = self._percent(values)
        else:
            ok = self._money(self.value, values, "value")
        ok &= self._money(self.max_discount, values, "max_discount")
        ok &= self._money(self.min_spend, values, "min_spend", empty=0)
        return values if ok else None

    def _percent(self, values: dict) -> bool:
        """A whole number; the service says it must be 1 to 100 (this only keeps it an INTEGER)."""
        text = (self.value.data or "").strip()
        try:
            values["value"] = parse_whole(text, maximum=INT4_MAX)
        except ValueError as error:
            # Digits past the INTEGER range get parse_whole's message; anything else isn't a percentage.
            self.value.errors.append(str(error) if text.isdigit() else _("Enter a whole percentage, e.g. 10."))
            values["value"] = None
            return False
        return True

    @staticmethod
    def _money(field, values: dict, key: str, empty=None) -> bool:
        text = (field.data or "").strip()
        if not text:
            values[key] = empty
            return True
        try:
            values[key] = parse_money(text)
        except ValueError as error:
            field.errors.append(str(error))
            return False
        return True


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
            if not field.errors:  # the form's own complaint about a field comes first, and alone
                field.errors = [message]
            placed = True
        else:
            if message not in form.form_errors:
                form.form_errors.append(message)
            placed = True
    if not placed:
        form.form_errors.append(error.message)


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
    return [SelectChoice("", _("Cover image"))] + [
        SelectChoice(str(i.id), _("Image %(num)d", num=n)) for n, i in enumerate(product.images, 1)]
