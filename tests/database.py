"""Test databases: TEST_DATABASE_URL when set, otherwise an embedded pgserver.

Each test database is dropped and rebuilt by running the Alembic migrations, so
the suite also proves the migrations work.
"""
import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


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

    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables if t.name != "audit_log"]
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"))
            conn.execute(text("TRUNCATE " + ", ".join(tables + ["audit_log"]) + " RESTART IDENTITY CASCADE"))
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete"))
