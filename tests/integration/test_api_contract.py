"""The JSON API's promises that hold across every area (README "JSON API"):

- every error, whatever raised it, is {"error": {"code", "message", "fields"}}, with
  "fields": {} when no input is at fault, and the OpenAPI document says so;
- every list is {"items", "next_cursor"}, the category tree too (one page: null);
- every unsafe operation (POST/PUT/PATCH/DELETE) declares the X-CSRFToken the server requires.
"""
import uuid

import pytest

from marketplace.api import catalog as catalog_api
from marketplace.extensions import db
from marketplace.models import OrderStatus
from tests.api_support import api_error
from tests.factories import make_order, make_user
from tests.orders_support import login

UNSAFE = ("post", "put", "patch", "delete")


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def buyer(client):
    user = make_user()
    db.session.commit()  # a refused request rolls back: the user must survive it
    login(client, user)
    return user


# --- error bodies ------------------------------------------------------------------------------


def test_400_missing_csrf_token(client):
    error = api_error(client.post("/api/v1/auth/login", json={"login": "a@example.com", "password": "x"},
                                 csrf=False), 400, "csrf_failed")
    assert error["fields"] == {}


def test_401_without_a_session(client):
    assert api_error(client.get("/api/v1/profile"), 401, "unauthorized")["fields"] == {}


def test_403_unverified_buyer_placing_an_order(client):
    user = make_user(is_verified=False)
    db.session.commit()
    login(client, user)
    response = client.post("/api/v1/orders", json={"address_id": str(uuid.uuid4())},
                           headers={"Idempotency-Key": "k"})
    error = api_error(response, 403, "unverified")
    assert error["fields"] == {} and "/api/v1/auth/verify-otp" in error["message"]


def test_unverified_keeps_its_page_behaviour_outside_the_api(client):
    """Only the JSON API gets the "unverified" code: a page redirects to verify, htmx gets a 403 fragment."""
    user = make_user(is_verified=False)
    db.session.commit()
    login(client, user)
    page = client.get("/checkout")
    assert page.status_code == 302 and "/account/verify" in page.headers["Location"]
    fragment = client.get("/checkout", headers={"HX-Request": "true"})
    assert fragment.status_code == 403 and "text/html" in fragment.content_type


def test_404_unknown_route_and_unknown_object(client):
    assert api_error(client.get("/api/v1/nothing-here"), 404, "not_found")["fields"] == {}
    error = api_error(client.get(f"/api/v1/products/{uuid.uuid4()}"), 404, "product_not_found")
    assert error["fields"] == {}


def test_405_wrong_method(client):
    response = client.put("/api/v1/categories", json={})
    assert api_error(response, 405, "method_not_allowed")["fields"] == {}
    assert "GET" in response.headers["Allow"]


def test_409_conflict(client, buyer):
    order = make_order(buyer, status=OrderStatus.SHIPPING)
    db.session.commit()
    response = client.post(f"/api/v1/orders/{order.id}/cancel", json={})
    assert api_error(response, 409, "transition_not_allowed")["fields"] == {}


def test_413_body_too_large(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/api/v1/auth/login", json={"login": "a@example.com", "password": "x" * 4096})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert api_error(response, 413, "payload_too_large")["fields"] == {}


def test_415_form_body(client):
    response = client.post("/api/v1/auth/login", data={"login": "a@example.com", "password": "x"})
    assert api_error(response, 415, "unsupported_media_type")["fields"] == {}


def test_422_names_its_fields(client):
    error = api_error(client.post("/api/v1/auth/login", json={"login": "a@example.com"}), 422, "validation_error")
    assert "password" in error["fields"]


def test_429_code_asked_again_too_soon(client, buyer):
    assert client.put("/api/v1/profile", json={"email": "first-new@example.com"}).status_code == 200
    response = client.put("/api/v1/profile", json={"email": "second-new@example.com"})
    error = api_error(response, 429, "otp_resend_too_soon")
    assert set(error["fields"]) == {"email"} and int(response.headers["Retry-After"]) > 0
    # the limiter's own 429 (tests/security/test_rate_limits.py) carries "fields": {} too


def test_500_unexpected_error(client, monkeypatch):
    def broken():
        raise RuntimeError("the tree fell over")

    monkeypatch.setattr(catalog_api, "get_tree", broken)
    error = api_error(client.get("/api/v1/categories"), 500, "server_error")
    assert error["fields"] == {} and "fell over" not in error["message"]


def test_the_document_describes_that_error_shape(document):
    schemas = document["components"]["schemas"]
    body = next(schema for name, schema in schemas.items() if name.split(".")[-1] == "ErrorBody")
    assert set(body["required"]) == {"code", "message", "fields"}
    # every documented error answer, 422 included (spectree's own list format is not what we send)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation.get("responses", {}).items():
                if status.startswith(("4", "5")):
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref.split("/")[-1].split(".")[0] == "ErrorOut", f"{method.upper()} {path} {status}: {ref}"


# --- lists -------------------------------------------------------------------------------------


def test_categories_is_a_list_of_one_page(client, document):
    body = client.get("/api/v1/categories").get_json()
    assert set(body) == {"items", "next_cursor"} and body["next_cursor"] is None
    ref = document["paths"]["/api/v1/categories"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][ref["$ref"].split("/")[-1]]
    assert {"items", "next_cursor"} <= set(schema["properties"])


def test_every_list_in_the_document_has_a_next_cursor(document):
    # top-level models only: "OrderListOut.<hash>", not the nested "OrderListOut.<hash>.OrderOut"
    lists = {name: schema for name, schema in document["components"]["schemas"].items()
             if len(name.split(".")) == 2 and name.split(".")[0].endswith(("ListOut", "TreeOut"))}
    assert len(lists) >= 8
    for name, schema in lists.items():
        assert {"items", "next_cursor"} <= set(schema["properties"]), name


# --- CSRF in the document ----------------------------------------------------------------------


def test_every_unsafe_operation_declares_the_csrf_token(document):
    """The server checks X-CSRFToken on every unsafe request (tests/security/test_csrf.py), so the
    document must say so, or a client generated from it fails with 400 csrf_failed."""
    scheme = document["components"]["securitySchemes"]["csrf"]
    assert scheme == {"type": "apiKey", "in": "header", "name": "X-CSRFToken"}
    unsafe = [(method.upper(), path, operation) for path, operations in document["paths"].items()
              for method, operation in operations.items() if method in UNSAFE]
    assert len(unsafe) >= 25
    missing = [f"{method} {path}" for method, path, operation in unsafe
               if not operation.get("security") or not all("csrf" in need for need in operation["security"])]
    assert missing == []


def test_signed_in_operations_declare_the_session_and_auth_only_the_token(document):
    paths = document["paths"]
    assert paths["/api/v1/auth/login"]["post"]["security"] == [{"csrf": []}]
    assert paths["/api/v1/profile"]["put"]["security"] == [{"session": [], "csrf": []}]
    assert paths["/api/v1/profile"]["get"]["security"] == [{"session": []}]
    assert "security" not in paths["/api/v1/auth/csrf"]["get"]
