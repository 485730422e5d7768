"""Checkout forms. Lines and per-shop voucher codes are dynamic, so the view reads them
from the request (`line` checkboxes, `voucher-<shop id>` inputs); the rest is here."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Form, FormField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from marketplace.services.core.input_rules import INT8_MAX, TOTAL_MAX
from marketplace.web.forms import ONE_LINE, PageForm, WholeNumberField

NEW_ADDRESS = "new"


class NewAddressForm(Form):
    """Checked by the address book service when chosen; every field optional here."""

    recipient_name = StringField(_l("Recipient"), validators=[Optional(), Length(max=120), ONE_LINE])
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=30), ONE_LINE])
    line1 = StringField(_l("Address"), validators=[Optional(), Length(max=200), ONE_LINE])
    line2 = StringField(_l("Address line 2"), validators=[Optional(), Length(max=200), ONE_LINE])
    ward = StringField(_l("Ward"), validators=[Optional(), Length(max=100), ONE_LINE])
    district = StringField(_l("District"), validators=[Optional(), Length(max=100), ONE_LINE])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100), ONE_LINE])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=20), ONE_LINE])


class CheckoutForm(PageForm):
    address_id = RadioField(_l("Ship to"), validate_choice=False)
    new_address = FormField(NewAddressForm)
    payment_method = RadioField(_l("Payment"), choices=[SelectChoice("COD", _l("Cash on delivery (COD)")),
                                                             SelectChoice("ONLINE", _l("Pay online now"))], default="COD",
                                validate_choice=False)
    idempotency_key = HiddenField(validators=[Length(max=100)])  # orders.idempotency_key is VARCHAR(100)
    # The total the page showed (templates/checkout/partials/_checkout_totals.html renders the input;
    # the view reads it): checked here so that "١٢", "²" or 30 digits is a form error.
    expected_total = WholeNumberField(_l("Total shown"), validators=[Optional()], maximum=TOTAL_MAX)

    def set_addresses(self, addresses) -> None:
        self.address_id.choices = ([SelectChoice(str(a.id), a.one_line()) for a in addresses]
                                  + [SelectChoice(NEW_ADDRESS, _("A new address"))])
        if not self.address_id.data:
            default = next((a for a in addresses if a.is_default), addresses[0] if addresses else None)
            self.address_id.data = str(default.id) if default else NEW_ADDRESS


class BuyNowForm(PageForm):
    """"Buy now" beside "Add to cart" on a product page: the same fields (see cart/forms.py)."""

    variant_id = HiddenField(_l("Variant"), validators=[DataRequired(message=_l("Choose an option."))])
    quantity = WholeNumberField(_l("Quantity"), default=1, validators=[Optional()], maximum=INT8_MAX)
    next = HiddenField()
