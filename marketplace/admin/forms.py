"""Admin forms: GET filters (no CSRF: they change nothing) and the moderation actions."""
from wtforms import DateField, HiddenField, SearchField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from marketplace.models import ProductStatus, Role, ShopStatus, UserStatus
from marketplace.services.admin.moderation import REASON_MAX
from marketplace.services.shops import shops
from marketplace.web.forms import MULTI_LINE, ONE_LINE, PageForm, strip_controls

# Search boxes drop control and bidi characters instead of refusing them: a query is never stored.
SEARCH = [strip_controls]

def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


ANY = ("", "Any")


class FilterForm(PageForm):
    """Read from the query string. An absent filter is None; a bad one is ignored and its error shown."""

    class Meta:
        csrf = False

    def value(self, name: str):
        field = self[name]
        if not any(field.raw_data or []):
            return None
        if not field.validate(self):
            return None
        return field.data or None


class UserFilterForm(FilterForm):
    q = SearchField("Search users", validators=[Optional(), Length(max=100)], filters=SEARCH,
                    render_kw={"placeholder": "Name, phone or email"})
    role = SelectField("Role", choices=options([ANY] + [(r.value, r.value.title()) for r in Role]))
    status = SelectField("Status", choices=options([ANY] + [(s.value, s.value.title()) for s in UserStatus]))


class ProductFilterForm(FilterForm):
    q = SearchField("Title", validators=[Optional(), Length(max=100)], filters=SEARCH,
                    render_kw={"placeholder": "Search titles"})
    shop = SearchField("Shop", validators=[Optional(), Length(max=100)], filters=SEARCH,
                       render_kw={"placeholder": "Shop name or slug"})
    category = SelectField("Category", choices=options([ANY]))
    status = SelectField("Status", choices=options([ANY] + [(s.value, s.value.title()) for s in ProductStatus]))


class AuditFilterForm(FilterForm):
    actor = SearchField("Actor", validators=[Optional(), Length(max=100)], filters=SEARCH,
                        render_kw={"placeholder": "Name, phone or email"})
    action = SelectField("Action", choices=options([ANY]))
    target_type = SelectField("Target", choices=options([ANY]))
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])


class ReviewFilterForm(FilterForm):
    q = SearchField("Search reviews", validators=[Optional(), Length(max=100)], filters=SEARCH,
                    render_kw={"placeholder": "Product title or review text"})
    state = SelectField("Shown", choices=options([ANY, ("visible", "Visible"), ("hidden", "Hidden")]))
    rating = SelectField("Rating", choices=options([ANY] + [(str(n), f"{n} ★") for n in range(5, 0, -1)]))


REASON_REQUIRED = "Give a reason: the owner will see it."


class ShopFilterForm(FilterForm):
    q = SearchField("Search", validators=[Optional(), Length(max=100)], filters=SEARCH,
                    render_kw={"placeholder": "Shop name or address"})
    status = SelectField("Status", default="",
                         choices=options([ANY] + [(s.value, s.value.title()) for s in ShopStatus]))


CONFIRMED = "yes"


class ConfirmedForm(PageForm):
    """A destructive action's form: its POST acts only when the confirm step sent `confirm=yes`.

    A POST without it (a stale button, a crafted request) is answered with the confirm step
    instead, so nothing is suspended, rejected or hidden by a single stray click."""

    confirm = HiddenField(default=CONFIRMED)

    @property
    def confirmed(self) -> bool:
        return (self.confirm.raw_data or [""])[0] == CONFIRMED


class SuspendUserForm(ConfirmedForm):
    reason = TextAreaField("Reason", validators=[DataRequired(REASON_REQUIRED), Length(max=REASON_MAX), MULTI_LINE],
                           render_kw={"rows": 2})


class UnsuspendUserForm(PageForm):
    reason = TextAreaField("Note (optional)", validators=[Optional(), Length(max=REASON_MAX), MULTI_LINE],
                           render_kw={"rows": 1})


class HideProductForm(ConfirmedForm):
    reason = StringField("Reason to hide", validators=[DataRequired(REASON_REQUIRED), Length(max=REASON_MAX),
                                                       ONE_LINE])


class UnhideProductForm(PageForm):
    pass


class HideReviewForm(ConfirmedForm):
    reason = StringField("Reason to hide", validators=[DataRequired("Give a reason for hiding this review."),
                                                       Length(max=REASON_MAX), ONE_LINE])


class UnhideReviewForm(PageForm):
    pass


class ShopReasonForm(ConfirmedForm):
    reason = StringField("Reason (the owner reads it)", validators=[Optional(), Length(max=shops.REASON_MAX),
                                                                    ONE_LINE])


class CategoryCreateForm(PageForm):
    name = StringField("Name", validators=[DataRequired("Name the category."), Length(max=100), ONE_LINE])
    parent_id = SelectField("Parent", choices=options([("", "— top level —")]))


class CategoryRenameForm(PageForm):
    name = StringField("New name", validators=[DataRequired("Name the category."), Length(max=100), ONE_LINE])


class CategoryMoveForm(PageForm):
    parent_id = SelectField("Move under", choices=options([("", "— top level —")]))


class CategoryDeleteForm(ConfirmedForm):
    pass


def with_unique_ids(form: PageForm, suffix: str) -> PageForm:
    """Give each field a distinct id so many copies of a form can live on one page (one per row)."""
    for field in form:
        field.id = f"{field.name}-{suffix}"
    return form
