"""The API's own error face: every failure becomes {"error": {code, message, fields}}."""
from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from marketplace.api import bp
from marketplace.services.core.errors import DomainError

FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MULTIPART = "multipart/form-data"
BODY_METHODS = ("POST", "PUT", "PATCH")
# pydantic's messages for the common field errors (its English, word for word), in the asker's
# language; placeholders are the error's ctx. Others keep pydantic's English.
FIELD_MESSAGES = {
    "missing": _l("Field required"),
    "string_type": _l("Input should be a valid string"),
    "string_too_short": _l("String should have at least %(min_length)s characters"),
    "string_too_long": _l("String should have at most %(max_length)s characters"),
    "greater_than": _l("Input should be greater than %(gt)s"),
    "greater_than_equal": _l("Input should be greater than or equal to %(ge)s"),
    "less_than": _l("Input should be less than %(lt)s"),
    "less_than_equal": _l("Input should be less than or equal to %(le)s"),
    "int_type": _l("Input should be a valid integer"),
    "int_parsing": _l("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": _l("Input should be a valid integer, got a number with a fractional part"),
    "float_parsing": _l("Input should be a valid number, unable to parse string as a number"),
    "bool_parsing": _l("Input should be a valid boolean, unable to interpret input"),
    "uuid_parsing": _l("Input should be a valid UUID"),
    "enum": _l("Input should be %(expected)s"),
    "literal_error": _l("Input should be %(expected)s"),
    "dict_type": _l("Input should be a valid dictionary"),
    "list_type": _l("Input should be a valid list"),
    "extra_forbidden": _l("Extra inputs are not permitted"),
}


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
            abort(415, description=_("Send the files as multipart/form-data (Content-Type: multipart/form-data)."))
        return
    if request.mimetype in FORM_MIMETYPES:
        abort(415, description=_send_json())
    if not view_takes_json(request.endpoint) or not request.get_data(cache=True):
        return
    if not request.is_json:
        abort(415, description=_send_json())
    request.get_json()  # a 400 (web/json_input.py) when it isn't JSON; spectree reads the cached value


def _send_json() -> str:
    return _("Send the request body as JSON (Content-Type: application/json).")


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
            fields.setdefault(name, _field_message(item))
        return cls(_("Some fields are missing or invalid."), fields=fields)


def _field_message(item: dict) -> str:
    """A field's error for people: our validators' own message (already in the asker's language), or
    pydantic's, translated when it is a common one."""
    if item["type"] == "value_error":
        return item["msg"].removeprefix("Value error, ")
    template = FIELD_MESSAGES.get(item["type"])
    if template is None:
        return item["msg"]
    try:
        return str(template) % {key: str(value) for key, value in (item.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return item["msg"]
