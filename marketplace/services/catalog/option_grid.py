"""A product's option grid: the seller names a few options and their values ("Màu": "Đỏ, Xanh,
Đen"; "Size": "S, M") and gets one variant per combination (3 x 2 = 6).

Pure rules, no database. `parse_axes` checks what was typed (every mistake at once, on the form's
`options-<i>-name` / `options-<i>-values` names), `combinations` makes the rows' options, and
`axes_of` reads the grid back from a product's variants. What a variant may be (its options, SKU,
price, stock) stays variant_input.py's: a combination is a variant's `options` dict.
"""
import itertools
from dataclasses import dataclass

from flask_babel import gettext as _

from marketplace.services.catalog.variant_input import MAX_OPTIONS, MAX_VARIANTS, OPTION_NAME_MAX, OPTION_VALUE_MAX
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.core.text import nfc

MAX_AXES = 3  # what the form offers; a product saved with more options keeps them (up to MAX_OPTIONS)
VALUE_SEPARATOR = ","
# A variant's options travel as "Màu=Đỏ, Size=M" (variant_input.format_options): these would split it.
_NOT_IN_NAME, _NOT_IN_VALUE = "=;,", ";,"


@dataclass(frozen=True)
class Axis:
    name: str
    values: tuple[str, ...]


def options_key(options: dict[str, str]) -> tuple:
    """Two option sets a shopper couldn't tell apart have the same key (case and order ignored)."""
    return tuple(sorted((k.casefold(), v.casefold()) for k, v in (options or {}).items()))


def split_values(text: str | None) -> list[str]:
    return [value for value in (nfc(part) for part in (text or "").split(VALUE_SEPARATOR)) if value]


def _name_problem(name: str, taken: set[str]) -> str | None:
    if len(name) > OPTION_NAME_MAX:
        return _("Keep an option's name under %(max)d characters.", max=OPTION_NAME_MAX + 1)
    if any(char in name for char in _NOT_IN_NAME):
        return _("Leave =, ; and commas out of an option's name.")
    if name.casefold() in taken:
        return _("The option “%(name)s” is given twice.", name=name)
    return None


def _values_problem(name: str, values: list[str]) -> str | None:
    if not values:
        if not name:
            return _("Give this option its values, separated by commas, e.g. Đỏ, Xanh.")
        return _("Give %(name)s its values, separated by commas, e.g. Đỏ, Xanh.", name=name)
    seen: set[str] = set()
    for value in values:
        if len(value) > OPTION_VALUE_MAX:
            return _("Keep each value under %(max)d characters.", max=OPTION_VALUE_MAX + 1)
        if ";" in value:
            return _("Leave ; out of the values (commas separate them).")
        if value.casefold() in seen:
            return _("“%(value)s” is given twice.", value=value)
        seen.add(value.casefold())
    return None


def parse_axes(typed: list[tuple[str | None, str | None]]) -> list[Axis]:
    """The options as typed, [(name, "Đỏ, Xanh, Đen"), ...], as axes; blank pairs are skipped.

    Every mistake is reported at once (ValidationFailed, one field per mistake), and so is a
    grid larger than a product may be (on `options`).
    """
    axes, errors, taken = [], {}, set()
    for index, (raw_name, raw_values) in enumerate(typed):
        name, values = nfc(raw_name), split_values(raw_values)
        if not name and not values:
            continue
        prefix = f"options-{index}-"
        problem = _("Name this option, e.g. Màu or Size.") if not name else _name_problem(name, taken)
        if problem:
            errors[prefix + "name"] = problem
        if problem := _values_problem(name, values):
            errors[prefix + "values"] = problem
        taken.add(name.casefold())
        axes.append(Axis(name, tuple(values)))
    if len(axes) > MAX_OPTIONS:
        errors["options"] = _("A product can have at most %(max)d options.", max=MAX_OPTIONS)
    rows = 1
    for axis in axes:
        rows *= max(1, len(axis.values))
    if rows > MAX_VARIANTS:
        errors["options"] = _("These options make %(rows)d combinations; a product can have at most %(max)d "
                              "variants. Use fewer values.", rows=rows, max=MAX_VARIANTS)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors, code="options_invalid")
    return axes


def combinations(axes: list[Axis]) -> list[dict[str, str]]:
    """One options dict per combination, the first option varying slowest; no axes: one row, no options."""
    return [dict(zip((axis.name for axis in axes), values))
            for values in itertools.product(*(axis.values for axis in axes))]


def axes_of(option_sets: list[dict[str, str]]) -> list[Axis]:
    """The grid that holds these variants' options: every option name in the order first met,
    each with its values in the order first met."""
    found: dict[str, list[str]] = {}
    names: dict[str, str] = {}  # casefolded -> as first written
    for options in option_sets:
        for name, value in (options or {}).items():
            spelled = names.setdefault(name.casefold(), name)
            values = found.setdefault(spelled, [])
            if value.casefold() not in (v.casefold() for v in values):
                values.append(value)
    return [Axis(name, tuple(values)) for name, values in found.items()]
