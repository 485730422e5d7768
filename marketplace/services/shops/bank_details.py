"""A shop's bank details: where its payouts go. A payout copies them when it is asked for, so an edit
(or a stolen session's edit) never redirects a payout already on its way."""
import re

from flask_babel import gettext as _

from marketplace.extensions import db
from marketplace.models import Shop
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.core.text import clean_text

NAME_MIN, NAME_MAX = 2, 120
ACCOUNT_DIGITS_MIN, ACCOUNT_DIGITS_MAX = 6, 34
ACCOUNT_MAX = 40  # the column: digits and the spaces that group them
_ACCOUNT = re.compile(r"^[0-9 ]+$")


def clean_account_number(value: str | None) -> str:
    """Digits, optionally grouped by single spaces ("0123 4567 89"); 6 to 34 digits."""
    text = " ".join((value or "").split())
    digits = text.replace(" ", "")
    if not text:
        raise ValidationFailed(_("Enter the account number."), field="bank_account_number", code="required")
    if not _ACCOUNT.match(text) or len(text) > ACCOUNT_MAX:
        raise ValidationFailed(_("Use the digits 0-9 (spaces between groups are fine)."),
                               field="bank_account_number", code="invalid_account_number")
    if not ACCOUNT_DIGITS_MIN <= len(digits) <= ACCOUNT_DIGITS_MAX:
        raise ValidationFailed(_("An account number has %(min)d to %(max)d digits.", min=ACCOUNT_DIGITS_MIN,
                                 max=ACCOUNT_DIGITS_MAX), field="bank_account_number", code="invalid_account_number")
    return text


def update_bank_details(shop: Shop, *, bank_name: str | None, account_name: str | None,
                        account_number: str | None) -> Shop:
    """Set the shop's bank, account holder and account number (all three, checked together)."""
    errors = {}
    values = {}
    for field, label, value in (("bank_name", _("bank name"), bank_name),
                                ("bank_account_name", _("account holder"), account_name)):
        try:
            values[field] = clean_text(value, field=field, label=label, min_len=NAME_MIN, max_len=NAME_MAX)
        except ValidationFailed as error:
            errors.update(error.fields)
    try:
        values["bank_account_number"] = clean_account_number(account_number)
    except ValidationFailed as error:
        errors.update(error.fields)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors, code="invalid_bank_details")
    shop.bank_name, shop.bank_account_name, shop.bank_account_number = (
        values["bank_name"], values["bank_account_name"], values["bank_account_number"])
    db.session.flush()
    return shop
