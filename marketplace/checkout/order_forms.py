"""Forms of the buyer's order actions. The rules (reason length, allowed states) live in
services/orders.py; these only carry the input and the CSRF token."""
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class BuyerCancelForm(FlaskForm):
    reason = TextAreaField("Why are you cancelling? (optional)", render_kw={"rows": 2, "maxlength": 500})


class ConfirmReceiptForm(FlaskForm):
    pass
