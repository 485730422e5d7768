"""Per-request hooks: request id, the JSON access log, security headers."""
import logging
import time
import uuid

from flask import Flask, abort, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import inspect

access_log = logging.getLogger("marketplace.access")

# No inline scripts or styles anywhere: every script is a static file.
_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob: https:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def content_security_policy(**more: str) -> str:
    """The site's policy, with `more` sources added to some directives (script_src="https://x") for the
    one page that needs them: a view sets the header itself and _security_headers keeps it."""
    policy = dict(_POLICY)
    for name, sources in more.items():
        directive = name.replace("_", "-")
        policy[directive] = f"{policy.get(directive, _POLICY['default-src'])} {sources}"
    return "; ".join(f"{name} {sources}" for name, sources in policy.items())


CONTENT_SECURITY_POLICY = content_security_policy()


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isascii() else uuid.uuid4().hex

    @app.before_request
    def refuse_nul_bytes():
        # PostgreSQL text can't hold NUL and psycopg2 raises on it: a 400 here instead of a 500 later.
        if _has_nul_byte():
            abort(400, description=_("The request contains a NUL character, which no field accepts."))

    @app.after_request
    def finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        _security_headers(response, secure=app.config["SESSION_COOKIE_SECURE"])
        if request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        if app.config["SQL_COUNT_HEADER"]:
            # For the benchmark: how many SQL statements this request issued.
            response.headers["X-SQL-Statements"] = str(g.get("sql_statements", 0))
        _log_request(response)
        return response


def _has_nul_byte() -> bool:
    """NUL in the path, the query, a form field or a JSON body (as a raw byte or as a \\u0000 escape)."""
    if "\x00" in request.path or any("\x00" in k + v for k, v in request.args.items(multi=True)):
        return True
    if request.is_json:
        data = request.get_data(cache=True)
        return b"\x00" in data or b"\\u0000" in data
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any("\x00" in k + v for k, v in request.form.items(multi=True)) or \
            any("\x00" in (upload.filename or "") for _, upload in request.files.items(multi=True))
    return False


def _security_headers(response, secure: bool) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _log_request(response) -> None:
    if not access_log.isEnabledFor(logging.INFO):
        return  # the line would be dropped: don't build it
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    user_id = None
    try:
        if current_user and current_user.is_authenticated:
            # The primary key from the identity map: after a commit `current_user.id` would
            # reload the whole user row just for this log line.
            identity = inspect(current_user._get_current_object()).identity
            user_id = str(identity[0] if identity else current_user.id)
    except Exception:  # the user loader may fail when the database is down
        user_id = None
    access_log.info(
        "%s %s %s", request.method, request.path, response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "route": request.url_rule.rule if request.url_rule else None,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": user_id,
            "remote_addr": request.remote_addr,
        },
    )
