from flask import Blueprint

bp = Blueprint("seller", __name__, url_prefix="/seller")

from marketplace.seller import views  # noqa: E402,F401
from marketplace.seller import dashboard, reviews  # noqa: E402,F401
from marketplace.seller import orders  # noqa: E402,F401
from marketplace.seller import products, shop  # noqa: E402,F401
from marketplace.seller import vouchers  # noqa: E402,F401
