"""Review forms. They only parse the input: services/reviews/reviews.py holds every rule, and its
errors land on these fields, so a rule is never written twice."""
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, SelectMultipleField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice

from marketplace.services.core.input_rules import INT4_MAX, parse_whole
from marketplace.services.reviews.reviews import BODY_MAX, IMAGES_MAX, REPLY_MAX
from marketplace.web.forms import MULTI_LINE, PageForm

RATING_CHOICES = [
    SelectChoice("", "Choose a rating"),
    SelectChoice(5, "★★★★★  5 · Excellent"),
    SelectChoice(4, "★★★★☆  4 · Good"),
    SelectChoice(3, "★★★☆☆  3 · Okay"),
    SelectChoice(2, "★★☆☆☆  2 · Poor"),
    SelectChoice(1, "★☆☆☆☆  1 · Bad"),
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
    rating = SelectField("Your rating", choices=RATING_CHOICES, coerce=int_or_none, validate_choice=False)
    body = TextAreaField("Your review", validators=[MULTI_LINE], render_kw={"rows": 5, "maxlength": BODY_MAX})
    images = MultipleFileField(f"Photos (up to {IMAGES_MAX})", render_kw={"accept": "image/*", "multiple": True})

    def uploads(self) -> list[bytes]:
        return [upload.read() for upload in (self.images.data or []) if upload and upload.filename]


class EditReviewForm(ReviewForm):
    images = MultipleFileField("Add photos", render_kw={"accept": "image/*", "multiple": True})
    remove_images = SelectMultipleField(
        "Remove photos", choices=[], validate_choice=False,
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
    )


class ReplyForm(PageForm):
    reply = TextAreaField("Your public reply", validators=[MULTI_LINE], render_kw={"rows": 3, "maxlength": REPLY_MAX})
