"""Notification pages and the navbar bell through the client; nobody touches another's notifications."""
import uuid
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

from marketplace.extensions import db
from marketplace.models import Notification
from marketplace.services.accounts.notifications import notify
from tests.factories import make_user
from tests.paging_support import load_more
from tests.reviews_support import htmx, login

BASE = datetime(2024, 5, 1, tzinfo=timezone.utc)


def notes(user, count, link="/account/reviews"):
    made = []
    for i in range(count):
        note = notify(user.id, "order.shipped", f"Parcel {i} is on its way", body=f"Body {i}", link=link)
        note.created_at = BASE + timedelta(minutes=i)
        made.append(note)
    db.session.flush()
    return made


class _Tags(HTMLParser):
    """Start tags in order: (tag, attributes)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def by_id(html: str) -> dict[str, dict]:
    return {attrs["id"]: {**attrs, "tag": tag} for tag, attrs in tags_of(html) if "id" in attrs}


def read_at(note_id):
    db.session.expire_all()
    return db.session.get(Notification, note_id).read_at


def test_navbar_bell_is_for_signed_in_users_and_polls_the_badge(client):
    assert 'id="nav-notifications"' not in client.get("/").get_data(as_text=True)
    login(client, make_user())
    html = client.get("/").get_data(as_text=True)
    bell_html = html[html.index('id="nav-notifications"'):]
    bell_html = bell_html[:bell_html.index("</li>")]
    bell = by_id(bell_html)
    # Only the badge is polled: the dropdown is not a polling target, so an open menu stays open.
    badge = bell["notifications-badge"]
    assert badge["hx-get"] == "/notifications/badge" and badge["hx-trigger"] == "load, every 30s"
    assert badge["hx-swap"] == "innerHTML"
    assert [attrs["id"] for _, attrs in tags_of(bell_html) if "hx-trigger" in attrs] == [
        "notifications-badge", "notifications-menu"]
    # The menu's items load when Bootstrap is about to show it.
    menu = bell["notifications-menu"]
    assert menu["hx-get"] == "/notifications/menu" and menu["hx-swap"] == "innerHTML"
    assert menu["hx-trigger"] == "show.bs.dropdown from:#notifications-toggle"
    # Without JavaScript the bell is a link to the notifications page.
    toggle = bell["notifications-toggle"]
    assert toggle["tag"] == "a" and toggle["href"] == "/notifications" and toggle["data-bs-toggle"] == "dropdown"
    assert 'href="/notifications">See all</a>' in bell_html


def test_the_poll_interval_comes_from_config(app, client):
    login(client, make_user())
    default, app.config["NOTIFICATIONS_POLL_SECONDS"] = app.config["NOTIFICATIONS_POLL_SECONDS"], 2
    try:
        html = client.get("/").get_data(as_text=True)
    finally:
        app.config["NOTIFICATIONS_POLL_SECONDS"] = default
    assert 'hx-trigger="load, every 2s"' in html


def test_badge_is_only_the_unread_count(client, count_queries):
    user = make_user()
    made = notes(user, 7)
    made[6].read_at = BASE
    notes(make_user(), 3)
    login(client, user)
    with count_queries() as queries:
        response = client.get("/notifications/badge", headers=htmx("notifications-badge"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="notifications-unread">6<' in html and "6 unread" in html
    assert not any(n.title in html for n in made) and "dropdown-menu" not in html
    on_notifications = [q for q in queries if "FROM notifications" in q]
    assert len(on_notifications) == 1  # the COUNT, nothing else
    assert on_notifications[0].startswith("SELECT count(*)") and "read_at IS NULL" in on_notifications[0]


def test_badge_is_empty_when_everything_is_read(client):
    user = make_user()
    notes(user, 2)[0].read_at = BASE
    login(client, user)
    assert "notifications-unread" in client.get("/notifications/badge", headers=htmx()).get_data(as_text=True)
    client.post("/notifications/read-all")
    assert client.get("/notifications/badge", headers=htmx()).get_data(as_text=True).strip() == ""


def test_menu_shows_the_latest_five_and_refreshes_the_badge_out_of_band(client, count_queries):
    user = make_user()
    made = notes(user, 7)
    made[6].read_at = BASE
    notes(make_user(), 3)
    login(client, user)
    with count_queries() as queries:
        response = client.get("/notifications/menu", headers=htmx("notifications-menu"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    shown = [n for n in made if n.title in html]
    assert [n.id for n in shown] == [n.id for n in made[2:]]
    assert "Mark all read" in html and "See all" in html
    oob = by_id(html)["notifications-badge"]
    assert oob["hx-swap-oob"] == "innerHTML" and 'id="notifications-unread">6<' in html
    on_notifications = [q for q in queries if "FROM notifications" in q]
    assert len(on_notifications) == 2  # one COUNT for the badge, one for the latest five


def test_menu_without_htmx_is_the_list_page_and_needs_a_login(client):
    assert client.get("/notifications/menu", headers=htmx()).status_code == 401
    login(client, make_user())
    response = client.get("/notifications/menu")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"


def test_badge_for_a_signed_out_browser_stops_polling(client):
    response = client.get("/notifications/badge", headers=htmx("notifications-badge"))
    assert response.status_code == 286 and response.get_data() == b""


def test_list_page_newest_first_with_load_more(client):
    user = make_user()
    made = notes(user, 25)
    login(client, user)
    html = client.get("/notifications").get_data(as_text=True)
    assert html.index(made[24].title) < html.index(made[23].title)
    assert made[4].title not in html and 'id="notifications-more"' in html
    more_url = load_more(html, "notifications-more-item")[1]["href"]
    fragment = client.get(more_url, headers=htmx("notifications-more-item")).get_data(as_text=True)
    assert "<html" not in fragment and all(n.title in fragment for n in made[:5])


def test_load_more_link_opens_the_next_page_without_javascript_and_appends_with_htmx(client):
    user = make_user()
    made = notes(user, 25)
    login(client, user)
    html = client.get("/notifications").get_data(as_text=True)
    wrapper, link = load_more(html, "notifications-more-item")
    # The shared markup (macros/_paging.html): a list item inside the <ul>, swapped whole by htmx.
    assert wrapper["tag"] == "li" and link["id"] == "notifications-more" and link["rel"] == "next"
    assert link["href"].startswith("/notifications?cursor=") and link["hx-get"] == link["href"]
    assert link["hx-target"] == "#notifications-more-item" and link["hx-swap"] == "outerHTML"
    assert link["hx-push-url"] == "false"
    oldest = [n.title for n in made[:5]]
    # Without JavaScript: the full page with the older notifications.
    page = client.get(link["href"]).get_data(as_text=True)
    assert "<html" in page and all(title in page for title in oldest) and made[24].title not in page
    # With htmx aiming at the list item: only the next items; the last page has no further link.
    fragment = client.get(link["hx-get"], headers=htmx(link["hx-target"].lstrip("#"))).get_data(as_text=True)
    assert "<html" not in fragment and all(title in fragment for title in oldest)
    assert load_more(fragment, "notifications-more-item") == (None, None)


def test_mark_read_opens_the_link(client):
    user = make_user()
    note = notes(user, 1, link="/account/reviews?tab=written")[0]
    login(client, user)
    response = client.post(f"/notifications/{note.id}/read")
    assert response.status_code == 302 and response.headers["Location"] == "/account/reviews?tab=written"
    assert read_at(note.id) is not None


def test_an_outside_link_is_never_followed(client):
    user = make_user()
    note = notes(user, 1, link="//evil.example/phish")[0]
    login(client, user)
    response = client.post(f"/notifications/{note.id}/read")
    assert response.headers["Location"] == "/notifications"


def test_nobody_reads_or_marks_another_users_notifications(client):
    owner, intruder = make_user(), make_user()
    note = notes(owner, 1)[0]
    login(client, intruder)
    assert client.post(f"/notifications/{note.id}/read").status_code == 404
    assert client.post(f"/notifications/{uuid.uuid4()}/read").status_code == 404
    assert note.title not in client.get("/notifications").get_data(as_text=True)
    assert note.title not in client.get("/notifications/menu", headers=htmx()).get_data(as_text=True)
    client.post("/notifications/read-all")
    assert read_at(note.id) is None


def test_mark_all_read_plain_and_htmx(client):
    user = make_user()
    made = notes(user, 3)
    login(client, user)
    response = client.post("/notifications/read-all")
    assert response.status_code == 302
    assert all(read_at(n.id) is not None for n in made)
    assert "Marked 3 notifications as read." in client.get("/notifications").get_data(as_text=True)
    notes(user, 2)
    login(client, user)
    fragment = client.post("/notifications/read-all", headers=htmx("notifications-menu")).get_data(as_text=True)
    # htmx gets the menu again (everything read) and an emptied badge, out of band
    assert "notifications-unread" not in fragment and "Notifications" in fragment and "Mark all read" not in fragment
    assert 'id="notifications-badge" hx-swap-oob="innerHTML"' in fragment


def test_pages_need_a_login_and_a_csrf_token(client):
    assert client.get("/notifications").status_code == 302
    user = make_user()
    note = notes(user, 1)[0]
    login(client, user)
    assert client.post(f"/notifications/{note.id}/read", csrf=False).status_code == 400
    assert client.post("/notifications/read-all", csrf=False).status_code == 400
    assert read_at(note.id) is None
