"""Test databases: TEST_DATABASE_URL when set, otherwise an embedded pgserver.

Each test database is dropped and rebuilt by running the Alembic migrations, so
the suite also proves the migrations work.
"""
import os
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
# pytest-xdist runs the suite in several processes ("gw0", "gw1", ...; `make test` uses one per core):
# each has its own databases and Redis databases, so nothing one does is seen by another.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def for_this_worker(redis_url: str) -> str:
    """`redis_url` for this worker: the first keeps it, the next ones count down two databases each
    (the suite uses two: the jobs' and the shared page cache's)."""
    n = int(WORKER[2:]) if WORKER.startswith("gw") and WORKER[2:].isdigit() else 0
    if not n:
        return redis_url
    base, _, number = redis_url.rpartition("/")
    return f"{base}/{(int(number or 0) - 2 * n) % 16}"


def base_test_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    from marketplace.embedded_db import embedded_database_url

    return embedded_database_url(ROOT / "instance" / "pgtest", "postgres")


def fresh_database(name_suffix: str = "") -> str:
    """Drop and create the test database (plus suffix) and return its URL."""
    url = make_url(base_test_url())
    name = (url.database if os.environ.get("TEST_DATABASE_URL") else "marketplace_test") + name_suffix
    if WORKER:
        name += f"_{WORKER}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))


def truncate_all(app) -> None:
    """Empty every table (for tests that commit: concurrency and browser tests)."""
    from marketplace.extensions import db

    from sqlalchemy.exc import OperationalError

    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables if t.name != "audit_log"]
        for attempt in range(5):
            try:
                with db.engine.begin() as conn:
                    conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"))
                    conn.execute(text("TRUNCATE " + ", ".join(tables + ["audit_log"]) + " RESTART IDENTITY CASCADE"))
                    conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete"))
                return
            except OperationalError as error:
                # A browser test's last request (an htmx fragment fired as the page closed) may still be
                # running in the live server and lock its tables in another order: PostgreSQL breaks the
                # deadlock by aborting one side; when it is this one, empty the tables again.
                if getattr(error.orig, "pgcode", None) != "40P01" or attempt == 4:
                    raise
                time.sleep(0.2)
