"""Forms of the returns pages. The rules (window, units, reasons, photos, states) live in
services/returns/returns.py; these carry the input and the CSRF token."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from marketplace.models import ReturnReason
from marketplace.services.returns.returns import DETAILS_MAX, IMAGES_MAX, REASON_LABELS, TEXT_MAX, TRACKING_MAX
from marketplace.web.forms import MULTI_LINE, ONE_LINE, PageForm


class ReturnForm(PageForm):
    reason = RadioField(_l("Why are you returning it?"), choices=[SelectChoice(r.value, REASON_LABELS[r]) for r in ReturnReason],
                        validate_choice=False)
    details = TextAreaField(_l("What is wrong? (optional)"), validators=[Optional(), Length(max=DETAILS_MAX), MULTI_LINE],
                            render_kw={"rows": 3, "maxlength": DETAILS_MAX})
    images = MultipleFileField(_l("Photos (up to %(limit)s)", limit=IMAGES_MAX),
                               render_kw={"accept": "image/*", "multiple": True})

    def uploads(self) -> list[bytes]:
        return [upload.read() for upload in (self.images.data or []) if upload and upload.filename]


class TrackingForm(PageForm):
    tracking_number = StringField(_l("Tracking number"), validators=[Length(max=TRACKING_MAX), ONE_LINE],
                                  render_kw={"maxlength": TRACKING_MAX, "autocomplete": "off"})


class DisputeForm(PageForm):
    note = TextAreaField(_l("Why should an administrator look again? (optional)"),
                         validators=[Optional(), Length(max=TEXT_MAX), MULTI_LINE], render_kw={"rows": 2})


class WithdrawForm(PageForm):
    pass


class RefuseForm(PageForm):
    reason = TextAreaField(_l("Why do you refuse it? (the buyer reads it)"),
                           validators=[Length(max=TEXT_MAX), MULTI_LINE], render_kw={"rows": 2})


class AcceptForm(PageForm):
    pass


class ReceiveForm(PageForm):
    restock = BooleanField(_l("Put the units back on sale"), default=True)
