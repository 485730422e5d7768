"""CSRF on every unsafe route, parametrized over url_map (every rule with POST/PUT/PATCH/DELETE).

Logged in as the user who may act (the owner of a real object where the URL names one),
a request with no token, a forged token or another session's token is refused with 400
(the SPEC's JSON error shape under /api, the friendly page elsewhere) and the database is
unchanged. The same request WITH the session's token is then not refused for CSRF, which
proves the refusal came from the missing token and not from something else.
"""
import pytest

from tests.security.objects import OBJECTS
from tests.security.support import (
    UNSAFE_METHODS,
    build_path,
    client_for,
    db_fingerprint,
    rule_id,
    url_rules,
    uuid_arguments,
)

# The one route no browser sends: the payment provider's server, believed on its signature alone
# (test_the_payment_notification_takes_no_token_but_refuses_what_is_unsigned below).
EXEMPT = {"payments.notify"}
UNSAFE_ROUTES = [(rule, method) for rule in url_rules() for method in sorted(rule.methods)
                 if method in UNSAFE_METHODS and rule.endpoint not in EXEMPT]
CSRF_PAGE_TEXT = "missing its security token"


def actor_and_request(rule, world):
    """Who acts, the path and the body: the object's owner for id routes, else a user of the blueprint's role."""
    if uuid_arguments(rule):
        target = OBJECTS.get(rule.endpoint)
        if target is None:
            pytest.fail(f"{rule.rule} ({rule.endpoint}) has no entry in tests/security/objects.py OBJECTS")
        made = target.build(world)
        user = {"buyer": world.buyer_a, "seller": world.seller_a, "admin": world.admin}.get(target.kind, world.buyer_a)
        return user, build_path(rule, made.values), made.json or {}, made.form
    blueprint = rule.endpoint.split(".", 1)[0]
    user = {"admin": world.admin, "seller": world.seller_a}.get(blueprint, world.buyer_a)
    return user, build_path(rule, {}), {}, {}


def send(client, method, path, json_body, form, **kwargs):
    if path.startswith("/api/"):
        return client.open(path, method=method, json=json_body, **kwargs)
    return client.open(path, method=method, data=form, **kwargs)


def is_csrf_refusal(response, path: str) -> bool:
    if response.status_code != 400:
        return False
    if path.startswith("/api/"):
        body = response.get_json(silent=True) or {}
        return set(body) == {"error"} and body["error"].get("code") == "csrf_failed" and body["error"].get("message")
    return "text/html" in response.content_type and CSRF_PAGE_TEXT in response.get_data(as_text=True)


@pytest.mark.parametrize("rule, method", UNSAFE_ROUTES, ids=[rule_id(r, m) for r, m in UNSAFE_ROUTES])
def test_unsafe_request_without_a_valid_token_is_refused(app, world, rule, method):
    user, path, json_body, form = actor_and_request(rule, world)
    client = client_for(app, user)
    other = client_for(app, world.buyer_b)
    stolen = other.csrf_token()  # valid, but for another session
    before = db_fingerprint()
    attempts = {
        "no token": {"csrf": False},
        "a forged token": {"csrf": False, "headers": {"X-CSRFToken": "forged-token"}},
        "another session's token": {"csrf": False, "headers": {"X-CSRFToken": stolen}},
    }
    for what, kwargs in attempts.items():
        response = send(client, method, path, json_body, {**form, "csrf_token": "forged"} if what == "a forged token"
                        else form, **kwargs)
        assert is_csrf_refusal(response, path), f"{method} {path} with {what}: {response.status_code}"
        assert db_fingerprint() == before, f"{method} {path} with {what} changed the database"

    accepted = send(client, method, path, json_body, form)
    assert not is_csrf_refusal(accepted, path), f"{method} {path} is refused even with a valid token"
    assert accepted.status_code < 500, f"{method} {path} with a valid token: {accepted.status_code}"


def test_every_unsafe_route_is_covered():
    """The parametrization is read from url_map; this guards against it silently finding nothing."""
    endpoints = {rule.endpoint for rule, _ in UNSAFE_ROUTES}
    expected = {"account.login", "cart.add_item", "checkout.place_order", "api.place_order", "admin.suspend_user"}
    assert expected <= endpoints


def test_the_payment_notification_takes_no_token_but_refuses_what_is_unsigned(app):
    client = client_for(app, None)
    before = db_fingerprint()
    for headers in ({}, {"X-Sandbox-Signature": "0" * 64}):
        response = client.open("/payments/notify/sandbox", method="POST", data=b'{"event_id": "e"}',
                               headers={"Content-Type": "application/json", **headers}, csrf=False)
        assert response.status_code == 400 and response.get_json() == {"result": "bad_signature"}
    assert db_fingerprint() == before
