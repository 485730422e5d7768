"""The listing filter form (a GET form: no CSRF token, shareable URLs)."""
import uuid
from decimal import Decimal
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from marketplace.money import parse_money
from marketplace.services.catalog.listing_queries import SORT_LABELS, Sort
from marketplace.web.forms import ASCII_DIGITS, PageForm, strip_controls

RATING_CHOICES = [("", _l("Any rating")), ("4", _l("4★ & up")), ("3", _l("3★ & up")), ("2", _l("2★ & up")),
                  ("1", _l("1★ & up"))]


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


# Shared choice lists, never mutated (a form that needs another option gets a new list):
# catalog/listing.filter_fields memoizes the rendered fields by their identities.
_RATINGS = _choices(RATING_CHOICES)
_SORTS = {searching: _choices((s.value, SORT_LABELS[s]) for s in Sort if searching or s != Sort.RELEVANCE)
          for searching in (False, True)}
_ANY_SHOP = SelectChoice("", _l("Any shop"))


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
        raise ValidationError(_("Enter a positive amount."))
    return value


class ListingFilterForm(PageForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    # Control and bidi characters become spaces rather than an error: a query is never stored.
    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)], filters=[strip_controls])
    min_price = StringField(_l("Min price"), validators=[Optional(), Length(max=20), ASCII_DIGITS])
    max_price = StringField(_l("Max price"), validators=[Optional(), Length(max=20), ASCII_DIGITS])
    min_rating = SelectField(_l("Rating"), choices=_RATINGS, default="")
    shop = SelectField(_l("Shop"), choices=[_ANY_SHOP], default="", validate_choice=False)
    in_stock = BooleanField(_l("In stock only"))
    sort = SelectField(_l("Sort by"), default="", validate_choice=False)
    # The search page's category facet (a slug, checked against `categories`); other pages ignore it.
    category = StringField(_l("Category"), validators=[Optional(), Length(max=100)], filters=[strip_controls])

    def __init__(self, *args, searching: bool = False, shops=(), categories=None, **kwargs):
        """`categories`: the category tree, on the search page (its facet filters by category)."""
        super().__init__(*args, **kwargs)
        self.categories = categories
        # The shared lists themselves (above; the constructor copies a choices= list): never
        # mutate them, assign a new list instead.
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
            raise ValidationError(_("The max price must be at least the min price."))

    def validate_sort(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_("Pick a sort order from the list."))

    def validate_shop(self, field):
        if field.data:
            try:
                uuid.UUID(field.data)
            except ValueError as exc:
                raise ValidationError(_("Pick a shop from the list.")) from exc

    def validate_category(self, field):
        if field.data and self.categories is not None and self.categories.get_by_slug(field.data) is None:
            raise ValidationError(_("Pick a category from the list."))

    @property
    def narrowed(self) -> bool:
        """Whether any filter (not the words or the sort) narrows the list: an empty list then says so."""
        return bool(self.min_price.data or self.max_price.data or self.min_rating.data or self.shop.data
                    or self.in_stock.data or self.category_node is not None)

    @property
    def rating_value(self) -> Decimal | None:
        return Decimal(self.min_rating.data) if self.min_rating.data else None

    @property
    def category_node(self):
        """The chosen category's node of the tree, or None."""
        return self.categories.get_by_slug(self.category.data) if self.category.data and self.categories else None

    @property
    def shop_value(self) -> uuid.UUID | None:
        return uuid.UUID(self.shop.data) if self.shop.data else None

    @property
    def sort_value(self) -> Sort | None:
        return Sort(self.sort.data) if self.sort.data else None
