"""The SpecTree instance every API view is decorated with."""
from pydantic import ValidationError
from spectree import SecurityScheme, SecuritySchemeData, SpecTree

from marketplace.api.errors import RequestInvalid


def _raise_our_error(req, resp, req_validation_error, instance, *args):
    """spectree calls this before the view; turn its 422 into the SPEC's error shape."""
    if req_validation_error is not None:
        raise RequestInvalid.from_pydantic(req_validation_error)


spec = SpecTree(
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
    security_schemes=[
        SecurityScheme(name="session", data=SecuritySchemeData(type="apiKey", field_in="cookie", name="session")),
        SecurityScheme(name="csrf", data=SecuritySchemeData(type="apiKey", field_in="header", name="X-CSRFToken")),
    ],
)

__all__ = ["spec", "ValidationError"]
