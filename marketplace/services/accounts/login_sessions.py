"""Logins: one row per signed-in browser or phone (LoginSession).

A login's id travels inside its session and remember cookies (User.get_id), and a request is
signed in only while that row exists, the user's session version matches and the login is
younger than the remember-me cookie's lifetime. Logging out deletes the row, so a copy of the
cookie taken before stops working; "log out of other devices" deletes the user's other rows.
"""
import uuid

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select

from marketplace.extensions import db
from marketplace.models import LoginSession, User
from marketplace.models.base import utcnow

USER_AGENT_LENGTH = 200
# First match wins: Edge and Opera say "Chrome" too, Chrome says "Safari", every phone says "Linux" or "Mac".
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"), ("okhttp", _l("The app")), ("Dart/", _l("The app")), ("curl/", "curl"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"))

# Built once: the loader serves every signed-in request. One statement checks the login and
# loads its user.
_SIGNED_IN = (
    select(User)
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(User.id == bindparam("user_id"), LoginSession.id == bindparam("login_id"),
           LoginSession.created_at > bindparam("since"))
)


def _lifetime():
    return current_app.config["REMEMBER_COOKIE_DURATION"]


def start(user: User, user_agent: str | None) -> None:
    """Record a new login of `user` (its id becomes part of user.get_id()); forgets the user's
    logins that have outlived the remember cookie."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id,
                                                  LoginSession.created_at <= utcnow() - _lifetime()))
    login = LoginSession(id=uuid.uuid4(), user_id=user.id, user_agent=(user_agent or "")[:USER_AGENT_LENGTH] or None)
    db.session.add(login)
    db.session.flush()
    user.login_token = login.id


def signed_in_user(session_id: str) -> User | None:
    """The user a session or remember cookie's id ("user.version.login") signs in, or None when
    the login has ended (logged out, expired) or the version moved on (password reset, suspension)."""
    user_id, version, login_id = (session_id.split(".") + ["", ""])[:3]
    try:
        params = {"user_id": uuid.UUID(user_id), "login_id": uuid.UUID(login_id), "since": utcnow() - _lifetime()}
    except ValueError:
        return None
    user = db.session.execute(_SIGNED_IN, params).scalar_one_or_none()
    if user is None or str(user.session_version) != version:
        return None
    user.login_token = params["login_id"]
    return user


def end(user: User) -> None:
    """End this login of `user` (logout): its cookies, and every copy of them, sign nobody in."""
    if user.login_token is not None:
        db.session.execute(delete(LoginSession).where(LoginSession.id == user.login_token,
                                                      LoginSession.user_id == user.id))
        user.login_token = None


def end_others(user: User) -> int:
    """End every login of `user` but this one ("log out of other devices"); how many ended."""
    return db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id,
                                                         LoginSession.id != user.login_token)).rowcount


def device_label(user_agent: str | None) -> str:
    """ "Chrome on Android" from a User-Agent header, for people to tell their logins apart."""
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return str(browser or system or _("An unknown device"))


def logins_of(user: User) -> list[LoginSession]:
    """The user's current logins, newest first (the profile's "Where you're signed in")."""
    return list(db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.created_at > utcnow() - _lifetime())
        .order_by(LoginSession.created_at.desc(), LoginSession.id)
    ))
