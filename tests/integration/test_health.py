"""/health answers a load balancer quickly whatever state the database is in.

It reads what every page reads first (`cache_versions`) on a connection of its own, with a
statement and lock timeout (HEALTH_TIMEOUT) and a connect timeout: a frozen database is a
503 "timeout" within about two seconds, not a check that hangs; an exhausted pool doesn't
make it wait. The wall-clock bounds below are deliberately generous.
"""
import time

import psycopg2
import pytest
from sqlalchemy.engine import make_url

from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import make_test_config
from tests.redis_support import silent_redis

SLOW = 3.0  # HEALTH_TIMEOUT is 1 s and connecting gives up after 2 s: "about two seconds"


def get_health(app):
    started = time.monotonic()
    response = app.test_client().get("/health")
    return response, time.monotonic() - started


@pytest.fixture
def other_app(app):
    """Build apps of their own (another database URL, another pool), disposed of afterwards."""
    made = []

    def build(**settings):
        url = settings.pop("SQLALCHEMY_DATABASE_URI", app.config["SQLALCHEMY_DATABASE_URI"])
        made.append(create_app(make_test_config(url, **settings)))
        return made[-1]

    yield build
    for other in made:
        with other.app_context():
            for engine in db.engines.values():
                engine.dispose()


def test_a_frozen_database_is_a_quick_503_timeout(app):
    """A stuck migration holds an ACCESS EXCLUSIVE lock on the table every page reads first."""
    # libpq's own form of the URL (the embedded server's names a socket directory: ?host=...)
    locker = psycopg2.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
                              .render_as_string(hide_password=False))
    try:
        with locker.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
            cursor.execute("LOCK TABLE cache_versions IN ACCESS EXCLUSIVE MODE")
            response, seconds = get_health(app)
    finally:
        locker.rollback()
        locker.close()
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "version": app.config["APP_VERSION"], "database": "timeout"}
    assert seconds < SLOW and app.config["HEALTH_TIMEOUT"] == 1
    assert get_health(app)[0].status_code == 200  # the lock is gone


def test_a_database_that_accepts_and_never_answers_is_a_503_timeout(other_app):
    """A paused server: the TCP connection opens, the handshake never completes."""
    with silent_redis() as server:
        paused = other_app(SQLALCHEMY_DATABASE_URI=f"postgresql://postgres@127.0.0.1:{server.port}/marketplace")
        response, seconds = get_health(paused)
    assert (response.status_code, response.get_json()["database"]) == (503, "timeout")
    assert seconds < SLOW


def test_a_database_that_is_down_is_a_503_unreachable(other_app):
    down = other_app(SQLALCHEMY_DATABASE_URI="postgresql://postgres@127.0.0.1:1/nowhere")
    response, _ = get_health(down)
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "version": down.config["APP_VERSION"],
                                   "database": "unreachable"}


def test_a_database_without_the_schema_is_a_503_error(app, other_app):
    """It answers, but the migrations never ran there: not "unreachable", which would send
    an operator looking at the network."""
    bare = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(database="postgres")
    response, _ = get_health(other_app(SQLALCHEMY_DATABASE_URI=bare.render_as_string(hide_password=False)))
    assert (response.status_code, response.get_json()["database"]) == (503, "error")


def test_an_exhausted_pool_does_not_make_the_check_wait(committed_app, other_app):
    """committed_app: the app's own sessions and pools, not the test's connection."""
    busy = other_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 10})
    with busy.app_context():
        held = db.engine.connect()  # every connection of the pool is out, serving slow requests
        try:
            response, seconds = get_health(busy)
        finally:
            held.close()
    assert response.status_code == 200 and seconds < SLOW


def test_a_frozen_replica_is_reported_without_failing_the_check(other_app):
    with silent_redis() as server:
        paused = other_app(DATABASE_REPLICA_URL=f"postgresql://postgres@127.0.0.1:{server.port}/replica")
        response, seconds = get_health(paused)
    assert response.status_code == 200
    assert response.get_json()["replica"] == "unreachable" and seconds < SLOW
