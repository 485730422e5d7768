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
    assert after["_user_id"] == user.get_id()
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


def test_logout_clears_the_session_and_a_password_reset_kills_copied_cookies(app, victim):
    """Signed cookies can't be revoked one by one: logout clears this browser's session, and
    bumping session_version (password reset, suspension) ends every copy of every session."""
    user, _ = victim
    client = client_for(app, None)
    client.post("/account/login", data={"login": user.email, "password": PASSWORD})
    stolen = cookie(client)
    assert replay(app, stolen).get("/api/v1/profile").status_code == 200

    client.post("/account/logout")
    assert "_user_id" not in decode(app, cookie(client))
    assert client.get("/api/v1/profile").status_code == 401

    user.session_version += 1  # what reset_password and suspend_user do
    db.session.commit()
    assert replay(app, stolen).get("/api/v1/profile").status_code == 401


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
