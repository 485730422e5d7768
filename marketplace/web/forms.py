"""What every page form shares: the body it reads, and the input rules of services/core/input_rules.py
as WTForms validators and fields.

Every page form derives from `PageForm`; a text field carries `ONE_LINE` or `MULTI_LINE` (or,
for a search box, the `strip_controls` filter); a number a person types is a `WholeNumberField`,
or text carrying `ASCII_DIGITS` that parse_money or a service parses after validation.
tests/security/test_hostile_text.py and test_hostile_numbers.py walk every form to keep it so.
"""
from flask import request
from flask_wtf import FlaskForm
from wtforms import FileField, IntegerField
from wtforms.validators import StopValidation, ValidationError

from marketplace.services.core.errors import ValidationFailed
from marketplace.services.core.input_rules import (
    COUNT_MAX, digits_message, only_ascii_digits, parse_whole, strip_controls, text_problem,
)

SUBMIT_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_SUBMITTED = object()  # no formdata given: read the request's

__all__ = ["PageForm", "PlainText", "ONE_LINE", "MULTI_LINE", "ASCII_DIGITS", "WholeNumberField", "strip_controls"]


class PageForm(FlaskForm):
    """The base of every form of the pages: Flask-WTF's, reading form-encoded and multipart bodies only.

    Flask-WTF would take a JSON body as the form when there is no other: no page takes one, and
    a JSON array, a scalar or a nested object there was a 500 in every form (issue 13). Files go
    to file fields only: a file part under a text or number field's name broke those fields."""

    def __init__(self, formdata=_SUBMITTED, **kwargs):
        if formdata is not _SUBMITTED:
            super().__init__(formdata=formdata, **kwargs)
            return
        submitted = request.method in SUBMIT_METHODS and bool(request.form or request.files)
        super().__init__(formdata=request.form if submitted else None, **kwargs)
        if submitted and request.files:
            for field in self:
                if isinstance(field, FileField):
                    field.process(request.files)

    def checked(self, name: str):
        """A field's data once its validators pass, else ValidationFailed naming the field: for the
        views that hand a field straight to a service and show that service's refusals on it."""
        field = self[name]
        if not field.validate(self):
            raise ValidationFailed(field.errors[0], field=name)
        return field.data


class PlainText:
    """Refuses control characters and bidi overrides (and, on one line, line breaks and tabs)."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, form, field):
        problem = text_problem(field.data, multiline=self.multiline)
        if problem:
            raise ValidationError(problem)


ONE_LINE = PlainText()
MULTI_LINE = PlainText(multiline=True)


class AsciiDigits:
    """Marks a text field that holds a number (an amount, a stock) parsed after validation, and
    refuses digits other than 0-9 there: int() and Decimal() would read "١٢" as 12. The parse
    (parse_money, parse_whole) refuses anything else that isn't a number, control characters included."""

    def __call__(self, form, field):
        if isinstance(field.data, str) and not only_ascii_digits(field.data):
            raise StopValidation(digits_message())


ASCII_DIGITS = AsciiDigits()


class WholeNumberField(IntegerField):
    """An integer typed in ASCII digits, within `minimum`..`maximum` (the column's range by default).

    WTForms' IntegerField uses int(), which reads "١٢" as 12 and any number of digits. Empty
    input is None (add Optional() or InputRequired() as the field needs)."""

    def __init__(self, label=None, validators=None, minimum: int = 0, maximum: int = COUNT_MAX, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # its message is already there: NumberRange etc. would add another

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0]
        if not raw.strip():
            self.data = None
            return
        try:
            self.data = parse_whole(raw, minimum=self.minimum, maximum=self.maximum)
        except ValueError:
            self.data = None
            raise
