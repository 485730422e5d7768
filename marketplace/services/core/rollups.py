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

Days: a rollup day is a calendar day in the zone sales_rollup_zone() names (migration tz01: the
marketplace's DEFAULT_TIMEZONE when the rollups were built). The dashboards count "today" in
that zone (`time_zone()`), so their days and the rows agree; `set_time_zone()` changes it and
rebuilds every row.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.models import CacheVersion
from marketplace.services.core.rows import execute_rows

DEFERRED_TRIGGERS = ("orders_sales_rollup", "orders_sales_rollup_change", "products_catalog_version",
                     "products_catalog_version_change", "product_images_catalog_version", "shops_catalog_version",
                     "variants_catalog_version", "variants_catalog_version_change", "users_reviews_version")
_NAMES = ", ".join(DEFERRED_TRIGGERS)
_FOLD_PENDING = text(f"SET CONSTRAINTS {_NAMES} IMMEDIATE; SET CONSTRAINTS {_NAMES} DEFERRED")
_VERSIONS = text("SELECT name, version FROM cache_versions")
_ZONE = text("SELECT sales_rollup_zone()")
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*")  # IANA names: Asia/Ho_Chi_Minh, Etc/GMT+7
_SEEN_ZONE = "sales_rollup_zone"  # on the session's info
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


def versions_column():
    """Every cache version as one JSON object ({name: version}), a column another read can carry: a
    request that must read something fresh anyway (a product page's live state) gets the versions in
    the same round trip, then hands them to `remember_versions()`. Call include_pending() first."""
    return select(func.json_object_agg(CacheVersion.name, CacheVersion.version)).scalar_subquery()


def remember_versions(versions: dict[str, int]) -> None:
    """What `versions_column()` read: cache_versions() answers with it for the rest of the session."""
    db.session().info[_SEEN_VERSIONS] = versions


def time_zone() -> ZoneInfo:
    """The zone whose calendar days the sales rollups count, read once per transaction."""
    session = db.session()
    name = session.info.get(_SEEN_ZONE)
    if name is None:
        name = session.info[_SEEN_ZONE] = session.scalar(_ZONE)
    return _zone(name)


def local_today(now: datetime | None = None) -> date:
    """Today (the day of `now`) in the rollups' zone: the last day of the dashboards' windows."""
    return (now or datetime.now(timezone.utc)).astimezone(time_zone()).date()


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _known(name: str) -> bool:
    try:
        _zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def set_time_zone(name: str) -> None:
    """Count the sales rollups by the days of zone `name` from now on: sales_rollup_zone() says it,
    and every rollup row is rebuilt from the orders. Holds a SHARE lock on `orders` until the
    transaction ends (no order is placed or changes status meanwhile: the rebuilt sums stay exact);
    seconds on a large database, so run it off-peak (`flask sales-rollups`)."""
    if not _ZONE_NAME.fullmatch(name) or not _known(name):  # the name goes into the function's SQL
        raise ValueError(f"Not a time zone: {name!r} (an IANA name such as Asia/Ho_Chi_Minh).")
    session = db.session()
    session.execute(text("SELECT now() AT TIME ZONE :zone"), {"zone": name})  # PostgreSQL must know it
    session.execute(text("LOCK TABLE orders IN SHARE MODE"))
    include_pending()  # this transaction's own staged order changes, or the rebuild would count them twice
    session.execute(text("CREATE OR REPLACE FUNCTION sales_rollup_zone() RETURNS text LANGUAGE sql STABLE "
                         f"PARALLEL SAFE AS $$ SELECT text '{name}' $$"))
    session.execute(text("SELECT refresh_sales_rollups()"))  # (any such statement forgets the zone read)


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
    session.info.pop(_SEEN_ZONE, None)


@event.listens_for(Session, "after_flush")
def _flushed(session, flush_context) -> None:
    _forget(session)


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    # Anything but a SELECT (an UPDATE of products, raw SQL...) may change what the versions say.
    if not state.is_select and all(state.statement is not own for own in (_FOLD_PENDING, _VERSIONS, _ZONE)):
        _forget(state.session)


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction) -> None:
    _forget(session)
