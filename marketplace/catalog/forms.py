"""The listing filter form (a GET form: no CSRF token, shareable URLs)."""
import uuid
from decimal import Decimal
from functools import lru_cache

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import Select, html_params

from marketplace.money import parse_money
from marketplace.services.catalog import SORT_LABELS, Sort

RATING_CHOICES = [("", "Any rating"), ("4", "4★ & up"), ("3", "3★ & up"), ("2", "2★ & up"), ("1", "1★ & up")]


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class CachedSelect(Select):
    """wtforms' Select whose <option> list is rendered once per (choices list, selected value).

    Listing pages render the same filter on every request, and the shop filter alone has
    100 options: rendering them cost a third of a category page. The choices lists below
    are shared, never mutated objects (a form that needs another option gets a new list),
    so the list's identity plus the selected value decide the options' markup.
    """

    def __init__(self):
        super().__init__()
        self._options: dict[tuple, tuple[list, str]] = {}

    def __call__(self, field, **kwargs):
        key = (id(field.choices), field.data)
        hit = self._options.get(key)
        if hit is None or hit[0] is not field.choices:
            full = str(super().__call__(field))
            if len(self._options) > 512:
                self._options.clear()
            hit = self._options[key] = (field.choices, full[full.index(">") + 1:-len("</select>")])
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{hit[1]}</select>")


_RATINGS = _choices(RATING_CHOICES)
_SORTS = {searching: _choices((s.value, SORT_LABELS[s]) for s in Sort if searching or s != Sort.RELEVANCE)
          for searching in (False, True)}
_ANY_SHOP = SelectChoice("", "Any shop")


@lru_cache(maxsize=8)
def shop_select_choices(shops: tuple) -> list[SelectChoice]:
    """The shop filter's options for a (cached, immutable) tuple of (id, name)."""
    return [_ANY_SHOP] + [SelectChoice(str(shop_id), name) for shop_id, name in shops]


def _money(field) -> int | None:
    raw = (field.data or "").strip()
    if not raw:
        return None
    try:
        value = parse_money(raw)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if value < 0:
        raise ValidationError("Enter a positive amount.")
    return value


class ListingFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField("Search", validators=[Optional(), Length(max=200)])
    min_price = StringField("Min price", validators=[Optional(), Length(max=20)])
    max_price = StringField("Max price", validators=[Optional(), Length(max=20)])
    min_rating = SelectField("Rating", choices=_choices(RATING_CHOICES), default="", widget=CachedSelect())
    shop = SelectField("Shop", choices=[_ANY_SHOP], default="", validate_choice=False, widget=CachedSelect())
    in_stock = BooleanField("In stock only")
    sort = SelectField("Sort by", default="", validate_choice=False, widget=CachedSelect())

    def __init__(self, *args, searching: bool = False, shops=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Shared lists (see CachedSelect): never mutate them, assign a new list instead.
        self.sort.choices = _SORTS[searching]
        self.min_rating.choices = _RATINGS
        self.shop.choices = shop_select_choices(tuple(shops))
        self.min_price_value = self.max_price_value = None

    def validate_min_price(self, field):
        self.min_price_value = _money(field)

    def validate_max_price(self, field):
        self.max_price_value = _money(field)
        if self.min_price_value is not None and self.max_price_value is not None \
                and self.max_price_value < self.min_price_value:
            raise ValidationError("The max price must be at least the min price.")

    def validate_sort(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Pick a sort order from the list.")

    def validate_shop(self, field):
        if field.data:
            try:
                uuid.UUID(field.data)
            except ValueError as exc:
                raise ValidationError("Pick a shop from the list.") from exc

    @property
    def rating_value(self) -> Decimal | None:
        return Decimal(self.min_rating.data) if self.min_rating.data else None

    @property
    def shop_value(self) -> uuid.UUID | None:
        return uuid.UUID(self.shop.data) if self.shop.data else None

    @property
    def sort_value(self) -> Sort | None:
        return Sort(self.sort.data) if self.sort.data else None
