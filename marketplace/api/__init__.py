"""The JSON API for the mobile app, mounted at /api/v1.

Request bodies and responses are pydantic models (api/schemas.py); spectree
validates them and builds the OpenAPI document from the same models.
"""
from flask import Blueprint, current_app

from marketplace.extensions import limiter

bp = Blueprint("api", __name__)
limiter.limit(lambda: current_app.config["RATELIMIT_API"])(bp)

# Each module registers its routes on import; one module per area of the API.
from marketplace.api import docs, errors  # noqa: E402,F401
from marketplace.api import auth  # noqa: E402,F401
from marketplace.api import notifications, reviews  # noqa: E402,F401
from marketplace.api import profile  # noqa: E402,F401
from marketplace.api import orders  # noqa: E402,F401
from marketplace.api import cart, checkout, vouchers  # noqa: E402,F401
from marketplace.api import catalog  # noqa: E402,F401
