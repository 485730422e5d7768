"""Rate limits on the account actions (web pages and JSON API): 429 with Retry-After.

`limiter` is ONE Flask-Limiter instance for every app, and Flask-Limiter 4 keeps its
state on that instance, not per app: `init_app` overwrites `enabled`, the storage and
the strategy (see flask_limiter/_extension.py). The session app is made with
RATELIMIT_ENABLED=False, so its init_app returned early and registered no hooks;
but the per-route decorators consult the instance, so while a limited app exists
every app would be limited. The fixture therefore snapshots the instance, builds a
dedicated app with tiny limits and a fresh memory storage, and restores the
instance afterwards, so no other test sees a limit.
"""
import pytest

from marketplace import create_app
from marketplace.extensions import db, limiter
from tests.conftest import CsrfClient, make_test_config
from tests.factories import PASSWORD
from tests.factories import make_user as _make_user

LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_LOGIN": "3 per minute",
    "RATELIMIT_REGISTER": "2 per minute",
    "RATELIMIT_OTP_SEND": "2 per minute",
    "RATELIMIT_OTP_VERIFY": "3 per minute",
    "RATELIMIT_PASSWORD_RESET": "2 per minute",
    "RATELIMIT_API": "1000 per minute",
}


def make_user(**fields):
    user = _make_user(**fields)
    db.session.commit()  # refused requests roll back: the setup must survive them
    return user


@pytest.fixture
def limited_client(app):
    saved = dict(vars(limiter))
    limited = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], **LIMITS))
    limited.test_client_class = CsrfClient
    try:
        assert limiter.enabled
        yield limited.test_client()
    finally:
        vars(limiter).clear()
        vars(limiter).update(saved)
        with limited.app_context():
            db.engine.dispose()


def assert_limited(response, json: bool):
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    if json:
        assert response.get_json()["error"]["code"] == "rate_limited"
    else:
        assert "text/html" in response.content_type
        assert "Too many" in response.get_data(as_text=True)


def test_html_login_is_limited(limited_client):
    for _ in range(3):
        response = limited_client.post("/account/login", data={"login": "x@example.com", "password": "wrong pw"})
        assert response.status_code == 422
    assert_limited(limited_client.post("/account/login", data={"login": "x@example.com", "password": "wrong pw"}), False)
    # looking at the page is not limited
    assert limited_client.get("/account/login").status_code == 200


def test_api_login_shares_the_login_budget(limited_client):
    user = make_user()
    for _ in range(2):
        limited_client.post("/account/login", data={"login": user.email, "password": "wrong pw"})
    response = limited_client.post("/api/v1/auth/login", json={"login": user.email, "password": "wrong pw"})
    assert response.status_code == 401
    assert_limited(limited_client.post("/api/v1/auth/login", json={"login": user.email, "password": PASSWORD}), True)


@pytest.mark.parametrize("path, body, allowed", [
    ("/api/v1/auth/register", {"email": "r@example.com", "password": "12", "full_name": "R"}, 2),
    ("/api/v1/auth/forgot-password", {"email": "f@example.com"}, 2),
    ("/api/v1/auth/reset-password", {"email": "f@example.com", "code": "123456", "new_password": "new pass 12"}, 0),
    ("/api/v1/auth/resend-otp", {"email": "o@example.com"}, 2),
    ("/api/v1/auth/verify-otp", {"email": "o@example.com", "code": "123456"}, 3),
])
def test_api_account_actions_are_limited(limited_client, path, body, allowed):
    # forgot- and reset-password share one "password reset" budget
    for _ in range(allowed):
        assert limited_client.post(path, json=body).status_code != 429
    if path.endswith("reset-password"):
        for _ in range(2):
            limited_client.post("/api/v1/auth/forgot-password", json={"email": "f@example.com"})
    assert_limited(limited_client.post(path, json=body), True)


def test_html_register_and_password_reset_are_limited(limited_client):
    for _ in range(2):
        limited_client.post("/account/register", data={"contact": "12", "password": "x", "full_name": "X"})
    assert_limited(limited_client.post("/account/register", data={"contact": "12", "password": "x",
                                                                   "full_name": "X"}), False)
    for _ in range(2):
        limited_client.post("/account/forgot-password", data={"contact": "f@example.com"})
    assert_limited(limited_client.post("/account/forgot-password", data={"contact": "f@example.com"}), False)


def test_html_verify_and_resend_are_limited(limited_client):
    user = make_user(is_verified=False)
    limited_client.post("/account/login", data={"login": user.email, "password": PASSWORD})
    for _ in range(3):
        assert limited_client.post("/account/verify", data={"code": "000000"}).status_code == 422
    assert_limited(limited_client.post("/account/verify", data={"code": "000000"}), False)
    for _ in range(2):
        assert limited_client.post("/account/verify/resend", data={"purpose": "verify"}).status_code == 302
    assert_limited(limited_client.post("/account/verify/resend", data={"purpose": "verify"}), False)


def test_the_fixture_leaves_the_shared_app_unlimited(app, client):
    # last in this module: limited apps existed before it in this process
    assert not limiter.enabled
    for _ in range(int(LIMITS["RATELIMIT_LOGIN"].split()[0]) + 2):
        assert client.post("/account/login", data={"login": "a@example.com", "password": "x"}).status_code == 422
