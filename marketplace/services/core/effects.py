"""Side effects that must wait for the commit (SMS, email, notification fan-out).

Services call `after_commit(fn, *args)`; the callbacks run once the session's
transaction commits and are dropped if it rolls back, so nobody gets an SMS about
an order that was never placed.

`after_response(fn, *args)` goes one step further for work whose duration must not
show in the answer (a code sent to "any" account must cost nothing before the answer is
out): inside a request it runs once the WSGI server has sent the response and closes
it; outside a request, at once.
"""
import logging
from collections.abc import Callable

from flask import Flask, Response, g, has_request_context, request_finished
from sqlalchemy import event
from sqlalchemy.orm import Session

logger = logging.getLogger("marketplace.effects")
_KEY = "after_commit_callbacks"
_AFTER_RESPONSE = "after_response_callbacks"


def after_commit(session: Session, callback: Callable, *args, **kwargs) -> None:
    session.info.setdefault(_KEY, []).append((callback, args, kwargs))


def after_response(callback: Callable, *args, **kwargs) -> None:
    """Run `callback` after this request's response has been sent (at once outside a request).

    Call it from a view or from an after-commit callback: the request's commit runs in an
    `after_request` hook (web/unit_of_work.py), too late for `after_this_request`, so the
    callbacks wait in `g` until `request_finished` hands over the final response. The
    callback runs in a fresh app context (the request's is gone by then); its exceptions are
    logged, never raised.
    """
    if not has_request_context():
        _run("after-response", callback, args, kwargs)
        return
    g.setdefault(_AFTER_RESPONSE, []).append((callback, args, kwargs))


@request_finished.connect
def _attach_after_response(app: Flask, response: Response, **extra) -> None:
    callbacks = g.pop(_AFTER_RESPONSE, [])
    if not callbacks:
        return

    def run_in_app() -> None:
        with app.app_context():
            for callback, args, kwargs in callbacks:
                _run("after-response", callback, args, kwargs)

    response.call_on_close(run_in_app)


def _run(when: str, callback: Callable, args, kwargs) -> None:
    try:
        callback(*args, **kwargs)
    except Exception:  # a failed SMS must not turn a placed order into an error page
        logger.exception("%s callback %s failed", when, getattr(callback, "__name__", callback))


@event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    callbacks = session.info.pop(_KEY, [])
    for callback, args, kwargs in callbacks:
        _run("after-commit", callback, args, kwargs)


@event.listens_for(Session, "after_soft_rollback")
def _drop_callbacks(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        session.info.pop(_KEY, None)
