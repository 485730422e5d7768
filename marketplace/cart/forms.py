"""Cart forms. Quantities are checked by the cart service (1 to MAX_QUANTITY), so the message is
the same everywhere; these only read them, in ASCII digits: anything else is None, which the
service refuses. The wide range lets the service say "at most 999" to a number too large."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import DataRequired, Optional

from marketplace.services.core.input_rules import INT8_MAX
from marketplace.web.forms import PageForm, WholeNumberField


class AddToCartForm(PageForm):
    variant_id = HiddenField(_l("Variant"), validators=[DataRequired(message=_l("Choose an option."))])
    quantity = WholeNumberField(_l("Quantity"), default=1, validators=[Optional()], maximum=INT8_MAX)
    next = HiddenField()


class QuantityForm(PageForm):
    quantity = WholeNumberField(_l("Quantity"), validators=[Optional()], maximum=INT8_MAX)


class RemoveLineForm(PageForm):
    # Only tells which shop block to re-render; the line itself is looked up in the owner's cart.
    shop_id = HiddenField()
