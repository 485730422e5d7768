"""Reading what the database keeps for us (migration perf01): sales rollups and cache versions.

The sales rollups (sales_daily, shop_sales_daily, product_sales_daily) and the 'catalog'
cache version are maintained by DEFERRED constraint triggers, which run at COMMIT (after
checkout's stock and voucher locks; see the migration). A reader on a connection whose
transaction has uncommitted writes - a test, or a request that writes then reads - first
folds them in: `include_pending()` fires the pending trigger events (SET CONSTRAINTS ...
IMMEDIATE) and sets the triggers back to deferred, in one round trip (the triggers bump a
version once per firing, and a later write arms them again: migration perf03). Connections that
wrote nothing (every GET in production) skip it: a listener notes INSERT/UPDATE/DELETE
statements per connection until its transaction ends (commit or rollback).

Cache versions: `cache_versions()` reads every version with one primary-key scan and keeps
the answer for the session until it writes or its transaction ends; a process compares
them with the versions its cached copies were built from.
"""
from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.services.core.rows import execute_rows

DEFERRED_TRIGGERS = ("orders_sales_rollup", "orders_sales_rollup_change", "products_catalog_version",
                     "products_catalog_version_change", "product_images_catalog_version", "shops_catalog_version",
                     "variants_catalog_version", "variants_catalog_version_change", "users_reviews_version")
_NAMES = ", ".join(DEFERRED_TRIGGERS)
_FOLD_PENDING = text(f"SET CONSTRAINTS {_NAMES} IMMEDIATE; SET CONSTRAINTS {_NAMES} DEFERRED")
_VERSIONS = text("SELECT name, version FROM cache_versions")
_WROTE = "wrote_in_transaction"  # on the DBAPI connection's info: unflushed trigger events may be pending
_SEEN_VERSIONS = "cache_versions"  # on the session's info
_WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "TRUNCATE", "WITH")


def include_pending() -> None:
    """Make this transaction's own uncommitted writes visible in the rollups and cache versions.

    The mark stays until the transaction ends: if the events fire inside a savepoint that is
    rolled back (a test's request), PostgreSQL puts them back in the queue, and the next
    read must fire them again.
    """
    if db.session.connection().info.get(_WROTE):
        db.session.execute(_FOLD_PENDING)


def cache_versions() -> dict[str, int]:
    """{name: version} of every cached storefront object ('categories', 'shops', 'catalog', 'reviews')."""
    session = db.session()
    versions = session.info.get(_SEEN_VERSIONS)
    if versions is None:
        include_pending()
        versions = session.info[_SEEN_VERSIONS] = dict(execute_rows(_VERSIONS, {}))
    return versions


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany) -> None:
    # "WITH" may hide an UPDATE; a read-only CTE only costs one spare SET CONSTRAINTS later.
    if statement.lstrip()[:8].upper().startswith(_WRITES) and not conn.info.get(_WROTE):
        conn.info[_WROTE] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _transaction_over(conn) -> None:
    if not conn.invalidated:  # a lost connection's transaction is over anyway (and its info is gone)
        conn.info.pop(_WROTE, None)


def _forget(session) -> None:
    session.info.pop(_SEEN_VERSIONS, None)


@event.listens_for(Session, "after_flush")
def _flushed(session, flush_context) -> None:
    _forget(session)


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    # Anything but a SELECT (an UPDATE of products, raw SQL...) may change what the versions say.
    if not state.is_select and state.statement is not _FOLD_PENDING and state.statement is not _VERSIONS:
        _forget(state.session)


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction) -> None:
    _forget(session)
