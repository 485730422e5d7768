"""Rate limits of the account actions, shared by the web pages and the JSON API.

Each limit is a *shared* limit with its own scope, so a client cannot double its
budget by alternating between /account/login and /api/v1/auth/login. Only POSTs
count: looking at the login page is free. The strings come from config
(RATELIMIT_LOGIN, ...) and are read per request, so tests and deployments can tune them.
"""
from flask import current_app

from marketplace.extensions import limiter


def _shared(setting: str, scope: str, message: str):
    return limiter.shared_limit(lambda: current_app.config[setting], scope=scope, methods=["POST"],
                                error_message=message)


login_limit = _shared("RATELIMIT_LOGIN", "account-login",
                      "Too many login attempts. Wait a little and try again.")
register_limit = _shared("RATELIMIT_REGISTER", "account-register",
                         "Too many sign-ups from your connection. Wait a little and try again.")
otp_send_limit = _shared("RATELIMIT_OTP_SEND", "account-otp-send",
                         "Too many codes requested. Wait a little before asking for another.")
otp_verify_limit = _shared("RATELIMIT_OTP_VERIFY", "account-otp-verify",
                           "Too many code attempts. Wait a little and try again.")
password_reset_limit = _shared("RATELIMIT_PASSWORD_RESET", "account-password-reset",
                               "Too many password reset attempts. Wait a little and try again.")
