"""API: the signed-in user's notifications — list, mark one read, mark all read."""
import uuid

from flask import request
from flask_login import current_user
from spectree import Response

from marketplace.api import bp
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.notifications import (
    NotificationListOut, NotificationListQuery, NotificationOut, ReadAllOut,
)
from marketplace.api.spec import SESSION, SESSION_CSRF, spec
from marketplace.services.accounts import notifications
from marketplace.web.auth import login_required


@bp.get("/notifications")
@login_required
@spec.validate(query=NotificationListQuery, resp=Response(HTTP_200=NotificationListOut, HTTP_401=ErrorOut,
                                                          HTTP_422=ErrorOut), tags=["notifications"], security=SESSION)
def list_notifications():
    """Signed-in users: their notifications, newest first, keyset-paged, with the unread count."""
    query = request.context.query
    page = notifications.list_notifications(current_user.id, cursor=query.cursor, limit=query.limit)
    return NotificationListOut(items=[NotificationOut.of(n) for n in page.items], next_cursor=page.next_cursor,
                               unread_count=notifications.unread_count(current_user.id)), 200


@bp.patch("/notifications/<uuid:notification_id>/read")
@login_required
@spec.validate(resp=Response(HTTP_200=NotificationOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut),
               tags=["notifications"], security=SESSION_CSRF)
def mark_notification_read(notification_id: uuid.UUID):
    """Signed-in users: mark one of their own notifications read (404 for anyone else's)."""
    notification = notifications.mark_read(current_user.id, notification_id)
    return NotificationOut.of(notification), 200


@bp.post("/notifications/read-all")
@login_required
@spec.validate(resp=Response(HTTP_200=ReadAllOut, HTTP_401=ErrorOut), tags=["notifications"], security=SESSION_CSRF)
def mark_all_notifications_read():
    """Signed-in users: mark every unread notification of theirs read."""
    marked = notifications.mark_all_read(current_user.id)
    return ReadAllOut(marked=marked, unread_count=0), 200
