from flask import Blueprint

bp = Blueprint("cart", __name__)

from marketplace.cart import views  # noqa: E402,F401
