"""The buyer's returns: ask to return lines of a delivered order, follow and act on a return."""
from flask import Blueprint

bp = Blueprint("returns", __name__)

from marketplace.returns import views  # noqa: E402,F401
