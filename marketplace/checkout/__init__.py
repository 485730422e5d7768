from flask import Blueprint

bp = Blueprint("checkout", __name__)

from marketplace.checkout import views  # noqa: E402,F401
