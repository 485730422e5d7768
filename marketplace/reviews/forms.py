"""Review forms. They only parse the input: services/reviews/reviews.py holds every rule, and its
errors land on these fields, so a rule is never written twice."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, SelectMultipleField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice

from marketplace.services.core.input_rules import INT4_MAX, parse_whole
from marketplace.services.reviews.reviews import BODY_MAX, IMAGES_MAX, REPLY_MAX
from marketplace.web.forms import MULTI_LINE, PageForm

RATING_CHOICES = [
    SelectChoice("", _l("Choose a rating")),
    SelectChoice(5, _l("★★★★★  5 · Excellent")),
    SelectChoice(4, _l("★★★★☆  4 · Good")),
    SelectChoice(3, _l("★★★☆☆  3 · Okay")),
    SelectChoice(2, _l("★★☆☆☆  2 · Poor")),
    SelectChoice(1, _l("★☆☆☆☆  1 · Bad")),
]


def int_or_none(value):
    """Coerce for the rating select: garbage (and digits other than 0-9) becomes None and the
    service explains the rule."""
    if isinstance(value, int):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_whole(value, maximum=INT4_MAX)
    except ValueError:
        return None


class ReviewForm(PageForm):
    rating = SelectField(_l("Your rating"), choices=RATING_CHOICES, coerce=int_or_none, validate_choice=False)
    body = TextAreaField(_l("Your review"), validators=[MULTI_LINE], render_kw={"rows": 5, "maxlength": BODY_MAX})
    images = MultipleFileField(_l("Photos (up to %(limit)s)", limit=IMAGES_MAX), render_kw={"accept": "image/*", "multiple": True})

    def uploads(self) -> list[bytes]:
        return [upload.read() for upload in (self.images.data or []) if upload and upload.filename]


class EditReviewForm(ReviewForm):
    images = MultipleFileField(_l("Add photos"), render_kw={"accept": "image/*", "multiple": True})
    remove_images = SelectMultipleField(
        _l("Remove photos"), choices=[], validate_choice=False,
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
    )


class ReplyForm(PageForm):
    reply = TextAreaField(_l("Your public reply"), validators=[MULTI_LINE], render_kw={"rows": 3, "maxlength": REPLY_MAX})
