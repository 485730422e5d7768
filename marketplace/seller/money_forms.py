"""Seller center money forms: the bank details payouts go to (shape and size here; the rules in
services/shops/bank_details.py)."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from marketplace.seller.forms import REQUIRED
from marketplace.web.forms import ONE_LINE, PageForm


class BankDetailsForm(PageForm):
    bank_name = StringField(_l("Bank"), validators=[REQUIRED, Length(max=120), ONE_LINE],
                            render_kw={"autocomplete": "off"})
    bank_account_name = StringField(_l("Account holder"), validators=[REQUIRED, Length(max=120), ONE_LINE],
                                    render_kw={"autocomplete": "name"})
    bank_account_number = StringField(_l("Account number"), validators=[REQUIRED, Length(max=40), ONE_LINE],
                                      render_kw={"inputmode": "numeric", "autocomplete": "off",
                                                 "spellcheck": "false"})
