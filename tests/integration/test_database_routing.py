"""Where SQL goes (marketplace/database.py): anonymous storefront pages read from the reader,
everything else from the primary; the reader never writes; idle connections are checked.

These run against committed data and the app's real engines (not the test's rolled-back
connection), because which engine a statement takes is the point.
"""
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, InternalError

from marketplace import create_app
from marketplace.database import READER
from marketplace.extensions import db
from marketplace.services.core import rollups
from tests.conftest import CsrfClient, make_test_config
from tests.factories import login_id, make_category, make_product, make_user
from tests.log_support import json_log


@contextmanager
def statements_by_engine(app):
    """{"primary": [...], "reader": [...]}: the SQL each engine ran meanwhile."""
    seen = {"primary": [], "reader": []}
    with app.app_context():
        engines = {"primary": db.engines[None], "reader": db.engines[READER]}
    listeners = []
    for name, engine in engines.items():
        def record(conn, cursor, statement, parameters, context, executemany, name=name):
            seen[name].append(statement)
        event.listen(engine, "before_cursor_execute", record)
        listeners.append((engine, record))
    try:
        yield seen
    finally:
        for engine, record in listeners:
            event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def storefront(committed_app):
    """A committed category with one product, and a buyer."""
    with committed_app.app_context():
        category = make_category(slug="kettles")
        product = make_product(category=category, title="Copper kettle", variants=[{"stock": 4}, {"stock": 0}])
        buyer = make_user()
        session_id = login_id(buyer)
        db.session.commit()
        ids = {"product": product.id, "variant": product.variants[0].id, "shop": product.shop.slug,
               "buyer": session_id}
        db.session.remove()
    return ids


def test_anonymous_storefront_pages_read_from_the_reader_only(committed_app, storefront):
    client = committed_app.test_client()
    pages = ["/", "/c/kettles", "/c/kettles?sort=price_asc", "/search?q=kettle", f"/s/{storefront['shop']}",
             f"/p/{storefront['product']}", f"/p/{storefront['product']}/variants/panel?variant={storefront['variant']}"]
    for url in pages:
        with statements_by_engine(committed_app) as seen:
            response = client.get(url)
        assert response.status_code == 200, url
        assert seen["primary"] == [], url
        assert seen["reader"], url  # at least the cache versions
        assert not any(s.lstrip().upper().startswith(("BEGIN", "ROLLBACK", "SELECT 1")) for s in seen["reader"])
    assert "Copper kettle" in client.get("/c/kettles?sort=newest").get_data(as_text=True)


def test_signed_in_pages_and_every_write_use_the_primary(committed_app, storefront):
    client = CsrfClient(committed_app, committed_app.response_class, use_cookies=True)
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = storefront["buyer"], True
    with statements_by_engine(committed_app) as seen:
        assert client.get("/c/kettles").status_code == 200
        response = client.post("/cart/items", data={"variant_id": storefront["variant"], "quantity": 1})
    assert response.status_code == 302
    assert seen["reader"] == [] and any("cart_items" in s for s in seen["primary"])


def test_the_reader_refuses_writes(committed_app):
    with committed_app.app_context():
        with db.engines[READER].connect() as conn:
            with pytest.raises(InternalError, match="read-only transaction"):
                conn.execute(text("UPDATE cache_versions SET version = version"))
            assert conn.execute(text("SHOW transaction_read_only")).scalar() == "on"


def test_a_view_that_already_used_the_primary_stays_on_it(committed_app):
    from marketplace.database import use_reader

    with committed_app.test_request_context(), statements_by_engine(committed_app) as seen:
        rollups.cache_versions()
        use_reader()
        db.session.execute(text("SELECT 1 AS still_primary"))
        db.session.remove()
    assert seen["reader"] == [] and any("still_primary" in s for s in seen["primary"])


def test_a_replica_url_becomes_the_reader(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    replica = url + ("&" if "?" in url else "?") + "application_name=replica&options=-c%20statement_timeout%3D4321"
    other = create_app(make_test_config(url, DATABASE_REPLICA_URL=replica))
    with other.app_context():
        reader = db.engines[READER]
        assert reader.url.query["application_name"] == "replica" and db.engine.url.query.get("application_name") is None
        with reader.connect() as conn:
            assert conn.execute(text("SHOW application_name")).scalar() == "replica"
            # the URL's own server options are kept beside the reader's read-only one
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "4321ms"
            assert conn.execute(text("SHOW transaction_read_only")).scalar() == "on"
        for engine in db.engines.values():
            engine.dispose()


@contextmanager
def engine_of(app, **config):
    other = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], **config))
    with other.app_context():
        try:
            yield db.engine
        finally:
            for engine in db.engines.values():
                engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def _kill(app, pid: int) -> None:
    with app.app_context(), db.engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def test_an_idle_connection_is_checked_and_a_dead_one_replaced_without_an_error(app):
    with engine_of(app, DATABASE_PING_IDLE_SECONDS=0) as engine:
        pid = _backend_pid(engine)
        _kill(app, pid)
        assert _backend_pid(engine) != pid  # the ping found it dead: a new connection, no error


def test_a_connection_used_a_moment_ago_is_not_pinged_and_a_failure_heals_on_the_next_use(app):
    with engine_of(app, DATABASE_PING_IDLE_SECONDS=3600) as engine:
        pid = _backend_pid(engine)
        with engine.connect() as conn:  # reused within the window: no SELECT 1 before it
            seen = []
            event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
            conn.execute(text("SELECT 2"))
            assert seen == ["SELECT 2"]
        _kill(app, pid)
        with pytest.raises(DBAPIError) as failure:
            _backend_pid(engine)
        assert failure.value.connection_invalidated
        assert _backend_pid(engine) != pid


def test_an_unreachable_replica_leaves_the_storefront_on_the_primary(committed_app, storefront):
    other = create_app(make_test_config(committed_app.config["SQLALCHEMY_DATABASE_URI"],
                                        DATABASE_REPLICA_URL="postgresql://postgres@127.0.0.1:1/nowhere"))
    client = other.test_client()
    with json_log("marketplace.database") as lines, statements_by_engine(other) as seen:
        first = client.get("/c/kettles")
        second = client.get(f"/p/{storefront['product']}")
    assert (first.status_code, second.status_code) == (200, 200)
    assert "Copper kettle" in first.get_data(as_text=True)
    assert seen["reader"] == [] and seen["primary"]
    [warning] = lines  # once: the second page didn't try the replica again
    assert warning["level"] == "WARNING" and "read replica unavailable" in warning["message"]
    with other.app_context():
        for engine in db.engines.values():
            engine.dispose()


def test_health_reports_the_replica_without_failing_for_it(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    for replica, state in ((url, "ok"), ("postgresql://postgres@127.0.0.1:1/nowhere", "unreachable")):
        other = create_app(make_test_config(url, DATABASE_REPLICA_URL=replica))
        response = other.test_client().get("/health")
        assert response.status_code == 200  # the storefront falls back to the primary
        assert response.get_json() == {"status": "ok", "version": other.config["APP_VERSION"], "database": "ok",
                                       "replica": state}
        with other.app_context():
            for engine in db.engines.values():
                engine.dispose()
