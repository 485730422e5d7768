from flask import Blueprint

bp = Blueprint("catalog", __name__)

from marketplace.catalog import cards, search_views, views  # noqa: E402,F401
