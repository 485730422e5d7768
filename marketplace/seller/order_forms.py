"""Forms of the seller's order actions. The rules (required reason and tracking number,
allowed states) live in services/orders.py; these carry the input and the CSRF token.

Every form is prefixed with its kind and its order's id, so the many rows of the order
list each have their own field ids and names.
"""
import uuid

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField


class OrderActionForm(FlaskForm):
    """Confirm or mark delivered: nothing to type."""


class ShipForm(FlaskForm):
    tracking_number = StringField("Tracking number", render_kw={"maxlength": 64, "required": True, "autocomplete": "off"})


class SellerCancelForm(FlaskForm):
    reason = TextAreaField("Reason (the buyer will see it)", render_kw={"rows": 2, "maxlength": 500, "required": True})


FORMS = {"confirm": OrderActionForm, "ship": ShipForm, "deliver": OrderActionForm, "cancel": SellerCancelForm}


def prefix(kind: str, order_id: uuid.UUID) -> str:
    return f"{kind}-{order_id.hex}"


def action_form(kind: str, order_id: uuid.UUID, submitted: bool = True) -> FlaskForm:
    """The `kind` form of one order: reading the request when `submitted`, else blank."""
    form_class = FORMS[kind]
    if submitted:
        return form_class(prefix=prefix(kind, order_id))
    return form_class(prefix=prefix(kind, order_id), formdata=None)
