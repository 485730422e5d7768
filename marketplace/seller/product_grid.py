"""The seller product form's variant grid and kept pictures, between the posted form and the services.

The seller types options ("Màu": "Đỏ, Xanh, Đen"); the grid has one row per combination
(services/catalog/option_grid.py), each carrying its combination in a hidden `options` input
("Màu=Đỏ, Size=M"). Remaking the rows keeps what was typed in every row whose combination is
still there; an existing variant whose combination is gone stays as a row of its own, ticked
"Leave out" when the seller's change of options removed it (never silently retired).

A post without any option input (an older page, a script) gets the grid its rows already make.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from marketplace.services.catalog import option_grid
from marketplace.services.catalog.variant_input import format_options, parse_options, variant_label
from marketplace.services.core.errors import DomainError


@dataclass
class Grid:
    axes: list[option_grid.Axis] | None  # None: the options typed are wrong (their errors are on the form)
    error: DomainError | None = None


def read_axes(form, formdata) -> Grid:
    """The options the form gives: as typed, or (none posted) the ones its rows make."""
    if formdata is not None and not any(key.startswith("options-") for key in formdata):
        axes = option_grid.axes_of([o for o in (row_options(e) for e in form.variants.entries) if o is not None])
        set_axes(form, axes)
        return Grid(axes)
    try:
        return Grid(option_grid.parse_axes([(e.form.name.data, e.form.values.data) for e in form.options.entries]))
    except DomainError as error:
        return Grid(None, error)


def set_axes(form, axes: list[option_grid.Axis]) -> None:
    """Fill the option inputs with `axes` (at least MAX_AXES inputs, more when a product has more options)."""
    form.options.entries, form.options.last_index = [], -1
    for axis in axes:
        form.options.append_entry({"name": axis.name, "values": ", ".join(axis.values)})
    while len(form.options.entries) < option_grid.MAX_AXES:
        form.options.append_entry()


def row_options(entry) -> dict | None:
    try:
        return parse_options(entry.form.options.data or "")
    except DomainError:
        return None


def _row_data(entry, options: dict) -> dict:
    f = entry.form
    return {"id": f.id.data or "", "stock_seen": f.stock_seen.data or "", "options": format_options(options),
            "sku": f.sku.data or "", "price": f.price.data or "", "stock": f.stock.data or "",
            "image_id": f.image_id.data or "", "remove": bool(f.remove.data)}


def rows_fit(form, axes: list[option_grid.Axis]) -> bool:
    """Whether the posted rows are the grid of `axes` (plus existing variants that left it)."""
    combos = {option_grid.options_key(c) for c in option_grid.combinations(axes)}
    posted = set()
    for entry in form.variants.entries:
        options = row_options(entry)
        if options is None:
            return True  # a broken row: the service names it next to the row
        key = option_grid.options_key(options)
        if key not in combos and not entry.form.id.data:
            return False
        posted.add(key)
    return combos <= posted


def remake_rows(form, axes: list[option_grid.Axis], image_choices=None, *, leave_out_gone: bool) -> None:
    """One row per combination of `axes`, keeping what was typed in a row of the same combination
    (case and order of options ignored). Existing variants outside the grid stay at the end;
    `leave_out_gone` ticks their "Leave out" (the seller's new options dropped them)."""
    by_key: dict[tuple, object] = {}
    for entry in form.variants.entries:
        options = row_options(entry)
        if options is not None:
            by_key.setdefault(option_grid.options_key(options), entry)
    rows = []
    for combo in option_grid.combinations(axes):
        entry = by_key.pop(option_grid.options_key(combo), None)
        rows.append(_row_data(entry, combo) if entry is not None else {"options": format_options(combo), "stock": "0"})
    for entry in by_key.values():
        if entry.form.id.data:
            data = _row_data(entry, row_options(entry))
            data["remove"] = data["remove"] or leave_out_gone
            rows.append(data)
    form.variants.entries, form.variants.last_index = [], -1
    for data in rows:
        entry = form.variants.append_entry(data)
        if image_choices:
            entry.form.image_id.choices = image_choices


def apply_bulk(form, *, blanks_only: bool) -> None:
    """"Price / stock for every row": into every row kept (or, on save, only the rows left blank)."""
    price, stock = (form.bulk_price.data or "").strip(), (form.bulk_stock.data or "").strip()
    for entry in form.variants.entries:
        row = entry.form
        if row.remove.data:
            continue
        if price and not (blanks_only and (row.price.data or "").strip()):
            row.price.data = price
        # A new row's stock starts at 0: on save, that counts as blank too.
        blank_stock = (row.stock.data or "").strip() in (("", "0") if not row.id.data else ("",))
        if stock and not (blanks_only and not blank_stock):
            row.stock.data = stock


def label_rows(form, axes: list[option_grid.Axis] | None) -> None:
    """What each row shows: its combination ("Đỏ / M") and whether it left the grid."""
    combos = {option_grid.options_key(c) for c in option_grid.combinations(axes)} if axes is not None else None
    for n, entry in enumerate(form.variants.entries, 1):
        options = row_options(entry)
        entry.label_text = variant_label(options) if options else (
            _("Variant %(num)d", num=n) if options is None else _("Default"))
        entry.gone = bool(combos is not None and options is not None and option_grid.options_key(options) not in combos)


def clear_errors(form) -> None:
    """A round that only remade the grid shows no complaint about fields the seller hasn't finished."""
    form.form_errors.clear()
    for field in _all_fields(form):
        field.errors = []


def _all_fields(form):
    for field in form:
        if field.type == "FieldList":
            for entry in field.entries:
                yield from entry.form
        else:
            yield field


def error_summary(form) -> list[tuple[str | None, str]]:
    """Every error of the form as (the id of its input, "Where: what"), in the page's order."""
    found: list[tuple[str | None, str]] = [(None, message) for message in form.form_errors]
    for field in form:
        if field.type == "FieldList":
            for n, entry in enumerate(field.entries, 1):
                where = (_("Option %(num)d", num=n) if field.name == "options"
                         else getattr(entry, "label_text", None) or _("Variant %(num)d", num=n))
                for sub in entry.form:
                    found += [(_target(sub), f"{where} — {sub.label.text}: {message}") for message in sub.errors]
        elif field.type != "CSRFTokenField":
            found += [(field.id, f"{field.label.text}: {message}") for message in field.errors]
    return found


def _target(field) -> str:
    # A row's options are hidden: its error sits on the row's heading, which has the id the link needs.
    return f"{field.id}-heading" if field.type == "HiddenField" else field.id
