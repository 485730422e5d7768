from flask import Blueprint

bp = Blueprint("shop", __name__)

from marketplace.shop import views  # noqa: E402,F401
