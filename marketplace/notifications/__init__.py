"""Notifications: the list page, marking read, and the navbar bell (an htmx-polled badge;
the dropdown's items load when it opens)."""
from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from marketplace.notifications import views  # noqa: E402,F401
