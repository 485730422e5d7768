"""Starting and ending a login session, for the web pages and the JSON API alike."""
from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, request, session
from flask_login import current_user, login_user, logout_user

from marketplace.models import User
from marketplace.services.accounts import login_sessions
from marketplace.services.accounts.accounts import record_login
from marketplace.services.core.errors import DomainError
from marketplace.web import unit_of_work

CARRIED_OVER = ("guest_cart",)


def start_session(user: User, remember: bool = False) -> None:
    """Log `user` in on a fresh session (against fixation) and a new login, keeping the guest's cart.

    Flask-Login's user_logged_in signal fires inside login_user: the cart area
    merges session["guest_cart"] into the account cart there.
    """
    kept = {key: session[key] for key in CARRIED_OVER if key in session}
    _fresh_session()
    session.update(kept)
    login_sessions.start(user, request.user_agent.string)
    login_user(user, remember=remember)
    record_login(user)


def end_session() -> None:
    """End this browser's login: the cookies, and any copy of them, sign nobody in any more."""
    if current_user.is_authenticated:
        login_sessions.end(current_user)
    # Clear first: logout_user leaves a marker in the session that deletes the remember cookie.
    _fresh_session()
    logout_user()


def _fresh_session() -> None:
    session.clear()
    # Flask-WTF caches the request's CSRF token in g; drop it so a token made later
    # in this request belongs to the new session.
    g.pop("csrf_token", None)


@contextmanager
def counting_failed_tries() -> Iterator[None]:
    """A code check whose refusal is still committed: the counted wrong try must survive the
    4xx answer (the check changes nothing else), or the next guess would be free. The error
    then propagates as usual."""
    try:
        yield
    except DomainError:
        unit_of_work.keep_on_refusal()
        raise
