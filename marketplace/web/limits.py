"""Rate limits of the account actions, shared by the web pages and the JSON API.

Each limit is a *shared* limit with its own scope, so a client cannot double its
budget by alternating between /account/login and /api/v1/auth/login. Only POSTs
count (and the API's PUT /profile): looking at the login page is free. The strings come from config
(RATELIMIT_LOGIN, ...) and are read per request, so tests and deployments can tune them.
"""
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.extensions import limiter
from marketplace.services.accounts.accounts import normalize_email, normalize_phone
from marketplace.services.core.errors import DomainError

OTP_SEND_MESSAGE = _l("Too many codes requested. Wait a little before asking for another.")


def _shared(setting: str, scope: str, message, methods: tuple[str, ...] = ("POST",), **options):
    # override_defaults=False: under /api/v1 the API's own budget still applies as well. The message
    # (lazy) is read when a limit is hit, in the asker's language.
    return limiter.shared_limit(lambda: current_app.config[setting], scope=scope, methods=list(methods),
                                error_message=lambda: str(message), override_defaults=False, **options)


def _submitted() -> dict:
    """The profile save's fields, from the page's form or the API's JSON body."""
    if request.is_json:
        body = request.get_json(silent=True)
        return body if isinstance(body, dict) else {}
    return request.form


def keeps_contacts() -> bool:
    """True when a profile save sends no code: it names no phone or email other than the user's own.

    A name or avatar change must not spend (nor be refused by) the code budget; a value
    that does not parse is refused by the service before any code goes out.
    """
    if not current_user.is_authenticated:
        return True  # login_required answers it
    submitted = _submitted()
    for kind, normalize in (("email", normalize_email), ("phone", normalize_phone)):
        raw = submitted.get(kind)
        if not isinstance(raw, str) or not raw.strip():
            continue
        try:
            if normalize(raw) != getattr(current_user, kind):
                return False
        except DomainError:
            continue
    return True


login_limit = _shared("RATELIMIT_LOGIN", "account-login",
                      _l("Too many login attempts. Wait a little and try again."))
register_limit = _shared("RATELIMIT_REGISTER", "account-register",
                         _l("Too many sign-ups from your connection. Wait a little and try again."))
otp_send_limit = _shared("RATELIMIT_OTP_SEND", "account-otp-send", OTP_SEND_MESSAGE)
# A new phone or email on the profile (page POST, API PUT) is sent a code: it spends the same
# budget, under the same scope and key, as asking for a code again.
contact_change_limit = _shared("RATELIMIT_OTP_SEND", "account-otp-send", OTP_SEND_MESSAGE,
                               methods=("POST", "PUT"), exempt_when=keeps_contacts)
otp_verify_limit = _shared("RATELIMIT_OTP_VERIFY", "account-otp-verify",
                           _l("Too many code attempts. Wait a little and try again."))
password_reset_limit = _shared("RATELIMIT_PASSWORD_RESET", "account-password-reset",
                               _l("Too many password reset attempts. Wait a little and try again."))
