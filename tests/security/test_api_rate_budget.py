"""RATELIMIT_API is one budget per client for the whole JSON API, not one per route.

A client is the signed-in user when there is one (wherever they connect from), otherwise
the address. Every /api/v1 call spends it, including the ones that have a limit of their own
(search, login), whose limit still applies on top. The OpenAPI document and its docs page
are free, and /health is not part of the API.
"""
import pytest

from tests.factories import PASSWORD, make_user
from tests.limiter_support import limited_app
from tests.security.support import login
from tests.security.test_rate_limits import assert_429

BUDGET = 5


@pytest.fixture
def api_app(app):
    with limited_app(app, RATELIMIT_API=f"{BUDGET} per minute", RATELIMIT_SEARCH="100 per minute",
                     RATELIMIT_LOGIN="100 per minute") as limited:
        yield limited


# Three endpoints a client may call without signing in, each spending one unit.
SPREAD = ["/api/v1/categories", "/api/v1/products", "/api/v1/auth/csrf"]


def spend(client, calls: int, **kwargs) -> list[int]:
    return [client.get(SPREAD[n % len(SPREAD)], **kwargs).status_code for n in range(calls)]


def test_calls_spread_over_several_endpoints_share_one_budget(api_app):
    client = api_app.test_client()
    assert 429 not in spend(client, BUDGET)
    assert_429(client.get("/api/v1/products?limit=1"), True)
    assert_429(client.get("/api/v1/auth/csrf"), True)


def test_search_and_login_spend_the_same_budget(api_app):
    client = api_app.test_client()
    user = make_user()
    login(client, None)
    token = {"X-CSRFToken": client.csrf_token()}  # a call to /auth/csrf
    assert client.get("/api/v1/products/search?q=kettle").status_code == 200
    assert client.get("/api/v1/products/search?q=pan").status_code == 200
    wrong = {"login": user.email, "password": "wrong pass 1"}
    assert client.post("/api/v1/auth/login", json=wrong, headers=token, csrf=False).status_code == 401
    assert client.get("/api/v1/categories").status_code == 200
    assert_429(client.get("/api/v1/products/search?q=lid"), True)
    right = {"login": user.email, "password": PASSWORD}
    assert_429(client.post("/api/v1/auth/login", json=right, headers=token, csrf=False), True)


def test_the_search_limit_still_applies_on_top(app):
    with limited_app(app, RATELIMIT_API="100 per minute", RATELIMIT_SEARCH="2 per minute") as limited:
        client = limited.test_client()
        for _ in range(2):
            assert client.get("/api/v1/products/search?q=kettle").status_code == 200
        assert_429(client.get("/api/v1/products/search?q=kettle"), True)
        assert client.get("/api/v1/categories").status_code == 200


def test_signed_in_users_each_have_their_own_budget(api_app):
    """Same address for all three: the budget follows the account, not the connection."""
    alice, bob = api_app.test_client(), api_app.test_client()
    login(alice, make_user(full_name="Alice"))
    login(bob, make_user(full_name="Bob"))
    assert 429 not in spend(alice, BUDGET)
    assert_429(alice.get("/api/v1/profile"), True)
    assert 429 not in spend(bob, BUDGET)  # Alice's calls took nothing from Bob's
    assert_429(bob.get("/api/v1/profile"), True)
    assert 429 not in spend(api_app.test_client(), BUDGET)  # anonymous, from the same address


def test_a_user_keeps_one_budget_across_addresses_and_logins(api_app):
    """The phone on mobile data and the tablet at home, each signed in on its own."""
    user = make_user()
    phone, tablet = api_app.test_client(), api_app.test_client()
    login(phone, user)
    login(tablet, user)
    for n in range(BUDGET):
        device = phone if n % 2 else tablet
        assert device.get(SPREAD[n % 3], environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"}).status_code == 200
    assert_429(phone.get("/api/v1/categories", environ_base={"REMOTE_ADDR": "198.51.100.99"}), True)
    assert_429(tablet.get("/api/v1/categories"), True)


def test_anonymous_clients_are_counted_by_address(api_app):
    first, second = api_app.test_client(), api_app.test_client()
    here, there = {"REMOTE_ADDR": "203.0.113.1"}, {"REMOTE_ADDR": "203.0.113.2"}
    assert 429 not in spend(first, BUDGET, environ_base=here)
    assert_429(first.get("/api/v1/categories", environ_base=here), True)
    assert_429(second.get("/api/v1/categories", environ_base=here), True)  # a new cookie changes nothing
    assert 429 not in spend(second, BUDGET, environ_base=there)


def test_the_api_document_docs_and_health_are_free(api_app):
    client = api_app.test_client()
    for _ in range(BUDGET + 2):
        assert client.get("/api/v1/openapi.json").status_code == 200
        assert client.get("/api/v1/docs").status_code == 200
        assert client.get("/health").status_code == 200
    assert 429 not in spend(client, BUDGET)
