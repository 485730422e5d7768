"""Error pages for people, the SPEC's error shape for the API."""
import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from marketplace.services.core.errors import DomainError
from marketplace.web import unit_of_work
from marketplace.web.htmx import is_htmx, wants_json

logger = logging.getLogger("marketplace.errors")

ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
    422: "validation_error", 429: "rate_limited", 500: "server_error", 503: "unavailable",
}
FRIENDLY_TITLES = {
    400: "That request didn't look right",
    401: "Please log in",
    403: "You can't open this page",
    404: "We couldn't find that page",
    405: "That action isn't allowed here",
    413: "That file is too large",
    409: "That conflicts with something that changed",
    422: "We couldn't do that",
    429: "Slow down a little",
    500: "Something went wrong on our side",
    503: "We're briefly unavailable",
}
FRIENDLY_MESSAGES = {
    404: "The link may be old or mistyped, or the page has moved. Search for what you wanted, or start again from the home page.",
    405: "This page can't do that. Go back and try again.",
    500: "We have been told and are looking into it. Your cart and orders are safe; please try again in a moment.",
    503: "The shop is busy or being updated. Please try again in a minute.",
}


def json_error(status: int, message: str, code: str | None = None, fields: dict | None = None):
    """The one shape of every API error: code, message and fields ({} when no field is at fault),
    so a client can read error.fields without checking that it is there."""
    body = {"error": {"code": code or ERROR_CODES.get(status, "error"), "message": message,
                      "fields": dict(fields or {})}}
    return jsonify(body), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = "Your form expired or is missing its security token. Reload the page and try again."
        if wants_json():
            return json_error(400, error.description or message, "csrf_failed")
        return _page(400, message)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        """A service said no and the view didn't handle it: show the reason, keep the status.

        Nothing is rolled back here: the request's unit of work does it after this answer (or
        keeps what a view said to keep on refusal), and a refusal leaves the session usable for
        the page's navbar (services catch a lost race inside a savepoint)."""
        if wants_json():
            return json_error(error.status, error.message, error.code, error.fields)
        return _page(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = error.description
        if status == 500 or (message == type(error).description and status in FRIENDLY_MESSAGES):
            message = FRIENDLY_MESSAGES[status]  # ours, not the framework's stock sentence
        if wants_json():
            response = json_error(status, message)
        else:
            response = _page(status, message)
        body, code = response
        resp = app.make_response((body, code))
        if status == 429:
            retry = getattr(error, "retry_after", None) or _retry_after(error)
            resp.headers["Retry-After"] = str(retry)
        if status == 405 and error.valid_methods:
            resp.headers["Allow"] = ", ".join(error.valid_methods)
        return resp

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        logger.exception("unhandled error on %s %s", request.method, request.path)
        # The 500 page reads the database (its navbar) and the crash may have left the session
        # unusable (a failed statement or flush): the unit of work would roll the 5xx back, but
        # only after this page is built.
        unit_of_work.abandon()
        return http_error(InternalServerError())


def _retry_after(error) -> int:
    limit = getattr(error, "limit", None)
    if limit is not None:
        try:
            return max(1, int(limit.limit.get_expiry()))
        except Exception:
            pass
    return 60


def _page(status: int, message: str):
    template = "errors/partials/_error.html" if is_htmx() else "errors/error.html"
    return render_template(template, status=status, title=FRIENDLY_TITLES.get(status, "Error"), message=message), status
