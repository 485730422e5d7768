"""Forms of the buyer's order actions. The rules (reason length, allowed states) live in
services/ordering/orders.py; these only carry the input and the CSRF token."""
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from marketplace.web.forms import MULTI_LINE, PageForm


class BuyerCancelForm(PageForm):
    reason = TextAreaField(_l("Why are you cancelling? (optional)"), validators=[MULTI_LINE],
                           render_kw={"rows": 2, "maxlength": 500})


class ConfirmReceiptForm(PageForm):
    pass


class BuyAgainForm(PageForm):
    pass
