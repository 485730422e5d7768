"""Error pages for people, the SPEC's error shape for the API."""
import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
    400: _l("That request didn't look right"),
    401: _l("Please log in"),
    403: _l("You can't open this page"),
    404: _l("We couldn't find that page"),
    405: _l("That action isn't allowed here"),
    413: _l("That file is too large"),
    409: _l("That conflicts with something that changed"),
    422: _l("We couldn't do that"),
    429: _l("Slow down a little"),
    500: _l("Something went wrong on our side"),
    503: _l("We're briefly unavailable"),
}
# In place of the framework's stock sentences (English, and written for developers), and of a rate
# limit's bare "10 per 1 minute", in the asker's language.
FRIENDLY_MESSAGES = {
    400: _l("Something in that request was missing or malformed. Go back and try again."),
    401: _l("Please log in to continue."),
    403: _l("Your account doesn't have access to this."),
    404: _l("The link may be old or mistyped, or the page has moved. Search for what you wanted, or start again from the home page."),
    405: _l("This page can't do that. Go back and try again."),
    409: _l("Someone changed this in the meantime. Reload the page and try again."),
    413: _l("That upload is larger than we accept. Try a smaller file."),
    415: _l("That kind of content isn't accepted here."),
    429: _l("Too many requests. Wait a little and try again."),
    500: _l("We have been told and are looking into it. Your cart and orders are safe; please try again in a moment."),
    503: _l("The shop is busy or being updated. Please try again in a minute."),
}
# The API's, where the page's wording (go back, search, the home page) means nothing to an app.
API_MESSAGES = {
    400: _l("The request is malformed."),
    404: _l("Nothing was found at this address."),
    405: _l("This address does not accept that method."),
}
# Flask-WTF's reasons for refusing a token (the API says which), word for word, in the asker's language.
CSRF_REASONS = {
    "The CSRF token is missing.": _l("The CSRF token is missing."),
    "The CSRF session token is missing.": _l("The CSRF session token is missing."),
    "The CSRF token has expired.": _l("The CSRF token has expired."),
    "The CSRF token is invalid.": _l("The CSRF token is invalid."),
    "The CSRF tokens do not match.": _l("The CSRF tokens do not match."),
    "The referrer header is missing.": _l("The referrer header is missing."),
    "The referrer does not match the host.": _l("The referrer does not match the host."),
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
        message = _("Your form expired or is missing its security token. Reload the page and try again.")
        if wants_json():
            reason = CSRF_REASONS.get(error.description)
            return json_error(400, str(reason) if reason else error.description or message, "csrf_failed")
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
        if status == 500 or (_stock(error) and status in FRIENDLY_MESSAGES):
            # ours, not the framework's stock sentence
            message = str((API_MESSAGES if wants_json() and status in API_MESSAGES else FRIENDLY_MESSAGES)[status])
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


def _stock(error: HTTPException) -> bool:
    """Whether the error says only what the framework says for its status: its class's sentence, or
    a rate limit's own figures (a limit with no message of its own)."""
    limit = getattr(error, "limit", None)
    if limit is not None and not getattr(limit, "error_message", None):
        return True
    return error.description == type(error).description


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
    return render_template(template, status=status, title=str(FRIENDLY_TITLES.get(status, _("Error"))),
                           message=message), status
