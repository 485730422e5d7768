"""JSON API for notifications: list with cursor, mark one read, mark all read — own ones only."""
import uuid
from datetime import datetime, timedelta, timezone

from marketplace.extensions import db
from marketplace.models import Notification
from marketplace.services.accounts.notifications import notify
from tests.factories import make_user
from tests.reviews_support import login

BASE = datetime(2024, 5, 1, tzinfo=timezone.utc)


def notes(user, count):
    made = []
    for i in range(count):
        note = notify(user.id, "review.new", f"Note {i}", link="/seller/reviews")
        note.created_at = BASE + timedelta(minutes=i)
        made.append(note)
    db.session.flush()
    return made


def read_at(note_id):
    db.session.expire_all()
    return db.session.get(Notification, note_id).read_at


def test_list_newest_first_with_cursor_and_unread_count(client):
    user = make_user()
    made = notes(user, 5)
    notes(make_user(), 2)
    login(client, user)
    body = client.get("/api/v1/notifications?limit=3").get_json()
    assert body["unread_count"] == 5 and [i["title"] for i in body["items"]] == ["Note 4", "Note 3", "Note 2"]
    assert set(body["items"][0]) >= {"id", "kind", "title", "body", "link", "is_read", "read_at", "created_at"}
    rest = client.get(f"/api/v1/notifications?limit=3&cursor={body['next_cursor']}").get_json()
    assert [i["id"] for i in rest["items"]] == [str(made[1].id), str(made[0].id)] and rest["next_cursor"] is None
    bad = client.get("/api/v1/notifications?cursor=@@@")
    assert bad.status_code == 422 and "cursor" in bad.get_json()["error"]["fields"]


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/read-all").status_code == 401


def test_mark_one_read(client):
    user = make_user()
    note = notes(user, 2)[0]
    login(client, user)
    response = client.patch(f"/api/v1/notifications/{note.id}/read")
    assert response.status_code == 200 and response.get_json()["is_read"] is True
    assert client.get("/api/v1/notifications").get_json()["unread_count"] == 1


def test_nobody_reads_or_marks_another_users_notification(client):
    owner, intruder = make_user(), make_user()
    note = notes(owner, 1)[0]
    notes(intruder, 1)
    login(client, intruder)
    response = client.patch(f"/api/v1/notifications/{note.id}/read")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "notification_not_found"
    assert client.patch(f"/api/v1/notifications/{uuid.uuid4()}/read").status_code == 404
    assert str(note.id) not in client.get("/api/v1/notifications").get_data(as_text=True)
    assert client.post("/api/v1/notifications/read-all").get_json() == {"marked": 1, "unread_count": 0}
    assert read_at(note.id) is None


def test_read_all(client):
    user = make_user()
    made = notes(user, 3)
    login(client, user)
    client.patch(f"/api/v1/notifications/{made[0].id}/read")
    assert client.post("/api/v1/notifications/read-all").get_json() == {"marked": 2, "unread_count": 0}
    assert all(read_at(n.id) is not None for n in made)
    assert client.post("/api/v1/notifications/read-all", csrf=False).status_code == 400


def test_openapi_documents_the_notification_calls(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/notifications"]
    assert "patch" in paths["/api/v1/notifications/{notification_id}/read"]
    assert "post" in paths["/api/v1/notifications/read-all"]
