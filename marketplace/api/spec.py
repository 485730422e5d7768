"""The SpecTree instance every API view is decorated with."""
from pydantic import ValidationError
from spectree import SecurityScheme, SecuritySchemeData, SpecTree

from marketplace.api.errors import RequestInvalid
from marketplace.api.schemas import ErrorOut


def _raise_our_error(req, resp, req_validation_error, instance, *args):
    """spectree calls this before the view; turn its 422 into the SPEC's error shape."""
    if req_validation_error is not None:
        raise RequestInvalid.from_pydantic(req_validation_error)


class _SpecTree(SpecTree):
    """Adds to every operation the answers given before its view runs: 400 for a NUL character
    anywhere (web/hooks.py) or, on unsafe requests, a missing or wrong CSRF token (checked before
    the login, so an anonymous unsafe request without a token is a 400, not a 401); 429 when the
    client's API budget is spent; and, with a JSON body, 415 for a body sent as another type and
    400 for a body that isn't JSON (api/errors.py:check_body_type)."""

    def _generate_spec(self):  # spectree's builder of the document (spectree is pinned in requirements.txt)
        document = super()._generate_spec()
        error = {"content": {"application/json": {"schema": {
            "$ref": f"#/components/schemas/{self.naming_strategy(ErrorOut)}"}}}}
        for operations in document["paths"].values():
            for method, operation in operations.items():
                responses = operation["responses"]
                unsafe = method.upper() in {"POST", "PUT", "PATCH", "DELETE"}
                responses.setdefault("400", {"description": "A NUL character in the request" + (
                    ", a missing or wrong X-CSRFToken (csrf_failed)" if unsafe else ""), **error})
                responses.setdefault("429", {"description": "Too many requests: wait Retry-After seconds", **error})
                if "application/json" in operation.get("requestBody", {}).get("content", {}):
                    responses["400"]["description"] += ", or a body that is not valid JSON"
                    responses.setdefault("415", {"description": "The body was not sent as application/json",
                                                 **error})
        document["webhooks"] = PAYMENT_WEBHOOKS
        return document


# Not the app's to call: the payment provider's server posts here (marketplace/payments/views.py).
PAYMENT_WEBHOOKS = {"paymentNotification": {"post": {
    "summary": "POST /payments/notify/{provider}: the payment provider tells us what happened to an attempt",
    "description": (
        "Sent by the provider configured in PAYMENT_PROVIDER (sandbox, stripe, vnpay), in its own format, "
        "signed its own way (sandbox: X-Sandbox-Signature, the hex HMAC-SHA256 of the body). No session, no "
        "CSRF token. Each notification is processed once by its event id; a copy is answered as the first "
        "was. Refused and kept: an unknown payment, an amount or currency other than the payment's."
    ),
    "parameters": [{"name": "provider", "in": "path", "required": True,
                    "schema": {"type": "string", "enum": ["sandbox", "stripe", "vnpay"]}}],
    "requestBody": {"content": {"application/json": {"schema": {
        "type": "object", "description": "The sandbox's body; Stripe and VNPay send theirs",
        "properties": {"event_id": {"type": "string"}, "reference": {"type": "string"},
                       "outcome": {"type": "string", "enum": ["paid", "failed", "cancelled"]},
                       "amount": {"type": "integer"}, "currency": {"type": "string"}}}}}},
    "responses": {
        "200": {"description": "Accepted, or a duplicate of one accepted before"},
        "400": {"description": "Bad or missing signature, or a malformed body: nothing is kept"},
        "404": {"description": "No such payment (or not the configured provider)"},
        "422": {"description": "The amount or currency is not the payment's"},
    },
}, "get": {
    "summary": "GET /payments/notify/vnpay: VNPay's IPN, its signed vnp_ fields in the query string",
    "description": (
        "VNPay calls the IPN URL registered for the terminal with a GET (its specification, version 2.1.0): "
        "every vnp_ field and vnp_SecureHash, the HMAC-SHA512 of the others with VNPAY_HASH_SECRET. Processed "
        "once per vnp_TxnRef and vnp_TransactionNo. Always answered 200 with VNPay's JSON: RspCode 00 "
        "accepted, 02 already confirmed, 01 unknown payment, 04 wrong amount, 97 bad signature."
    ),
    "parameters": [{"name": "provider", "in": "path", "required": True, "schema": {"type": "string", "enum": ["vnpay"]}},
                   {"name": "vnp_SecureHash", "in": "query", "required": True, "schema": {"type": "string"}}],
    "responses": {"200": {"description": 'VNPay\'s answer: {"RspCode": "00", "Message": "Confirm Success"}'}},
}}}


spec = _SpecTree(
    "flask",
    mode="strict",
    title="Marketplace API",
    version="1.0.0",
    description=(
        "JSON API for the mobile app. Authentication is the web's session cookie: "
        "call GET /api/v1/auth/csrf, then send the token in `X-CSRFToken` on every unsafe request."
    ),
    path="api/v1/docs",
    annotations=False,
    before=_raise_our_error,
    # The 422 spectree documents by itself (on operations that don't list one) is ours too.
    validation_error_model=ErrorOut,
    security_schemes=[
        SecurityScheme(name="session", data=SecuritySchemeData(type="apiKey", field_in="cookie", name="session")),
        SecurityScheme(name="csrf", data=SecuritySchemeData(type="apiKey", field_in="header", name="X-CSRFToken")),
    ],
)

# Security requirements of the operations (each dict: all its schemes together). The server
# checks X-CSRFToken on every unsafe request (POST/PUT/PATCH/DELETE), so each of those declares
# "csrf"; tests/integration/test_api_contract.py walks the document to keep it so.
SESSION = {"session": []}
SESSION_CSRF = {"session": [], "csrf": []}
CSRF = {"csrf": []}  # unsafe, without a login (auth): the token of GET /auth/csrf

__all__ = ["spec", "ValidationError", "SESSION", "SESSION_CSRF", "CSRF"]
