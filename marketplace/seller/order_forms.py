"""Forms of the seller's order actions. The rules (required reason and tracking number,
allowed states) live in services/ordering/orders.py; these carry the input and the CSRF token.

Every form is prefixed with its kind and its order's id, so the many rows of the order
list each have their own field ids and names.
"""
import uuid

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from marketplace.web.forms import MULTI_LINE, ONE_LINE, PageForm


class OrderActionForm(PageForm):
    """Confirm or mark delivered: nothing to type."""


class ShipForm(PageForm):
    tracking_number = StringField(_l("Tracking number"), validators=[ONE_LINE],
                                  render_kw={"maxlength": 64, "required": True, "autocomplete": "off"})


class SellerCancelForm(PageForm):
    reason = TextAreaField(_l("Reason (the buyer will see it)"), validators=[MULTI_LINE],
                           render_kw={"rows": 2, "maxlength": 500, "required": True})


FORMS = {"confirm": OrderActionForm, "ship": ShipForm, "deliver": OrderActionForm, "cancel": SellerCancelForm}


def prefix(kind: str, order_id: uuid.UUID) -> str:
    return f"{kind}-{order_id.hex}"


def action_form(kind: str, order_id: uuid.UUID, submitted: bool = True) -> PageForm:
    """The `kind` form of one order: reading the request when `submitted`, else blank."""
    form_class = FORMS[kind]
    if submitted:
        return form_class(prefix=prefix(kind, order_id))
    return form_class(prefix=prefix(kind, order_id), formdata=None)
