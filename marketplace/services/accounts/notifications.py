"""Notifications: written in the same transaction as the event they tell about.

Their words are stored, so they are said when written, in the recipient's language: usually
someone else's action (a buyer's order, an admin's decision) writes them, in another language.
"""
import uuid
from datetime import datetime, timezone

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select, update

from marketplace import i18n
from marketplace.extensions import db
from marketplace.models import Notification, User
from marketplace.services.core import paging
from marketplace.services.core.errors import NotFound
from marketplace.services.core.paging import Page

TITLE_MAX = Notification.title.type.length


def notify(user_id: uuid.UUID, kind: str, title: str | LazyString, body: str | LazyString = "",
           link: str | None = None) -> Notification:
    """Add a notification for one user (e.g. kind "order.shipped"); flushed, not committed.

    `title` and `body`: lazy_gettext text (with its values) for our words, said in the recipient's
    language; a plain str for what someone typed (a reason, a reply). `link` is a path inside the
    site (e.g. "/orders/<id>"): services build it without url_for so they never depend on a request.
    """
    return notify_all([(user_id, kind, title, body, link)])[0]


def notify_all(messages) -> list[Notification]:
    """notify() for several (user_id, kind, title, body, link): one INSERT for all of them."""
    messages = list(messages)
    # Whose language is needed: the recipients of text still unsaid (lazy); text a caller already said
    # in the recipient's language (i18n.in_language_of) costs no query.
    unsaid = {message[0] for message in messages
              if not all(text is None or isinstance(text, str) for text in message[2:4])}
    recipients = {row.id: row for row in db.session.execute(
        select(User.id, User.locale).where(User.id.in_(unsaid)))} if unsaid else {}
    notifications = []
    for user_id, kind, title, body, link in messages:
        with i18n.in_language_of(recipients.get(user_id)):
            title, body = str(title), str(body or "")
        if len(title) > TITLE_MAX:
            title = title[:TITLE_MAX - 1] + "…"
        notifications.append(Notification(user_id=user_id, kind=kind, title=title, body=body, link=link))
    db.session.add_all(notifications)
    db.session.flush()
    return notifications


def lazy_format(message, **values) -> LazyString:
    """A module-level lazy_gettext text (a table of notices) with this event's values, still unsaid:
    notify says it in the recipient's language."""
    return LazyString(lambda: str(message) % values)


# --- reading them -------------------------------------------------------------------
# Every function takes the owner's id and filters on it: nobody reads or marks
# someone else's notification (another user's id is simply "not found").

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50


def unread_count(user_id: uuid.UUID) -> int:
    """One COUNT answered from the partial index ix_notifications_user_unread."""
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def list_notifications(user_id: uuid.UUID, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[Notification]:
    """A user's notifications, newest first, keyset-paginated on (created_at, id)."""
    query = select(Notification).where(Notification.user_id == user_id)
    return paging.newest_first_page(query, Notification.created_at, Notification.id, cursor,
                                    paging.clamp(limit, PAGE_SIZE, MAX_PAGE_SIZE))


def latest_notifications(user_id: uuid.UUID, limit: int = 5) -> list[Notification]:
    return list_notifications(user_id, limit=limit).items


def get_notification(user_id: uuid.UUID, notification_id: uuid.UUID) -> Notification:
    notification = db.session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id)
    )
    if notification is None:
        raise NotFound(_("We couldn't find that notification."), code="notification_not_found")
    return notification


def mark_read(user_id: uuid.UUID, notification_id: uuid.UUID) -> Notification:
    """Mark one of the user's notifications read (idempotent); 404 for anyone else's."""
    notification = get_notification(user_id, notification_id)
    if notification.read_at is None:
        notification.read_at = datetime.now(timezone.utc)
        db.session.flush()
    return notification


def mark_all_read(user_id: uuid.UUID) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=func.now())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount
