"""Cart forms. Quantities are checked by the cart service, so the message is the same everywhere."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import DataRequired, Optional


class AddToCartForm(FlaskForm):
    variant_id = HiddenField("Variant", validators=[DataRequired(message="Choose an option.")])
    quantity = IntegerField("Quantity", default=1, validators=[Optional()])
    next = HiddenField()


class QuantityForm(FlaskForm):
    quantity = IntegerField("Quantity", validators=[Optional()])


class RemoveLineForm(FlaskForm):
    # Only tells which shop block to re-render; the line itself is looked up in the owner's cart.
    shop_id = HiddenField()
