"""Open redirects: every `next` (and the Referer used to go back) only ever leads to this site.

A Location is judged the way a browser reads it: tabs and newlines dropped, backslashes
taken as slashes. It must then have no scheme and no host (or be this host).
"""
import html
import re
from urllib.parse import urlsplit

import pytest

from marketplace.models import Role
from tests.factories import PASSWORD, make_shop, make_user
from tests.admin_support import CONFIRMED
from tests.security.support import client_for

EVIL = [
    "https://evil.example/",
    "http:evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)//",
    "data:text/html,<script>alert(1)</script>",
    "https:/\\evil.example",
]


def stays_here(location: str) -> bool:
    as_browser = location.replace("\t", "").replace("\r", "").replace("\n", "").replace("\\", "/").strip()
    parts = urlsplit(as_browser)
    return parts.scheme in ("", "http", "https") and parts.netloc in ("", "localhost") and \
        not as_browser.lower().startswith(("javascript:", "data:"))


def assert_redirect_stays(response, where: str) -> str:
    assert response.status_code in (301, 302, 303), f"{where}: {response.status_code}"
    location = response.headers["Location"]
    assert stays_here(location), f"{where} redirects to {location!r}"
    return location


@pytest.mark.parametrize("target", EVIL)
def test_login_never_follows_an_outside_next(app, target):
    user = make_user()
    client = client_for(app, None)
    page = client.get("/account/login", query_string={"next": target}).get_data(as_text=True)
    assert "evil.example" not in page and "javascript:" not in page.lower()
    response = client.post("/account/login", query_string={"next": target},
                           data={"login": user.email, "password": PASSWORD, "next": target})
    assert assert_redirect_stays(response, f"login next={target!r}") == "/"
    # already logged in: the login page sends you on, still only inside the site
    assert_redirect_stays(client.get("/account/login", query_string={"next": target}), "logged-in login page")


def test_login_follows_a_local_next(app):
    user = make_user()
    client = client_for(app, None)
    response = client.post("/account/login", data={"login": user.email, "password": PASSWORD,
                                                    "next": "/orders?status=PENDING"})
    assert response.headers["Location"] == "/orders?status=PENDING"


@pytest.mark.parametrize("target", EVIL)
def test_register_verify_and_resend_never_follow_an_outside_next(app, target):
    client = client_for(app, None)
    response = client.post("/account/register", query_string={"next": target},
                           data={"contact": "newcomer@example.com", "password": "long enough 1", "full_name": "New"})
    location = assert_redirect_stays(response, "register")
    assert "evil" not in location
    page = client.get("/account/verify", query_string={"next": target}).get_data(as_text=True)
    assert "evil.example" not in page and "javascript:" not in page.lower()
    resent = client.post("/account/verify/resend", data={"purpose": "verify", "next": target})
    assert "evil" not in assert_redirect_stays(resent, "resend")

    verified = client_for(app, make_user(is_verified=True))
    assert_redirect_stays(verified.get("/account/verify", query_string={"next": target}), "verified user on verify")


@pytest.mark.parametrize("target", EVIL)
def test_admin_actions_never_follow_an_outside_next(app, target):
    admin = client_for(app, make_user(role=Role.ADMIN))
    shop = make_shop(owner=make_user(role=Role.SELLER))
    response = admin.post(f"/admin/shops/{shop.id}/suspend", data={**CONFIRMED, "reason": "Fake goods", "next": target})
    assert_redirect_stays(response, f"admin next={target!r}")
    # the list passes its own URL on as `next`: with junk in its query, still a path of this site
    page = admin.get("/admin/shops", query_string={"next": target}).get_data(as_text=True)
    values = re.findall(r'name="next"[^>]*value="([^"]*)"', page)
    assert values
    for value in values:
        assert stays_here(html.unescape(value)) and html.unescape(value).startswith("/admin/shops")


@pytest.mark.parametrize("referer", ["https://evil.example/", "http://localhost.evil.example/",
                                     "http://localhost@evil.example/", "//evil.example/"])
def test_going_back_after_mark_all_read_ignores_a_foreign_referer(app, referer):
    client = client_for(app, make_user())
    response = client.post("/notifications/read-all", headers={"Referer": referer})
    assert assert_redirect_stays(response, f"referer {referer}") == "/notifications"


def test_an_unsafe_link_stored_in_a_notification_is_not_followed(app):
    from marketplace.services.accounts.notifications import notify

    user = make_user()
    note = notify(user.id, "test", "Click me", "", "//evil.example/x")
    client = client_for(app, user)
    response = client.post(f"/notifications/{note.id}/read")
    assert assert_redirect_stays(response, "notification link") == "/notifications"
