"""The API's own error face: every failure becomes {"error": {code, message, fields}}."""
from flask import abort, request
from pydantic import ValidationError

from marketplace.api import bp
from marketplace.services.errors import DomainError

FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@bp.before_request
def refuse_form_bodies():
    """The API reads JSON bodies only. spectree skips the JSON schema of a form-encoded body
    (the view would then get no body at all), so such a request is refused up front."""
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in FORM_MIMETYPES:
        abort(415, description="Send the request body as JSON (Content-Type: application/json).")


class RequestInvalid(DomainError):
    """The request body or query did not match its schema."""

    status = 422
    code = "validation_error"

    @classmethod
    def from_pydantic(cls, error: ValidationError) -> "RequestInvalid":
        fields: dict[str, str] = {}
        for item in error.errors():
            name = ".".join(str(part) for part in item["loc"] if part not in ("body", "__root__")) or "_"
            message = item["msg"].removeprefix("Value error, ")
            fields.setdefault(name, message)
        return cls("Some fields are missing or invalid.", fields=fields)
