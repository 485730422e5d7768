"""Hostile request bodies (issue 13, items 5a and 8b): JSON nested a thousand deep, JSON where
a page expects a form, a JSON body sent as text/plain or without a Content-Type.

Routes are read from url_map, so a route added later is covered. Never a 500; the API answers
in its error shape, naming what to send.
"""
import base64

import pytest

from marketplace.api.spec import spec
from marketplace.extensions import db
from tests.api_support import api_error
from tests.security.support import build_path, client_for, collection_app, rule_id, url_rules

DEEP = "[" * 5000 + "]" * 5000
BODY_METHODS = ("POST", "PUT", "PATCH")
LOG_OUT = ("/account/logout", "/api/v1/auth/logout")  # would end the session the next case needs


def body_routes(api: bool) -> list:
    return [(rule, method) for rule in url_rules() for method in sorted(rule.methods & set(BODY_METHODS))
            if rule.rule.startswith("/api/") == api and rule.rule not in LOG_OUT]


def takes_json(rule) -> bool:
    view = collection_app().view_functions[rule.endpoint]
    metadata = spec.get_function_metadata(view)
    return metadata is not None and metadata.json is not None


API_ROUTES = body_routes(api=True)
PAGE_ROUTES = body_routes(api=False)
JSON_ROUTES = [(rule, method) for rule, method in API_ROUTES if takes_json(rule)]


def who(world, rule):
    """Someone the route lets in, so the body is read rather than refused at the door."""
    if rule.rule.startswith(("/seller", "/api/v1/seller")):
        return world.seller_a
    return world.admin if rule.rule.startswith("/admin") else world.buyer_a


def test_every_json_body_route_is_found():
    assert len(JSON_ROUTES) >= 15 and ("/api/v1/auth/login", "POST") in {(r.rule, m) for r, m in JSON_ROUTES}


@pytest.mark.parametrize(("rule", "method"), API_ROUTES, ids=[rule_id(r, m) for r, m in API_ROUTES])
def test_json_nested_a_thousand_deep_is_a_400_on_the_api(app, world, rule, method):
    response = client_for(app, who(world, rule)).open(build_path(rule, {}), method=method, data=DEEP,
                                                      content_type="application/json")
    if takes_json(rule):
        assert api_error(response, 400) == {"code": "bad_request", "message": "The JSON body is nested too deeply.",
                                           "fields": {}}
    else:  # a view without a body never reads it
        assert response.status_code < 500


def test_deep_json_is_a_400_for_anonymous_callers_too(app):
    response = client_for(app).post("/api/v1/auth/login", data=DEEP, content_type="application/json")
    assert api_error(response, 400)["message"] == "The JSON body is nested too deeply."


@pytest.mark.parametrize("body", [DEEP, "[1, 2, 3]", '"text"', "3", "null", '{"quantity": {"x": 1}, "name": [1, [2]]}'],
                         ids=["deep", "array", "string", "number", "null", "nested"])
def test_json_sent_to_a_page_is_never_a_500(app, world, body):
    """Flask-WTF used to read a JSON body as the form: an array, a scalar or a nested object broke
    every form, and a deep one every page. Pages read forms only (web/forms.py PageForm)."""
    failures = []
    for rule, method in PAGE_ROUTES:
        response = client_for(app, who(world, rule)).open(build_path(rule, {}), method=method, data=body,
                                                          content_type="application/json")
        if response.status_code >= 500:
            failures.append(rule_id(rule, method))
    assert failures == []


def test_a_deep_json_body_on_the_profile_page_is_not_a_500(app, world):
    """The profile's rate limit peeks at JSON bodies (web/limits.py, get_json(silent=True))."""
    response = client_for(app, world.buyer_a).post("/account/profile", data=DEEP, content_type="application/json")
    assert response.status_code == 422


@pytest.mark.parametrize(("rule", "method"), JSON_ROUTES, ids=[rule_id(r, m) for r, m in JSON_ROUTES])
@pytest.mark.parametrize("content_type", ["text/plain", None], ids=["text-plain", "no-content-type"])
def test_a_json_body_not_sent_as_json_is_a_415_naming_the_type(app, world, rule, method, content_type):
    client = client_for(app, who(world, rule))
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.open(build_path(rule, {}), method=method, data='{"login": "a@example.com"}', headers=headers)
    error = api_error(response, 415)
    assert error["code"] == "unsupported_media_type" and "application/json" in error["message"]


def test_malformed_json_is_a_400_not_field_required(app):
    response = client_for(app).post("/api/v1/auth/login", data='{"login": "a@', content_type="application/json")
    assert api_error(response, 400)["message"] == "The request body is not valid JSON."


def test_an_empty_body_is_still_left_to_the_schema(app, world):
    """Every field of the buyer's cancel is optional: no body at all is a valid request."""
    client = client_for(app, world.buyer_a)
    response = client.post("/api/v1/orders/00000000-0000-4000-8000-000000000000/cancel")
    assert api_error(response, 404)["code"] == "not_found"  # the order is unknown: the body was fine
    assert api_error(client.post("/api/v1/auth/login", data=""), 422)["fields"].keys() >= {"login", "password"}


def test_the_openapi_document_declares_400_and_415_on_json_bodies_and_400_and_429_everywhere(app):
    document = client_for(app).get("/api/v1/openapi.json").get_json()
    with_json = [operation for operations in document["paths"].values() for operation in operations.values()
                 if "application/json" in operation.get("requestBody", {}).get("content", {})]
    assert len(with_json) == len(JSON_ROUTES)
    for operation in with_json:
        assert {"400", "415"} <= set(operation["responses"]), operation["operationId"]
        assert operation["responses"]["415"]["content"]["application/json"]["schema"]["$ref"].startswith(
            "#/components/schemas/ErrorOut")
    multipart = document["paths"]["/api/v1/profile/avatar"]["put"]
    assert "JSON" not in multipart["responses"]["400"]["description"]  # only JSON bodies are parsed up front
    for operations in document["paths"].values():  # a NUL byte, a CSRF refusal, the API budget
        for operation in operations.values():
            assert {"400", "429"} <= set(operation["responses"]), operation["operationId"]


@pytest.mark.parametrize("path", ["/search?q=kettle&cursor={0}", "/c/{slug}?cursor={0}", "/api/v1/products?cursor={0}",
                                  "/seller/vouchers?cursor={0}", "/admin/users?cursor={0}"])
def test_a_cursor_of_deeply_nested_json_is_not_a_500(app, world, path):
    cursor = base64.urlsafe_b64encode(DEEP.encode()).decode().rstrip("=")
    user = world.admin if path.startswith("/admin") else world.seller_a
    db.session.commit()
    response = client_for(app, user).get(path.format(cursor, slug=world.category.slug))
    assert response.status_code < 500
