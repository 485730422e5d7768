"""API fuzzing with schemathesis: every operation of /api/v1/openapi.json, as a logged-in
verified buyer sending a valid CSRF header, with generated inputs (valid and invalid).

Each operation runs a bounded, derandomized number of examples (no deadline: the first
request of an operation warms caches). Checks: no 5xx (`not_a_server_error`) and every
documented answer matches its response schema (`response_schema_conformance`). The app
is the session test app, called in-process through its Flask test client (WSGI), inside
the test's rolled-back transaction.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from marketplace.extensions import db
from tests.factories import make_address, make_product, make_user
from tests.security.support import client_for, collection_app
from tests.seller_support import use_temp_storage

# per operation; e.g. FUZZ_MAX_EXAMPLES=150 for a deeper run by hand (about 70 s on 2 cores)
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
CHECKS = [not_a_server_error, response_schema_conformance]


# Loaded at collection from an app that never touches the database (the document is built from
# the schemas alone), so each operation is its own test item. (schemathesis' lazy
# `from_fixture` loader relies on a pytest internal that pytest 9 removed.) The requests go
# to the session app through `buyer_client`.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", collection_app())


@pytest.fixture
def buyer_client(app, tmp_path):
    """A verified buyer with an address and a product in the catalog, logged in. Uploads go to
    tmp_path: schemathesis sends real PNG and WebP samples to the photo and avatar operations."""
    buyer = make_user()
    make_address(buyer, is_default=True)
    make_product()
    db.session.commit()
    _, restore = use_temp_storage(app, tmp_path)
    yield client_for(app, buyer)
    restore()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_operations_never_fail_and_match_their_schemas(case, buyer_client):
    use_the_clients_credentials(case)
    case.call_and_validate(session=buyer_client, checks=CHECKS)


def use_the_clients_credentials(case) -> None:
    """The document declares the session cookie and the X-CSRFToken header (security schemes), so
    schemathesis makes up values for them, and a made-up one only ever meets the 401 or the CSRF 400.
    Dropped, the buyer's own session cookie goes, and the CsrfClient adds the session's token to every
    unsafe request, so the operations themselves are fuzzed."""
    if case.headers:
        case.headers.pop("X-CSRFToken", None)
    if case.cookies:
        case.cookies.pop("session", None)


def test_the_checks_catch_a_body_that_breaks_its_schema(app):
    """A test that can't fail proves nothing: a 200 of auth/csrf without `csrf_token` is caught."""
    case = schema["/api/v1/auth/csrf"]["GET"].Case()
    wrong = app.test_client().get("/api/v1/openapi.json")  # a JSON 200 with the wrong body
    with pytest.raises(FailureGroup, match="violates schema"):
        case.validate_response(wrong, checks=CHECKS)
    assert len(list(schema.get_all_operations())) >= 39


@pytest.mark.parametrize("content_type", ["multipart/form-data", "application/x-www-form-urlencoded"])
def test_a_form_encoded_body_is_a_415_not_a_crash(buyer_client, content_type):
    """Found by the fuzzer: spectree skips the JSON schema of a form body and the view got None."""
    for path in ("/api/v1/auth/verify-otp", "/api/v1/cart/items", "/api/v1/profile/addresses"):
        response = buyer_client.post(path, data={"email": "a@example.com", "code": "123456"}, content_type=content_type)
        assert response.status_code == 415, path
        assert response.get_json()["error"]["code"] == "unsupported_media_type"
