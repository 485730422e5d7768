"""services/accounts/notifications.py: listing, unread count, marking read — always scoped to the owner."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Notification
from marketplace.services.accounts import notifications
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.web.redirects import local_path
from tests.factories import make_user

BASE = datetime(2024, 5, 1, tzinfo=timezone.utc)


def notes(user, count: int) -> list[Notification]:
    made = []
    for i in range(count):
        note = notifications.notify(user.id, "order.shipped", f"Note {i}", link=f"/orders/{i}")
        note.created_at = BASE + timedelta(minutes=i)
        made.append(note)
    db.session.flush()
    return made


def test_list_is_newest_first_and_keyset_paged():
    user = make_user()
    made = notes(user, 7)
    notes(make_user(), 3)
    seen, cursor = [], None
    while True:
        page = notifications.list_notifications(user.id, cursor=cursor, limit=3)
        seen += page.items
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert [n.id for n in seen] == [n.id for n in reversed(made)]


def test_bad_cursor_is_a_validation_error():
    with pytest.raises(ValidationFailed):
        notifications.list_notifications(make_user().id, cursor="%%%")


def test_unread_count_is_one_count_statement(count_queries):
    user = make_user()
    made = notes(user, 4)
    notes(make_user(), 2)
    made[0].read_at = BASE
    db.session.flush()
    with count_queries() as queries:
        assert notifications.unread_count(user.id) == 3
    assert len(queries) == 1 and "count(" in queries[0].lower()


def test_unread_count_can_use_the_partial_index():
    user = make_user()
    notes(user, 3)
    db.session.execute(db.text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(row[0] for row in db.session.execute(db.text(
        "EXPLAIN SELECT count(*) FROM notifications WHERE user_id = :u AND read_at IS NULL"), {"u": user.id}))
    assert "ix_notifications_user_unread" in plan


def test_mark_read_and_mark_all_read():
    user = make_user()
    made = notes(user, 3)
    other = notes(make_user(), 2)
    assert notifications.mark_read(user.id, made[0].id).read_at is not None
    assert notifications.mark_read(user.id, made[0].id).read_at is not None  # idempotent
    assert notifications.unread_count(user.id) == 2
    assert notifications.mark_all_read(user.id) == 2
    assert notifications.unread_count(user.id) == 0
    assert all(n.read_at is None for n in db.session.scalars(
        select(Notification).where(Notification.id.in_([n.id for n in other]))))


def test_nobody_reads_or_marks_another_users_notification():
    owner, intruder = make_user(), make_user()
    note = notes(owner, 1)[0]
    with pytest.raises(NotFound):
        notifications.get_notification(intruder.id, note.id)
    with pytest.raises(NotFound):
        notifications.mark_read(intruder.id, note.id)
    with pytest.raises(NotFound):
        notifications.mark_read(owner.id, uuid.uuid4())
    assert notifications.mark_all_read(intruder.id) == 0
    db.session.refresh(note)
    assert note.read_at is None


@pytest.mark.parametrize("link,safe", [
    ("/orders/1", "/orders/1"), ("//evil.example/x", None), ("https://evil.example", None),
    ("/\\evil.example", None), (None, None), ("", None),
])
def test_only_local_links_are_followed(link, safe):
    assert local_path(link) == safe
