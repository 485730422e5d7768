"""Who may enter: the Flask-Login loader and the role decorators.

A full page is redirected to the login form; the JSON API and htmx requests get
401/403 so the client can react (htmx swaps in nothing and the page can redirect).
"""
import uuid
from functools import wraps

from flask import abort, flash, redirect, request, url_for
from flask_login import LoginManager, current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm.util import identity_key

from marketplace.extensions import db
from marketplace.models import Role, User, UserStatus
from marketplace.services.errors import Forbidden

# Built once: the loader serves every signed-in request.
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


def _get_user(user_id: uuid.UUID) -> User | None:
    """session.get(User, user_id) without building its SELECT again on every request (a request
    starts with an empty session; get() still answers when the user is already in it)."""
    if identity_key(User, user_id) in db.session.identity_map:
        return db.session.get(User, user_id)
    return db.session.execute(_USER_BY_ID, {"user_id": user_id}).scalar_one_or_none()


def wants_json() -> bool:
    return request.path.startswith("/api/")


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def configure_login(login_manager: LoginManager) -> None:
    login_manager.login_view = "account.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # The id carries session_version: a password reset or a suspension bumps it,
        # which ends every session and remember cookie issued before.
        user_id, _, version = session_id.partition(".")
        try:
            user = _get_user(uuid.UUID(user_id))
        except ValueError:
            return None
        if user is None or str(user.session_version) != version or user.status != UserStatus.ACTIVE:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json() or is_htmx():
            abort(401)
        flash(login_manager.login_message, "info")
        return redirect(url_for("account.login", next=request.full_path.rstrip("?")))


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            from marketplace.extensions import login_manager

            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped


def _requires(check, message: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not check(current_user):
                if wants_json() or is_htmx():
                    abort(403, description=message)
                flash(message, "warning")
                return redirect(url_for("shop.home"))
            return view(*args, **kwargs)

        return wrapped

    return decorator


UNVERIFIED_API_MESSAGE = ("Verify your phone or email first: send the code we sent you to "
                          "POST /api/v1/auth/verify-otp (POST /api/v1/auth/resend-otp sends a new one).")


def verified_required(view):
    """Verified accounts only; an unverified user is sent to verify, not refused.

    The JSON API answers 403 with its own code, "unverified", so the app can open its
    verification screen instead of showing a generic "forbidden".
    """

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_verified:
            if wants_json():
                raise Forbidden(UNVERIFIED_API_MESSAGE, code="unverified")
            if is_htmx():
                abort(403, description="Verify your account before continuing.")
            flash("Verify your phone or email first: we sent you a code.", "warning")
            return redirect(url_for("account.verify", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


seller_required = _requires(
    lambda user: user.role == Role.SELLER, "Only sellers can open the seller center."
)
admin_required = _requires(lambda user: user.role == Role.ADMIN, "Only administrators can do that.")
