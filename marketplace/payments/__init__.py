"""The web side of online payment: the provider's notification and the shopper's return, "Pay now"
and "Pay again", and the sandbox provider's own payment page."""
from flask import Blueprint

bp = Blueprint("payments", __name__)

from marketplace.payments import views  # noqa: E402,F401
