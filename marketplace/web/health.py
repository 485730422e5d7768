"""Operational endpoints: /health for load balancers and uptime checks."""
from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify
from limits.storage import MemoryStorage
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from marketplace.database import READER
from marketplace.extensions import db, limiter, redis_options

bp = Blueprint("ops", __name__)
_REDIS = "health_redis"  # in app.extensions: {url: client}


@bp.get("/health")
@limiter.exempt
def health():
    """Anyone: app version and database reachability; 503 when the database is down.

    With a read replica (DATABASE_REPLICA_URL) its reachability is reported too, and Redis's
    when the app uses one, without changing the status: the storefront falls back to the primary
    without the replica, and does without Redis (limits per process, messages inline, pages per worker).
    """
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unreachable"
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if status == 200 else "degraded", "version": current_app.config["APP_VERSION"],
            "database": database}
    if current_app.config["DATABASE_REPLICA_URL"]:
        body["replica"] = _replica_state()
    if (redis := _redis_state()) is not None:
        body["redis"] = redis
    return jsonify(body), status


def _replica_state() -> str:
    try:
        with db.engines[READER].connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError:
        return "unreachable"


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
