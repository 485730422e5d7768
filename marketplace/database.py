"""Where SQL goes: the primary database, or the reader for read-only storefront pages.

Two engines (Flask-SQLAlchemy binds):

- the primary (DATABASE_URL): every write, and every read of a signed-in request;
- the reader: a read replica when DATABASE_REPLICA_URL is set (SPEC §6: "read replicas for
  catalog reads"), otherwise the primary again, in autocommit mode. Its connections open
  with `default_transaction_read_only=on`, so a stray write fails loudly instead of
  landing outside a transaction.

A view that only reads opts in with `use_reader()`; the anonymous page cache does, for the
home, category, search, shop and product pages. On the reader each statement is its own
transaction: no BEGIN before it and no ROLLBACK when the request ends, two of a cached
page's four round trips. Nothing is lost by it: under READ COMMITTED every statement takes
its own snapshot anyway.

A replica that can't be reached (its connection is checked out as soon as a view opts in)
leaves the request on the primary, and the next ones for READER_RETRY_AFTER seconds, with
one warning: a lost replica slows the storefront down instead of taking it offline.

Connection checks: SQLAlchemy's `pool_pre_ping` costs a `SELECT 1` round trip on every
checkout. A connection checked in less than DATABASE_PING_IDLE_SECONDS ago was working a
moment ago, so only older ones are pinged (and replaced when the ping fails). If the
database restarts under load, a statement on a connection used just before fails once;
SQLAlchemy then invalidates the whole pool, so each worker loses at most one request.
"""
from __future__ import annotations

import logging
import time

from flask import Flask, current_app
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url

log = logging.getLogger(__name__)
READER = "reader"  # the bind key
READER_RETRY_AFTER = 30.0  # seconds on the primary after the replica failed to answer
_RESTING = "reader_resting_until"  # in app.extensions
_USE_READER = "use_reader"  # on the session's info
_CHECKED_IN = "checked_in_at"  # on each pooled connection's info


class RoutingSession(FlaskSession):
    """db.session: statements go to the reader once the request chose it (`use_reader`), else the primary."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.info.get(_USE_READER):
            return self._db.engines[READER]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def configure(app: Flask) -> None:
    """Add the reader bind to the app's config (before `db.init_app`)."""
    url = make_url(app.config["DATABASE_REPLICA_URL"] or app.config["SQLALCHEMY_DATABASE_URI"])
    # libpq's `options` of the URL (say a statement_timeout) are kept, read-only added to them.
    server_options = " ".join(filter(None, [url.query.get("options"), "-c default_transaction_read_only=on"]))
    options = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"],  # binds don't inherit them
               "url": url.difference_update_query(["options"]), "isolation_level": "AUTOCOMMIT",
               "connect_args": {"options": server_options}}
    app.config["SQLALCHEMY_BINDS"] = {**app.config.get("SQLALCHEMY_BINDS", {}), READER: options}


def watch_connections(engine: Engine, ping_idle_seconds: float) -> None:
    """Ping a pooled connection on checkout only when it sat idle longer than `ping_idle_seconds`."""

    @event.listens_for(engine, "connect")
    def _fresh(dbapi_connection, record):
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record):
        if record is not None:
            record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, record, proxy):
        if time.monotonic() - record.info.get(_CHECKED_IN, 0.0) <= ping_idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError() from error  # the pool replaces it and checks out again
            raise


def reads_only(session) -> bool:
    """True when this session's request chose the reader: its connections are read-only, so
    there is nothing to commit or roll back."""
    return bool(session.info.get(_USE_READER))


def use_reader() -> None:
    """Send the rest of this request's SQL to the reader (only for requests that never write).

    Only before the session has begun on the primary: a request that already read or wrote
    there keeps its connection. A replica that can't be reached leaves the request on the
    primary (see the module docstring).
    """
    from marketplace.extensions import db

    session = db.session()
    if session.in_transaction() or time.monotonic() < current_app.extensions.get(_RESTING, 0.0):
        return
    session.info[_USE_READER] = True
    if not current_app.config["DATABASE_REPLICA_URL"]:
        return  # the reader is the primary: nothing to fall back to
    try:
        session.connection()
    except exc.OperationalError as error:
        session.rollback()
        del session.info[_USE_READER]
        current_app.extensions[_RESTING] = time.monotonic() + READER_RETRY_AFTER
        log.warning("read replica unavailable (%s); reading from the primary for %.0f s",
                    str(error.orig).strip().splitlines()[0], READER_RETRY_AFTER)
