"""Admin forms: GET filters (no CSRF: they change nothing) and the moderation actions."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SearchField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from marketplace.admin import labels
from marketplace.models import ProductStatus, Role, ShopStatus, UserStatus
from marketplace.services.admin.moderation import REASON_MAX
from marketplace.services.shops import shops
from marketplace.web.forms import MULTI_LINE, ONE_LINE, PageForm, strip_controls

# Search boxes drop control and bidi characters instead of refusing them: a query is never stored.
SEARCH = [strip_controls]

def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


ANY = ("", _l("Any"))


def statuses(codes) -> list[SelectChoice]:
    """A status filter's choices: any, then each code in words."""
    return options([ANY] + [(c.value, labels.STATUSES[c.value]) for c in codes])


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
    q = SearchField(_l("Search users"), validators=[Optional(), Length(max=100)], filters=SEARCH,
                    render_kw={"placeholder": _l("Name, phone or email")})
    role = SelectField(_l("Role"), choices=options([ANY] + [(r.value, labels.ROLES[r.value]) for r in Role]))
    status = SelectField(_l("Status"), choices=statuses(UserStatus))


class ProductFilterForm(FilterForm):
    q = SearchField(_l("Title"), validators=[Optional(), Length(max=100)], filters=SEARCH,
                    render_kw={"placeholder": _l("Search titles")})
    shop = SearchField(_l("Shop"), validators=[Optional(), Length(max=100)], filters=SEARCH,
                       render_kw={"placeholder": _l("Shop name or slug")})
    category = SelectField(_l("Category"), choices=options([ANY]))
    status = SelectField(_l("Status"), choices=statuses(ProductStatus))


class AuditFilterForm(FilterForm):
    actor = SearchField(_l("Actor"), validators=[Optional(), Length(max=100)], filters=SEARCH,
                        render_kw={"placeholder": _l("Name, phone or email")})
    action = SelectField(_l("Action"), choices=options([ANY]))
    target_type = SelectField(_l("Target"), choices=options([ANY]))
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


class ReviewFilterForm(FilterForm):
    q = SearchField(_l("Search reviews"), validators=[Optional(), Length(max=100)], filters=SEARCH,
                    render_kw={"placeholder": _l("Product title or review text")})
    state = SelectField(_l("Shown"), choices=options([ANY, ("visible", _l("Visible")), ("hidden", _l("Hidden"))]))
    rating = SelectField(_l("Rating"), choices=options([ANY] + [(str(n), f"{n} ★") for n in range(5, 0, -1)]))


REASON_REQUIRED = _l("Give a reason: the owner will see it.")


class ShopFilterForm(FilterForm):
    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)], filters=SEARCH,
                    render_kw={"placeholder": _l("Shop name or address")})
    status = SelectField(_l("Status"), default="", choices=statuses(ShopStatus))


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
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(REASON_REQUIRED), Length(max=REASON_MAX), MULTI_LINE],
                           render_kw={"rows": 2})


class UnsuspendUserForm(PageForm):
    reason = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=REASON_MAX), MULTI_LINE],
                           render_kw={"rows": 1})


class HideProductForm(ConfirmedForm):
    reason = StringField(_l("Reason to hide"), validators=[DataRequired(REASON_REQUIRED), Length(max=REASON_MAX),
                                                       ONE_LINE])


class UnhideProductForm(PageForm):
    pass


class HideReviewForm(ConfirmedForm):
    reason = StringField(_l("Reason to hide"), validators=[DataRequired(_l("Give a reason for hiding this review.")),
                                                       Length(max=REASON_MAX), ONE_LINE])


class UnhideReviewForm(PageForm):
    pass


class ShopReasonForm(ConfirmedForm):
    reason = StringField(_l("Reason (the owner reads it)"), validators=[Optional(), Length(max=shops.REASON_MAX),
                                                                    ONE_LINE])


TOP = ("", _l("— top level —"))


class CategoryCreateForm(PageForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Name the category.")), Length(max=100), ONE_LINE])
    parent_id = SelectField(_l("Parent"), choices=options([TOP]))


class CategoryRenameForm(PageForm):
    name = StringField(_l("New name"), validators=[DataRequired(_l("Name the category.")), Length(max=100),
                                                   ONE_LINE])


class CategoryMoveForm(PageForm):
    parent_id = SelectField(_l("Move under"), choices=options([TOP]))


class CategoryDeleteForm(ConfirmedForm):
    pass


def with_unique_ids(form: PageForm, suffix: str) -> PageForm:
    """Give each field a distinct id so many copies of a form can live on one page (one per row)."""
    for field in form:
        field.id = f"{field.name}-{suffix}"
    return form


class PayoutFilterForm(FilterForm):
    status = SelectField(_l("Status"), choices=options([ANY, ("REQUESTED", _l("Requested")), ("APPROVED", _l("Approved")),
                                                        ("PAID", _l("Paid")), ("REFUSED", _l("Refused"))]))


class PayoutActionForm(ConfirmedForm):
    """Approve (nothing more), mark paid (the bank's reference) or refuse (a reason the seller reads)."""
    reference = StringField(_l("Bank transfer reference"), validators=[Optional(), Length(max=120), ONE_LINE])
    reason = StringField(_l("Reason (the seller reads it)"), validators=[Optional(), Length(max=500), ONE_LINE])


class CommissionRateForm(PageForm):
    scope = SelectField(_l("Applies to"), choices=options([("shop", _l("A shop")), ("category", _l("A category"))]))
    shop = StringField(_l("Shop address"), validators=[Optional(), Length(max=60), ONE_LINE],
                       render_kw={"placeholder": _l("e.g. my-shop"), "autocapitalize": "none"})
    category_id = SelectField(_l("Category"), choices=options([("", _l("— choose —"))]), validate_choice=False)
    rate = StringField(_l("Rate (%)"), validators=[Optional(), Length(max=10), ONE_LINE],
                       render_kw={"inputmode": "decimal"})


class DecideReturnForm(ConfirmedForm):
    reason = TextAreaField(_l("Decision (the buyer and the seller read it)"),
                           validators=[DataRequired(_l("Give a reason: the buyer and the seller will see it.")),
                                       Length(max=1000), MULTI_LINE], render_kw={"rows": 2})


class MarkRefundPaidForm(ConfirmedForm):
    reason = StringField(_l("Bank transfer reference"),
                         validators=[DataRequired(_l("Enter the bank transfer's reference.")), Length(max=120), ONE_LINE])
