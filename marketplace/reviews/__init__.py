"""Reviews: product review listings, writing and editing reviews, the buyer's review pages."""
from flask import Blueprint

bp = Blueprint("reviews", __name__)

from marketplace.reviews import views  # noqa: E402,F401
