"""The API's own error face: every failure becomes {"error": {code, message, fields}}."""
from flask import abort, current_app, request
from pydantic import ValidationError

from marketplace.api import bp
from marketplace.services.core.errors import DomainError

FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MULTIPART = "multipart/form-data"
BODY_METHODS = ("POST", "PUT", "PATCH")
SEND_JSON = "Send the request body as JSON (Content-Type: application/json)."


def takes_files(view):
    """Mark an API view whose body is files (multipart/form-data), the one exception to JSON only.

    Photos and avatars are binary: base64 inside JSON would grow them by a third and hold the
    whole upload in memory as text, so these views take the same multipart body as the web
    forms. The view must declare that body with `spec.validate(form=...)`: spectree validates
    (and documents) a form body only for a view that names a form model. Put it right under the
    route decorator; tests/security/test_uploads.py tests every view so marked.
    """
    view.takes_files = True
    return view


def view_takes_files(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "takes_files", False)


def view_takes_json(endpoint: str | None) -> bool:
    """True for a view whose spectree schema has a JSON body (spec.validate(json=...))."""
    from marketplace.api.spec import spec  # api.spec imports this module

    view = current_app.view_functions.get(endpoint) if endpoint else None
    metadata = spec.get_function_metadata(view) if view is not None else None
    return metadata is not None and metadata.json is not None


@bp.before_request
def check_body_type():
    """The API reads JSON bodies only, parsed here so that a body that isn't JSON is a clear error.

    spectree skips the JSON schema of a form-encoded body (the view would then get no body at
    all), and reads any other body leniently: text/plain, no Content-Type or malformed JSON all
    became {} and a misleading "Field required". So a body sent as anything but JSON is a 415
    naming the type to use, and malformed (or too deeply nested) JSON is a 400. An empty body
    is left to the schema (every field of POST /orders/{id}/cancel is optional).

    The views marked @takes_files are the exception, and take multipart/form-data only."""
    if request.method not in BODY_METHODS:
        return
    if view_takes_files(request.endpoint):
        if request.mimetype != MULTIPART:
            abort(415, description="Send the files as multipart/form-data (Content-Type: multipart/form-data).")
        return
    if request.mimetype in FORM_MIMETYPES:
        abort(415, description=SEND_JSON)
    if not view_takes_json(request.endpoint) or not request.get_data(cache=True):
        return
    if not request.is_json:
        abort(415, description=SEND_JSON)
    request.get_json()  # a 400 (web/json_input.py) when it isn't JSON; spectree reads the cached value


class RequestInvalid(DomainError):
    """The request body or query did not match its schema."""

    status = 422
    code = "validation_error"

    @classmethod
    def from_pydantic(cls, error: ValidationError) -> "RequestInvalid":
        fields: dict[str, str] = {}
        for item in error.errors():
            parts = [str(part) for part in item["loc"] if part != "__root__"]
            if len(parts) > 1 and parts[0] == "body":  # a location prefix; alone, it is the field `body` (reviews)
                parts = parts[1:]
            name = ".".join(parts) or "_"
            message = item["msg"].removeprefix("Value error, ")
            fields.setdefault(name, message)
        return cls("Some fields are missing or invalid.", fields=fields)
