"""Who may enter: the Flask-Login loader and the role decorators.

A full page is redirected to the login form; the JSON API and htmx requests get
401/403 so the client can react (htmx swaps in nothing and the page can redirect).
"""
from functools import wraps

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from marketplace.models import Role, User, UserStatus
from marketplace.services.accounts import login_sessions
from marketplace.services.core.errors import Forbidden
from marketplace.web.htmx import is_htmx, wants_json


def remembered() -> bool:
    """The browser sent a remember-me cookie: Flask-Login would sign its owner in from it, session or not."""
    return current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in request.cookies


def may_be_signed_in() -> bool:
    """Could Flask-Login find a user for this request? Only from a login in the session or a remember-me
    cookie: configure_login sets up no other loader. When not, nobody needs loading (Flask-Login's
    session protection hashes the address and the browser for an anonymous visitor too)."""
    return "_user_id" in session or remembered()


def configure_login(login_manager: LoginManager) -> None:
    login_manager.login_view = "account.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # The id names the login too: logging out ends it, and a password reset or a
        # suspension bumps the session version, which ends every login at once.
        user = login_sessions.signed_in_user(session_id)
        if user is None or user.status != UserStatus.ACTIVE:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json() or is_htmx():
            abort(401)
        flash(str(login_manager.login_message), "info")
        return redirect(url_for("account.login", next=request.full_path.rstrip("?")))


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            from marketplace.extensions import login_manager

            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped


def _requires(check, message):
    """`message`: lazy, said in the asker's language when they are refused."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not check(current_user):
                if wants_json() or is_htmx():
                    abort(403, description=str(message))
                flash(str(message), "warning")
                return redirect(url_for("shop.home"))
            return view(*args, **kwargs)

        return wrapped

    return decorator


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
                raise Forbidden(_("Verify your phone or email first: send the code we sent you to "
                                  "POST /api/v1/auth/verify-otp (POST /api/v1/auth/resend-otp sends a new one)."),
                                code="unverified")
            if is_htmx():
                abort(403, description=_("Verify your account before continuing."))
            flash(_("Verify your phone or email first: we sent you a code."), "warning")
            return redirect(url_for("account.verify", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


seller_required = _requires(
    lambda user: user.role == Role.SELLER, _l("Only sellers can open the seller center.")
)
admin_required = _requires(lambda user: user.role == Role.ADMIN, _l("Only administrators can do that."))
