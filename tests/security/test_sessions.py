"""Session fixation with Flask's signed cookie sessions.

The session is a signed cookie, so "fixation" means: an attacker gets a valid pre-login
cookie (by visiting the site) and plants it in the victim's browser. Login must then
start a NEW session content (new CSRF secret, nothing of the old one but the guest cart),
so the planted cookie is, and stays, an anonymous session the attacker can't use.
"""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CartItem, Role
from marketplace.services.accounts import login_sessions
from tests.conftest import CsrfClient
from tests.factories import PASSWORD, make_product, make_shop, make_user
from tests.security.support import client_for, is_login_redirect

LOGGED_IN_KEYS = {"_user_id", "_fresh", "_id", "guest_cart", "csrf_token", "_flashes", "_remember",
                  "_remember_seconds"}


def cookie(client) -> str:
    found = client.get_cookie("session")
    assert found is not None, "no session cookie"
    return found.value


def decode(app, value: str) -> dict:
    return dict(app.session_interface.get_signing_serializer(app).loads(value))


def replay(app, value: str) -> CsrfClient:
    """A fresh browser holding only the given session cookie."""
    app.test_client_class = CsrfClient
    other = app.test_client()
    other.set_cookie("session", value)
    return other


@pytest.fixture
def victim():
    user = make_user(full_name="Victim Person")
    product = make_product(shop=make_shop(owner=make_user(role=Role.SELLER)))
    db.session.commit()
    return user, product


def planted_cookie(app, product) -> tuple[CsrfClient, str]:
    """The attacker's own visit: a valid anonymous session with a CSRF secret and a guest cart."""
    client = client_for(app, None)
    assert client.get("/account/login").status_code == 200
    client.post("/cart/items", data={"variant_id": str(product.variants[0].id), "quantity": "1"})
    value = cookie(client)
    before = decode(app, value)
    assert "csrf_token" in before and "guest_cart" in before and "_user_id" not in before
    return client, value


@pytest.mark.parametrize("via", ["html", "api"])
def test_login_starts_a_new_session_and_the_planted_cookie_stays_anonymous(app, victim, via):
    user, product = victim
    client, planted = planted_cookie(app, product)
    before = decode(app, planted)
    if via == "html":
        response = client.post("/account/login", data={"login": user.email, "password": PASSWORD})
        assert response.status_code == 302
    else:
        response = client.post("/api/v1/auth/login", json={"login": user.email, "password": PASSWORD})
        assert response.status_code == 200
        assert response.get_json()["csrf_token"] != replay(app, planted).csrf_token()

    after_value = cookie(client)
    after = decode(app, after_value)
    assert after_value != planted
    assert login_sessions.signed_in_user(after["_user_id"]) == user
    assert after.get("csrf_token") != before["csrf_token"], "the CSRF secret must be renewed at login"
    assert set(after) <= LOGGED_IN_KEYS, f"pre-login keys survived: {set(after) - LOGGED_IN_KEYS}"
    # the guest cart is the one thing carried over: merged into the account cart at login
    assert after.get("guest_cart") in (None, before["guest_cart"])
    assert db.session.scalar(select(CartItem.quantity).where(CartItem.user_id == user.id)) == 1

    # the victim is logged in; the attacker's copy of the old cookie is not
    assert client.get("/account/profile").status_code == 200
    attacker = replay(app, planted)
    assert is_login_redirect(attacker.get("/account/profile"))
    assert attacker.get("/api/v1/profile").status_code == 401
    changed = attacker.put("/api/v1/profile", json={"full_name": "Owned"})
    assert changed.status_code == 401
    db.session.refresh(user)
    assert user.full_name == "Victim Person"


def _logged_in(app, user, remember: bool = False) -> CsrfClient:
    client = client_for(app, None)
    form = {"login": user.email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert client.post("/account/login", data=form).status_code == 302
    return client


def _with_remember_cookie(app, value: str) -> CsrfClient:
    """A fresh browser holding only a remember-me cookie (its session long gone)."""
    app.test_client_class = CsrfClient
    other = app.test_client()
    other.set_cookie("remember_token", value)
    return other


@pytest.mark.parametrize("via", ["html", "api"])
def test_logout_kills_every_copy_of_the_cookies(app, victim, via):
    """The probe copied the session cookie, logged out, and the copy still signed it in: each login
    is a row now, and logout deletes it."""
    user, _ = victim
    client = _logged_in(app, user, remember=True)
    stolen, stolen_remember = cookie(client), client.get_cookie("remember_token").value
    assert replay(app, stolen).get("/api/v1/profile").status_code == 200
    assert _with_remember_cookie(app, stolen_remember).get("/api/v1/profile").status_code == 200

    logout = client.post("/account/logout") if via == "html" else client.post("/api/v1/auth/logout")
    assert logout.status_code == (302 if via == "html" else 204)
    left = client.get_cookie("session")  # the API's logout leaves an empty session: the cookie goes
    assert left is None or "_user_id" not in decode(app, left.value)
    assert client.get("/api/v1/profile").status_code == 401
    assert replay(app, stolen).get("/api/v1/profile").status_code == 401
    assert is_login_redirect(replay(app, stolen).get("/account/profile"))
    assert _with_remember_cookie(app, stolen_remember).get("/api/v1/profile").status_code == 401


def test_logging_out_one_device_keeps_the_others(app, victim):
    user, _ = victim
    laptop, phone = _logged_in(app, user), _logged_in(app, user)
    laptop.post("/account/logout")
    assert phone.get("/api/v1/profile").status_code == 200


def test_log_out_of_every_other_device(app, victim):
    user, _ = victim
    laptop, phone = _logged_in(app, user), _logged_in(app, user)
    stolen = cookie(phone)
    page = laptop.get("/account/devices").get_data(as_text=True)
    assert page.count("This device") == 1 and "Log out of every other device" in page
    response = laptop.post("/account/devices/logout-others", follow_redirects=True)
    assert "You are logged out of every other device." in response.get_data(as_text=True)
    assert "Log out of every other device" not in response.get_data(as_text=True)  # only this one is left
    assert phone.get("/api/v1/profile").status_code == 401
    assert replay(app, stolen).get("/api/v1/profile").status_code == 401
    assert laptop.get("/api/v1/profile").status_code == 200


def test_a_password_reset_or_suspension_ends_every_login(app, victim):
    """Bumping session_version (reset_password, suspend_user do it) ends every login at once."""
    user, _ = victim
    laptop = _logged_in(app, user)
    stolen = cookie(laptop)
    user.session_version += 1
    db.session.commit()
    assert laptop.get("/api/v1/profile").status_code == 401
    assert replay(app, stolen).get("/api/v1/profile").status_code == 401


def test_a_session_id_without_a_login_signs_nobody_in(app, victim):
    """The format before logins were rows ("user.version"), and forged login ids, are refused."""
    user, _ = victim
    for session_id in (f"{user.id}.{user.session_version}", f"{user.id}.{user.session_version}.{user.id}",
                       f"{user.id}.{user.session_version}.not-a-uuid"):
        client = client_for(app, None)
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = session_id, True
        assert client.get("/api/v1/profile").status_code == 401, session_id


def test_session_cookie_flags(app, victim):
    user, _ = victim
    client = client_for(app, None)
    response = client.post("/account/login", data={"login": user.email, "password": PASSWORD, "remember": "y"})
    set_cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in set_cookies if c.startswith("session="))
    remember_cookie = next(c for c in set_cookies if c.startswith("remember_token="))
    for header in (session_cookie, remember_cookie):
        assert "HttpOnly" in header and "SameSite=Lax" in header
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True and ProductionConfig.REMEMBER_COOKIE_SECURE is True


@pytest.mark.parametrize("agent, label", [
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
     "Chrome on Android"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
     "Mobile/15E148 Safari/604.1", "Safari on iPhone"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 "
     "Edg/126.0", "Edge on Windows"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox on macOS"),
    ("okhttp/4.12.0", "The app"), (None, "An unknown device"),
])
def test_the_devices_page_names_each_login_by_browser_and_system(agent, label):
    assert login_sessions.device_label(agent) == label
