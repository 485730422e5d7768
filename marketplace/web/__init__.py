"""App wiring shared by every blueprint: logging, database, extensions."""
import json
import logging
import sys
import time
from pathlib import Path

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

from marketplace import database


class JsonFormatter(logging.Formatter):
    """One JSON object per line; request fields are added when there is a request."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = getattr(g, "request_id", None)
        for key in ("method", "path", "route", "status", "duration_ms", "user_id", "remote_addr"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def trust_proxies(app: Flask) -> None:
    """Behind nginx (TRUSTED_PROXIES hops): see the client's address and scheme, not the proxy's."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("marketplace")
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = False
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
    if app.config.get("SENTRY_DSN"):
        import sentry_sdk

        # No request bodies or frame locals: they may hold passwords and one-time codes.
        sentry_sdk.init(dsn=app.config["SENTRY_DSN"], release=app.config["APP_VERSION"], send_default_pii=False,
                        include_local_variables=False, max_request_body_size="never")


def configure_database(app: Flask) -> None:
    """Use DATABASE_URL when given, otherwise the embedded pgserver under instance/."""
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        from marketplace.embedded_db import embedded_database_url

        name = "marketplace_test" if app.testing else "marketplace"
        app.config["SQLALCHEMY_DATABASE_URI"] = embedded_database_url(Path(app.instance_path) / "pgdata", name)
    for name in ("SQLALCHEMY_DATABASE_URI", "DATABASE_REPLICA_URL"):
        url = app.config[name]
        if url.startswith("postgres://"):  # Heroku-style URLs
            app.config[name] = "postgresql://" + url[len("postgres://"):]
    database.configure(app)


def register_extensions(app: Flask) -> None:
    from flask_compress import Compress
    from flask_cors import CORS

    from marketplace.extensions import csrf, db, limiter, login_manager, migrate, redis_options

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis", "valkey")):
        # A Redis that hangs must not hang the request: the limiter then counts in memory
        # (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) until Redis answers again.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", redis_options(app.config))
    limiter.init_app(app)
    Compress(app)
    # Only the JSON API answers cross-origin requests, and only from CORS_ORIGINS.
    CORS(app, resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}}, supports_credentials=True)
    with app.app_context():
        for engine in db.engines.values():
            database.watch_connections(engine, app.config["DATABASE_PING_IDLE_SECONDS"])
            _log_slow_queries(engine, app.config["SLOW_QUERY_MS"] / 1000)

    from marketplace.web import auth

    auth.configure_login(login_manager)


def _log_slow_queries(engine: Engine, threshold: float) -> None:
    logger = logging.getLogger("marketplace.sql")

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("query_start", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _stop(conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - conn.info["query_start"].pop()
        if has_request_context():
            g.sql_statements = g.get("sql_statements", 0) + 1
        if elapsed >= threshold:
            # The statement only: parameters may hold personal data.
            logger.warning("slow query %.1f ms: %s", elapsed * 1000, statement[:500])
