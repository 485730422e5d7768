from flask import Blueprint

bp = Blueprint("seller", __name__, url_prefix="/seller")

from marketplace.seller import views  # noqa: E402,F401
