"""The shared keyset pager: newest first, ties broken by id, bad links refused clearly."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Notification
from marketplace.services.core import paging
from marketplace.services.core.errors import ValidationFailed
from tests.factories import make_user


def test_walks_every_row_once_across_equal_timestamps():
    user = make_user()
    same_moment = datetime(2026, 1, 1, tzinfo=timezone.utc)
    notifications = [Notification(user_id=user.id, kind="t", title=str(n), created_at=same_moment) for n in range(7)]
    db.session.add_all(notifications)
    db.session.flush()
    made = {n.id for n in notifications}
    query = select(Notification).where(Notification.user_id == user.id)
    seen, cursor = [], None
    while True:
        page = paging.newest_first_page(query, Notification.created_at, Notification.id, cursor, 3)
        seen += [n.id for n in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == 7 and set(seen) == made
    assert seen == sorted(seen, reverse=True)  # ties ordered by id, descending


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJub3QtYS1kYXRlIiwgIngiXQ"])
def test_a_damaged_cursor_is_a_clear_validation_error(cursor):
    with pytest.raises(ValidationFailed) as caught:
        paging.after_cursor(cursor)
    assert caught.value.code == "invalid_cursor" and "cursor" in caught.value.fields


def test_clamp_keeps_page_sizes_sane():
    assert paging.clamp("500", 20, 50) == 50 and paging.clamp(0, 20, 50) == 1 and paging.clamp("x", 20, 50) == 20
