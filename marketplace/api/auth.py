"""API: accounts — register, verify, log in and out, reset the password, get a CSRF token.

Same services and same session cookie as the web pages. Starting a session (register,
login, reset) also starts a new CSRF token: the answer carries it as `csrf_token`.
verify-otp, resend-otp, forgot- and reset-password name an account by its phone or email,
so they answer alike whether or not it exists (services/accounts/otp.py, "contact-named").
"""
from flask import jsonify, make_response, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from spectree import Response

from marketplace.api import bp
from marketplace.api.schemas import CsrfOut, ErrorOut
from marketplace.api.schemas.accounts import (
    AcceptedOut, ContactIn, LoginIn, RegisterIn, ResetPasswordIn, UserEnvelope, UserOut, VerifyOtpIn,
)
from marketplace.api.spec import CSRF, spec
from marketplace.services.accounts import accounts, otp
from marketplace.services.accounts.otp import ResendTooSoon
from marketplace.web.errors import json_error
from marketplace.web.limits import login_limit, otp_send_limit, otp_verify_limit, password_reset_limit, register_limit
from marketplace.web.sessions import counting_failed_tries, end_session, start_session


def _body():
    return request.context.json


def _contact(body) -> accounts.Contact:
    return accounts.contact_from(phone=body.phone, email=body.email)


def _with_session(user, status: int = 200):
    return UserEnvelope(user=UserOut.of(user), csrf_token=generate_csrf()), status


def too_soon(error: ResendTooSoon):
    """429 for a code asked again within its cooldown, with Retry-After like any other limit."""
    response = make_response(json_error(429, error.message, error.code, error.fields))
    response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.get("/auth/csrf")
@spec.validate(resp=Response(HTTP_200=CsrfOut), tags=["auth"])
def csrf_token():
    """Anyone: a CSRF token to send as `X-CSRFToken` on unsafe requests of this session."""
    return jsonify(csrf_token=generate_csrf())


@bp.post("/auth/register")
@register_limit
@spec.validate(json=RegisterIn, resp=Response(HTTP_201=UserEnvelope, HTTP_422=ErrorOut, HTTP_429=ErrorOut),
               tags=["auth"], security=CSRF)
def register():
    """Guests: create an unverified account (phone or email), log it in and send it a 6-digit code."""
    body = _body()
    user = accounts.register(_contact(body), body.password, body.full_name)
    start_session(user)
    return _with_session(user, 201)


@bp.post("/auth/verify-otp")
@otp_verify_limit
@spec.validate(json=VerifyOtpIn, resp=Response(HTTP_200=UserEnvelope, HTTP_422=ErrorOut, HTTP_429=ErrorOut),
               tags=["auth"], security=CSRF)
def verify_otp():
    """Anyone holding the code: mark the account of this phone/email verified (5 tries per code).

    Every failure is 422 `otp_invalid`, the same for an unknown contact and an account
    already verified."""
    body = _body()
    with counting_failed_tries():
        user = accounts.verify_contact(_contact(body), body.code)
    return UserEnvelope(user=UserOut.of(user)), 200


@bp.post("/auth/resend-otp")
@otp_send_limit
@spec.validate(json=ContactIn, resp=Response(HTTP_202=AcceptedOut, HTTP_422=ErrorOut, HTTP_429=ErrorOut),
               tags=["auth"], security=CSRF)
def resend_otp():
    """Anyone: send a new verification code to an unverified account (at most one per 60 s); silent for others.

    Always 202 with the same body: a "too soon" would come only for real accounts, so the
    app counts `resend_after` down itself."""
    accounts.resend_for_contact(_contact(_body()))
    message = _("If this account is waiting for verification, a new code is on its way (one a minute at most).")
    return AcceptedOut(message=message, resend_after=int(otp.RESEND_AFTER.total_seconds())), 202


@bp.post("/auth/login")
@login_limit
@spec.validate(json=LoginIn, resp=Response(HTTP_200=UserEnvelope, HTTP_401=ErrorOut, HTTP_403=ErrorOut,
                                           HTTP_422=ErrorOut, HTTP_429=ErrorOut), tags=["auth"], security=CSRF)
def login():
    """Guests: log in with phone or email and password; sets the session (and remember-me) cookie."""
    body = _body()
    user = accounts.authenticate(body.login, body.password)
    start_session(user, remember=body.remember)
    return _with_session(user)


@bp.post("/auth/logout")
@spec.validate(resp=Response(HTTP_204=None), tags=["auth"], security=CSRF)
def logout():
    """Anyone: end this session and its remember-me cookie."""
    if current_user.is_authenticated:
        end_session()
    return "", 204


@bp.post("/auth/forgot-password")
@password_reset_limit
@spec.validate(json=ContactIn, resp=Response(HTTP_202=AcceptedOut, HTTP_422=ErrorOut, HTTP_429=ErrorOut),
               tags=["auth"], security=CSRF)
def forgot_password():
    """Anyone: send a reset code; the same answer whether or not the account exists."""
    accounts.forgot_password(_contact(_body()))
    message = _("If an account uses this contact, a code is on its way (one a minute at most). It works for 5 minutes.")
    return AcceptedOut(message=message), 202


@bp.post("/auth/reset-password")
@password_reset_limit
@spec.validate(json=ResetPasswordIn, resp=Response(HTTP_200=UserEnvelope, HTTP_422=ErrorOut, HTTP_429=ErrorOut),
               tags=["auth"], security=CSRF)
def reset_password():
    """Anyone holding a reset code: set a new password; every other session ends, this client gets a new one.

    Every failure of the code is 422 `otp_invalid`, the same for an unknown contact."""
    body = _body()
    with counting_failed_tries():
        user = accounts.reset_password(_contact(body), body.code, body.new_password)
    start_session(user)
    return _with_session(user)
