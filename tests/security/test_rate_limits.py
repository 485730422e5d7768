"""Rate limits: login, OTP send/verify (a phone/email change sends a code too), register, password
reset, search and the API answer 429 with Retry-After once exceeded (HTML page or the API's JSON
error shape).

The limited app is built the way tests/integration/test_account_rate_limits.py does it
(one Flask-Limiter instance is shared by every app: snapshot it, build an app with tiny
limits and a fresh memory storage, restore the instance after); here with small search
and API limits as well.
"""
import pytest

from marketplace import create_app
from marketplace.extensions import db, limiter
from tests.conftest import CsrfClient, make_test_config
from tests.factories import login, make_user
from tests.integration.test_account_rate_limits import LIMITS

SMALL = {**LIMITS, "RATELIMIT_LOGIN": "2 per minute", "RATELIMIT_REGISTER": "2 per minute",
         "RATELIMIT_OTP_SEND": "2 per minute", "RATELIMIT_OTP_VERIFY": "2 per minute",
         "RATELIMIT_PASSWORD_RESET": "2 per minute", "RATELIMIT_SEARCH": "2 per minute",
         "RATELIMIT_API": "10 per minute"}  # the API budget counts every call, the CSRF token's too


@pytest.fixture
def limited(app):
    saved = dict(vars(limiter))
    limited_app = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], **SMALL))
    limited_app.test_client_class = CsrfClient
    try:
        yield limited_app.test_client()
    finally:
        vars(limiter).clear()
        vars(limiter).update(saved)
        with limited_app.app_context():
            db.engine.dispose()


def assert_429(response, api: bool):
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    if api:
        error = response.get_json()["error"]
        assert error["code"] == "rate_limited" and error["message"] and error["fields"] == {}
    else:
        assert "text/html" in response.content_type


def unverified_session(client):
    user = make_user(is_verified=False)
    login(client, user)


# (what, method, path, body, is it the API)
ACTIONS = [
    ("login page", "POST", "/account/login", {"login": "x@example.com", "password": "wrong pass"}, False),
    ("login api", "POST", "/api/v1/auth/login", {"login": "x@example.com", "password": "wrong pass"}, True),
    ("register page", "POST", "/account/register", {"contact": "r@example.com", "password": "1", "full_name": "R"},
     False),
    ("register api", "POST", "/api/v1/auth/register", {"email": "r@example.com", "password": "1", "full_name": "R"},
     True),
    ("otp send api", "POST", "/api/v1/auth/resend-otp", {"email": "o@example.com"}, True),
    ("otp verify api", "POST", "/api/v1/auth/verify-otp", {"email": "o@example.com", "code": "123456"}, True),
    ("otp verify page", "POST", "/account/verify", {"code": "000000"}, False),
    ("otp send page", "POST", "/account/verify/resend", {"purpose": "verify"}, False),
    ("forgot page", "POST", "/account/forgot-password", {"contact": "f@example.com"}, False),
    ("forgot api", "POST", "/api/v1/auth/forgot-password", {"email": "f@example.com"}, True),
    ("reset api", "POST", "/api/v1/auth/reset-password",
     {"email": "f@example.com", "code": "123456", "new_password": "new pass 123"}, True),
    ("search page", "GET", "/search?q=kettle", None, False),
    ("suggestions", "GET", "/search/suggest?q=ket", None, False),
    ("search api", "GET", "/api/v1/products/search?q=kettle", None, True),
]


@pytest.mark.parametrize("what, method, path, body, api", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_each_limited_action_answers_429_with_retry_after(limited, what, method, path, body, api):
    if path.startswith("/account/verify"):
        unverified_session(limited)
    for _ in range(2):
        if method == "GET":
            response = limited.get(path)
        elif api:
            response = limited.post(path, json=body)
        else:
            response = limited.post(path, data=body)
        assert response.status_code != 429, f"{what}: limited too early"
    last = limited.get(path) if method == "GET" else limited.post(path, json=body) if api else \
        limited.post(path, data=body)
    assert_429(last, api)


def verified_session(client):
    """A fresh signed-in user: each contact change below is someone else's, so the per-user
    60 s cooldown of a code never answers first; the limit is the client's."""
    user = make_user()
    login(client, user)
    return user


# A new phone or email on the profile sends a code: (what, method, path, form or JSON body, is it the API)
CONTACT_CHANGES = [
    ("profile page", "POST", "/account/profile", lambda n: {"full_name": "Changer", "email": f"new{n}@example.com"},
     False),
    ("profile api", "PUT", "/api/v1/profile", lambda n: {"email": f"new{n}@example.com"}, True),
]


def change(client, method, path, body, api):
    return client.open(path, method=method, **({"json": body} if api else {"data": body}))


@pytest.mark.parametrize("what, method, path, body, api", CONTACT_CHANGES, ids=[c[0] for c in CONTACT_CHANGES])
def test_a_contact_change_spends_the_code_sending_budget(limited, what, method, path, body, api):
    saved = 200 if api else 302  # the API answers the saved profile, the page redirects
    for n in range(2):
        verified_session(limited)
        response = change(limited, method, path, body(n), api)
        assert response.status_code == saved, f"{what}: {response.status_code}"
    user = verified_session(limited)
    assert_429(change(limited, method, path, body(2), api), api)
    # A save that sends no code (same email, new name) is neither counted nor refused.
    same = {"full_name": "Renamed", "email": user.email} if not api else {"full_name": "Renamed"}
    assert change(limited, method, path, same, api).status_code == saved


@pytest.mark.parametrize("what, method, path, body, api", CONTACT_CHANGES, ids=[c[0] for c in CONTACT_CHANGES])
def test_a_contact_change_shares_the_budget_of_asking_a_code_again(limited, what, method, path, body, api):
    """Same scope and key as /auth/resend-otp and /account/verify/resend: alternating doesn't double it."""
    for _ in range(2):
        assert limited.post("/api/v1/auth/resend-otp", json={"email": "o@example.com"}).status_code == 202
    verified_session(limited)
    assert_429(change(limited, method, path, body(0), api), api)


def test_the_api_as_a_whole_is_limited(limited):
    """Every /api/v1 call counts against one RATELIMIT_API budget, whichever route it is
    (tests/security/test_api_rate_budget.py has the details)."""
    paths = ["/api/v1/categories", "/api/v1/products", "/api/v1/auth/csrf"]
    answers = [limited.get(paths[n % 3]).status_code for n in range(10)]
    assert 429 not in answers
    assert_429(limited.get("/api/v1/categories"), True)
    # the HTML site is not charged by the API's budget
    assert limited.get("/").status_code == 200


def test_the_shared_app_is_left_unlimited(app, client):
    assert not limiter.enabled
    for _ in range(5):
        assert client.get("/search?q=kettle").status_code == 200
