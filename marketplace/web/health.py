"""Operational endpoints: /health for load balancers and uptime checks.

A load balancer needs a quick yes or no: can this instance serve pages? So /health reads what
every storefront request reads first (the `cache_versions` table), on a connection of its own
that gives up after HEALTH_TIMEOUT: a database that is down answers "unreachable", one that is
frozen (paused, or a lock on that table held by a stuck migration) "timeout", both 503 within
about two seconds instead of hanging the check. Its own connection also means a pool exhausted
by slow requests can't make the check wait (the pool's checkout would wait 30 s).

The read replica and Redis are reported too, without changing the status: the storefront falls
back to the primary without the replica, and the site does without Redis (rate limits per
process, messages sent inline, pages cached per worker).
"""
import math
from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify
from limits.storage import MemoryStorage
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from marketplace.extensions import limiter, redis_options

bp = Blueprint("ops", __name__)
_ENGINES = "health_engines"  # in app.extensions: {url: engine}
_REDIS = "health_redis"  # in app.extensions: {url: client}
# SQLSTATEs of a statement cancelled by statement_timeout, and of lock_timeout.
_TIMEOUT_CODES = {"57014", "55P03"}
_DOWN_CLASSES = ("08", "57P")  # connection exceptions; shutting down, starting up


@bp.get("/health")
@limiter.exempt
def health():
    """Anyone: app version and database state; 503 when the database is down or frozen."""
    config = current_app.config
    database = _database_state(config["SQLALCHEMY_DATABASE_URI"], "SELECT 1 FROM cache_versions LIMIT 1")
    body = {"status": "ok" if database == "ok" else "degraded", "version": config["APP_VERSION"],
            "database": database}
    if database != "ok":
        return jsonify(body), 503  # the answer is known: don't make the load balancer wait for the rest
    if config["DATABASE_REPLICA_URL"]:
        body["replica"] = "ok" if _database_state(config["DATABASE_REPLICA_URL"], "SELECT 1") == "ok" \
            else "unreachable"
    if (redis := _redis_state()) is not None:
        body["redis"] = redis
    return jsonify(body), 200


def _database_state(url: str, query: str) -> str:
    """ok; timeout (connecting or the query took longer than HEALTH_TIMEOUT); unreachable (refused,
    shutting down, starting up); error (it answered, but not as expected: say the migrations are missing)."""
    timeout_ms = f"{int(current_app.config['HEALTH_TIMEOUT'] * 1000)}ms"
    try:
        with _engine(url).connect() as conn:
            conn.execute(text("SELECT set_config('statement_timeout', :ms, true), set_config('lock_timeout', :ms, true)"),
                         {"ms": timeout_ms})
            conn.execute(text(query))
        return "ok"
    except DBAPIError as error:
        code = getattr(error.orig, "pgcode", None)
        if code in _TIMEOUT_CODES or "timeout expired" in str(error.orig):
            return "timeout"
        return "unreachable" if code is None or code.startswith(_DOWN_CLASSES) else "error"
    except SQLAlchemyError:
        return "unreachable"


def _engine(url: str) -> Engine:
    """An engine without a pool: every check opens a connection of its own, bounded by connect_timeout."""
    engines = current_app.extensions.setdefault(_ENGINES, {})
    if url not in engines:
        # libpq counts whole seconds and waits at least 2.
        connect_timeout = max(2, math.ceil(current_app.config["HEALTH_TIMEOUT"]))
        engines[url] = create_engine(make_url(url), poolclass=NullPool, connect_args={
            "connect_timeout": connect_timeout, "application_name": "marketplace-health"})
    return engines[url]


def _redis_state() -> str | None:
    """ok when every Redis the app uses answers a PING, else unreachable; None when it uses none.

    One PING per server (the jobs' and the limits' are often one Redis with two databases).
    """
    config = current_app.config
    checks: dict[str, Callable[[], bool]] = {}
    for url in (config["REDIS_URL"], config["PAGE_CACHE_REDIS_URL"]):
        if url:
            checks.setdefault(urlsplit(url).netloc or url, partial(_ping, url))
    if limiter.enabled and not isinstance(limiter.storage, MemoryStorage):
        uri = config["RATELIMIT_STORAGE_URI"]
        checks.setdefault(urlsplit(uri).netloc or uri, limiter.storage.check)  # the limiter's own client
    if not checks:
        return None
    return "ok" if all(check() for check in checks.values()) else "unreachable"


def _ping(url: str) -> bool:
    clients = current_app.extensions.setdefault(_REDIS, {})
    if url not in clients:
        clients[url] = Redis.from_url(url, **redis_options(current_app.config))
    try:
        return bool(clients[url].ping())
    except RedisError:
        return False
