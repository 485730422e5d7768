"""The JSON API for the mobile app, mounted at /api/v1.

Request bodies and responses are pydantic models (api/schemas.py); spectree
validates them and builds the OpenAPI document from the same models.
"""
from flask import Blueprint, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from marketplace.extensions import limiter

bp = Blueprint("api", __name__)
# Reading the API's own description spends nothing: it is the same document for everyone.
FREE_ENDPOINTS = frozenset({"api.openapi_document", "api.docs_page"})


def api_client() -> str:
    """Who spends the API budget: the signed-in user wherever they connect from, else the address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"  # not get_id(), which differs for each login of the user
    return get_remote_address()


# RATELIMIT_API is ONE budget per client across every route: a shared limit has one scope, where
# a plain blueprint limit counts each endpoint apart (6 routes gave 6 budgets). Routes with a limit
# of their own (search, login, ...) declare it with override_defaults=False so this one still applies.
limiter.shared_limit(lambda: current_app.config["RATELIMIT_API"], scope="api", key_func=api_client,
                     exempt_when=lambda: request.endpoint in FREE_ENDPOINTS)(bp)

# Each module registers its routes on import; one module per area of the API.
from marketplace.api import docs, errors  # noqa: E402,F401
from marketplace.api import auth  # noqa: E402,F401
from marketplace.api import notifications, reviews  # noqa: E402,F401
from marketplace.api import profile  # noqa: E402,F401
from marketplace.api import orders  # noqa: E402,F401
from marketplace.api import cart, checkout, payments, vouchers  # noqa: E402,F401
from marketplace.api import catalog  # noqa: E402,F401
from marketplace.api import wishlist  # noqa: E402,F401
from marketplace.api import returns  # noqa: E402,F401
