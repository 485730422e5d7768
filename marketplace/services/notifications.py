"""Notifications: written in the same transaction as the event they tell about."""
import uuid

from marketplace.extensions import db
from marketplace.models import Notification


def notify(user_id: uuid.UUID, kind: str, title: str, body: str = "", link: str | None = None) -> Notification:
    """Add a notification for one user (e.g. kind "order.shipped"); flushed, not committed.

    `link` is a path inside the site (e.g. "/orders/<id>"): services build it
    without url_for so they never depend on a request.
    """
    notification = Notification(user_id=user_id, kind=kind, title=title, body=body, link=link)
    db.session.add(notification)
    db.session.flush()
    return notification
