"""One unit of work per request: services change objects and flush, the request commits once.

After the view has returned, the request's transaction is committed when the answer says the
request succeeded (status below 400) and rolled back otherwise: a refusal (4xx), an error
(5xx) or an exception. The callbacks services queued with `effects.after_commit` (SMS, email,
metrics) run after that commit and are dropped by the rollback. Views and API handlers never
call `commit()` or `rollback()`; when they need something else they say so, once:

- `attempt()`: a change a rule may refuse, whose refusal the view then renders itself (a form
  page with the error): the whole unit is rolled back at once, so that page reads the data as
  it was, not half of a refused change.
- `keep_on_refusal()`: this refusal still commits what was written before it (a wrong one-time
  code counts its try, or the next guess would be free).
- `discard()`: a successful answer that commits nothing (a replayed checkout, whose form just
  made its new address again).
- `abandon()`: the request failed (the 500 handler): roll back at once, so the error page can
  still read (its navbar) from a session a failed statement may have left unusable.

Background jobs and CLI commands run their work in `transaction()`.

The commit runs in `after_request`, before the response is sent: a failed commit (a deferred
constraint) becomes the 500 page, never a success the database refused. Registered before any
other request hook, it runs after them all (Flask runs `after_request` functions in reverse),
so the access log and the page cache still see the objects as the view left them.
"""
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, g

from marketplace.database import reads_only
from marketplace.extensions import db
from marketplace.services.core.errors import DomainError

_DISCARD = "unit_of_work_discard"
_KEEP_ON_REFUSAL = "unit_of_work_keep_on_refusal"


def init_app(app: Flask) -> None:
    app.after_request(_finish)


def _finish(response: Response) -> Response:
    session = db.session()  # the request's Session (the scoped proxy has no in_transaction)
    if not session.in_transaction() or reads_only(session):
        return response  # nothing to settle: nothing read, settled already, or read-only (the reader)
    succeeded = response.status_code < 400 or (response.status_code < 500 and g.pop(_KEEP_ON_REFUSAL, False))
    if succeeded and not g.pop(_DISCARD, False):
        session.commit()
    else:
        session.rollback()
    return response


@contextmanager
def attempt() -> Iterator[None]:
    """Run a change a rule may refuse: on a DomainError, roll the unit back at once and re-raise
    it, for the view to render the refusal from the data as it was."""
    try:
        yield
    except DomainError:
        db.session.rollback()
        raise


def abandon() -> None:
    """Roll the unit back now: the request has failed and its error page is about to read."""
    db.session.rollback()


def keep_on_refusal() -> None:
    """Commit this request's writes even though its answer is a refusal (4xx, never a 5xx)."""
    g.setdefault(_KEEP_ON_REFUSAL, True)


def discard() -> None:
    """Roll this request's writes back even though its answer is a success."""
    g.setdefault(_DISCARD, True)


def checkpoint() -> None:
    """Inside `transaction()`: commit what a long job has done so far (a batch of a seed), so that a
    failure later loses only the batch it was in."""
    db.session.commit()


@contextmanager
def transaction() -> Iterator[None]:
    """The unit of work of a background job or a CLI command: commit at the end, roll back on
    any exception (re-raised)."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
