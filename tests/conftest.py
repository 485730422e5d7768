"""Fixtures shared by every test.

The schema is built once per session by the migrations. Each test runs inside a
transaction that is rolled back (SQLAlchemy's "join a session into an external
transaction" recipe), so tests are isolated and fast. Tests that need real
commits and several connections (concurrency) use `committed_app` instead.
"""
import re
import uuid
from contextlib import contextmanager

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, text

from config import TestingConfig
from marketplace import create_app, i18n
from marketplace.extensions import db
from marketplace.messaging import outbox
from marketplace.services.catalog import storefront_cache
from marketplace.web import page_cache
from tests import database

# Fixtures that several areas' tests share live beside those areas' helpers. Registering the modules
# here makes the fixtures available to every test without importing them: an imported fixture looks
# unused to a linter, and each test taking it as a parameter then looks like a redefinition.
pytest_plugins = ["tests.admin_support", "tests.jobs_support", "tests.returns_support", "tests.reviews_support",
                  "tests.seller_support"]


class _ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy picks the engine itself; in tests every query must use the test connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


def make_test_config(url: str, **overrides) -> type[TestingConfig]:
    return type("TestConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url, **overrides})


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def pytest_make_parametrize_id(config, val, argname):
    """Test ids without the random ids of the objects a parameter was built with (paths like
    /account/addresses/<id>/edit): the same on every run and in every pytest-xdist worker."""
    if isinstance(val, uuid.UUID):
        return "<id>"
    if isinstance(val, str) and _UUID.search(val):
        return _UUID.sub("<id>", val)
    return None


def pytest_sessionstart(session):
    i18n.compile_all()  # `make test` compiles the catalogs; a bare `pytest` must read the current ones too


@pytest.fixture(scope="session")
def app():
    url = database.fresh_database()
    application = create_app(make_test_config(url))
    database.migrate(application)
    return application


@pytest.fixture(autouse=True)
def db_session(request, app):
    """Every test runs in a transaction that is rolled back at the end."""
    if "committed_app" in request.fixturenames or request.node.get_closest_marker("e2e"):
        yield None
        return
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionBoundSession}
        )
        # The test's transaction never commits: the ledger's check deferred to COMMIT (a transaction's
        # entries sum to zero) runs at the end of each statement instead (ledger.post writes them in one).
        connection.execute(text("SET CONSTRAINTS ledger_entries_balance IMMEDIATE"))
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def committed_app(app):
    """The app with real commits, for tests that need several connections; tables are emptied after."""
    yield app
    database.truncate_all(app)


@pytest.fixture(autouse=True)
def cold_caches(app):
    """Every test starts with this process's storefront caches empty (they outlive a rolled-back test)."""
    with app.app_context():
        storefront_cache.clear()
        page_cache.clear()
    yield


@pytest.fixture(autouse=True)
def clear_outbox():
    outbox.clear()
    yield
    outbox.clear()


class CsrfClient(FlaskClient):
    """A test client that sends a valid CSRF token on unsafe requests unless told `csrf=False`.

    Each request runs in a fresh app context, as in production: its own `g` and its own
    database session (bound to the test's connection, inside the test's transaction), so a
    view's rollback can't wipe the test's data and the view can't see the test's objects.
    """

    def open(self, *args, csrf: bool = True, **kwargs):
        method = kwargs.get("method", "GET").upper()
        if csrf and method in {"POST", "PUT", "PATCH", "DELETE"}:
            token = self.csrf_token()
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", token)
            kwargs["headers"] = headers
        _flush_test_session()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _expire_test_session()
        return response

    def csrf_token(self) -> str:
        with self.application.app_context():
            response = super().open("/api/v1/auth/csrf", method="GET")
        return response.get_json()["csrf_token"]


def _flush_test_session() -> None:
    """Pending test objects must reach the database before the request reads it."""
    if has_app_context():
        db.session.flush()


def _expire_test_session() -> None:
    """After a request, the test re-reads what the request may have changed."""
    if has_app_context():
        db.session.expire_all()


@pytest.fixture
def client(app):
    app.test_client_class = CsrfClient
    return app.test_client()


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries: ...` then `len(queries)` is the SQL statement count."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            # Savepoints are the test harness's own transaction plumbing, not the app's work; so is
            # SET CONSTRAINTS: a reader sends it only when its transaction holds uncommitted writes
            # (services/core/rollups.py), which in a test means the test's own setup, never in production.
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT",
                                                          "SET CONSTRAINTS")):
                statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    with app.app_context():
        yield counter


@pytest.fixture
def sent_messages():
    """The memory outbox of SMS and email sent during the test."""
    return outbox


def otp_from(message_text: str) -> str:
    match = re.search(r"\b(\d{6})\b", message_text)
    assert match, f"no 6-digit code in {message_text!r}"
    return match.group(1)
