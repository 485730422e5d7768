from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from marketplace.account import views  # noqa: E402,F401
from marketplace.account import devices_views, profile_views  # noqa: E402,F401
