"""Side effects that must wait for the commit (SMS, email, notification fan-out).

Services call `after_commit(fn, *args)`; the callbacks run once the session's
transaction commits and are dropped if it rolls back, so nobody gets an SMS about
an order that was never placed.
"""
import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

logger = logging.getLogger("marketplace.effects")
_KEY = "after_commit_callbacks"


def after_commit(session: Session, callback: Callable, *args, **kwargs) -> None:
    session.info.setdefault(_KEY, []).append((callback, args, kwargs))


@event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    callbacks = session.info.pop(_KEY, [])
    for callback, args, kwargs in callbacks:
        try:
            callback(*args, **kwargs)
        except Exception:  # a failed SMS must not turn a placed order into an error page
            logger.exception("after-commit callback %s failed", getattr(callback, "__name__", callback))


@event.listens_for(Session, "after_soft_rollback")
def _drop_callbacks(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        session.info.pop(_KEY, None)
