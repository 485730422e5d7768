"""The marketplace keeps selling when Redis is gone: refusing connections, or hanging.

Each test runs with production's use of Redis (rate limits stored in Redis, jobs queued
on it, pages shared through it), pointed at a Redis that refuses connections (nothing
listens) and at one that accepts them and never answers (tests/redis_support.py). Pages,
search, login and the API answer normally and within the configured timeouts, limits still
hold per process, messages go out inline after the commit, the page cache rests, and
/health says which Redis is missing without failing for it.
"""
import time

import pytest
from redis import Redis
from redis.exceptions import TimeoutError as RedisTimeout
from sqlalchemy import text

from marketplace import jobs, messaging
from marketplace.extensions import db, limiter
from marketplace.services.core.effects import after_commit
from marketplace.web import page_cache
from tests.factories import make_product
from tests.integration.test_page_cache import committed_looking
from tests.jobs_support import REDIS_TEST_URL
from tests.limiter_support import limited_app
from tests.redis_support import REFUSING_REDIS, empty_redis, silent_redis

# A generous bound for a request facing a hanging Redis: with the default 0.5 s timeouts it
# takes about 1 s the first time (the limiter's call, then its health check), and without
# timeouts it would hang for good.
SLOW = 3.0


@pytest.fixture(params=["refusing", "hanging"])
def dead_redis(request):
    if request.param == "refusing":
        yield REFUSING_REDIS
    else:
        with silent_redis() as server:
            yield server.url


def redis_everywhere(url: str, **limits) -> dict:
    """Production's settings, every Redis at `url`."""
    return {"RATELIMIT_STORAGE_URI": url, "REDIS_URL": url, "PAGE_CACHE_REDIS_URL": url,
            "RATELIMIT_LOGIN": "3 per minute", "RATELIMIT_SEARCH": "100 per minute",
            "RATELIMIT_API": "100 per minute", **limits}


@pytest.fixture
def outage(app, dead_redis):
    with limited_app(app, **redis_everywhere(dead_redis)) as limited:
        yield limited


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


LOGIN = {"login": "nobody@example.com", "password": "wrong pass 1"}


def test_pages_search_login_and_the_api_answer_without_redis(outage):
    make_product(title="Copper kettle")
    client = outage.test_client()
    for what, call, status in [
        ("login", lambda: client.post("/account/login", data=LOGIN), 422),
        ("csrf", lambda: client.get("/api/v1/auth/csrf"), 200),
        ("search", lambda: client.get("/search?q=kettle"), 200),
        ("home", lambda: client.get("/"), 200),
        ("api search", lambda: client.get("/api/v1/products/search?q=kettle"), 200),
        ("api login", lambda: client.post("/api/v1/auth/login", json=LOGIN), 401),
    ]:
        response, seconds = timed(call)
        assert response.status_code == status, f"{what}: {response.status_code}"
        assert seconds < SLOW, f"{what} took {seconds:.1f} s"
    assert "Copper kettle" in client.get("/search?q=kettle").get_data(as_text=True)


def test_every_redis_client_gives_up_quickly(outage):
    config = outage.config
    expected = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    assert (config["REDIS_SOCKET_CONNECT_TIMEOUT"], config["REDIS_SOCKET_TIMEOUT"]) == (0.5, 0.5)
    with outage.test_request_context():
        clients = {"rate limits": limiter.storage.get_connection(), "jobs": jobs.redis_connection(),
                   "page cache": page_cache._shared()}
    for what, client in clients.items():
        options = client.connection_pool.connection_kwargs
        assert {name: options.get(name) for name in expected} == expected, what


def test_limits_still_hold_per_process_while_redis_is_down(outage):
    client = outage.test_client()
    for _ in range(3):
        assert client.post("/account/login", data=LOGIN).status_code == 422
    refused = client.post("/account/login", data=LOGIN)
    assert refused.status_code == 429 and refused.headers["Retry-After"]


def test_the_api_budget_holds_per_process_while_redis_is_down(app, dead_redis):
    with limited_app(app, **redis_everywhere(dead_redis, RATELIMIT_API="3 per minute")) as limited:
        client = limited.test_client()
        assert [client.get("/api/v1/categories").status_code for _ in range(3)] == [200] * 3
        refused = client.get("/api/v1/auth/csrf")
        assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"


def test_health_reports_redis_unreachable_and_stays_200(outage):
    response, seconds = timed(lambda: outage.test_client().get("/health"))
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "version": outage.config["APP_VERSION"], "database": "ok",
                                   "redis": "unreachable"}
    assert seconds < SLOW


def test_health_reports_redis_ok(app):
    empty_redis(REDIS_TEST_URL, "the Redis health test")
    with limited_app(app, **redis_everywhere(REDIS_TEST_URL)) as limited:
        response = limited.test_client().get("/health")
    assert response.status_code == 200 and response.get_json()["redis"] == "ok"


def test_messages_go_out_inline_after_the_commit(app, dead_redis, sent_messages, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", dead_redis)
    app.extensions.pop("marketplace_jobs_redis", None)
    try:
        with app.app_context():
            db.session.execute(text("SELECT 1"))
            after_commit(db.session, messaging.send_sms, "+84900000009", "rolled back")
            db.session.rollback()
            after_commit(db.session, messaging.send_sms, "+84900000009", "Your code is 123456")
            _, seconds = timed(db.session.commit)
            assert sent_messages.last_to("+84900000009").body == "Your code is 123456"
            assert [m.body for m in sent_messages.messages] == ["Your code is 123456"]
            assert seconds < SLOW
            # The queue rests after a failure: the next message doesn't wait for Redis again.
            _, seconds = timed(lambda: messaging.send_sms("+84900000009", "Another"))
            assert seconds < min(app.config["REDIS_SOCKET_TIMEOUT"], 0.2)
    finally:
        app.extensions.pop("marketplace_jobs_redis", None)


def test_the_page_cache_rests_instead_of_waiting_on_every_request(app):
    make_product(title="Steel kettle")
    committed_looking()
    with silent_redis() as server, limited_app(app, PAGE_CACHE_REDIS_URL=server.url) as limited:
        client = limited.test_client()
        first = client.get("/")
        assert (first.status_code, first.headers["X-Cache"]) == (200, "MISS")
        assert server.accepted == 1
        for _ in range(3):
            response, seconds = timed(lambda: client.get("/"))
            assert (response.status_code, response.headers["X-Cache"]) == (200, "HIT")  # this worker's copy
            assert seconds < limited.config["REDIS_SOCKET_TIMEOUT"]
        assert server.accepted == 1, "the shared cache was asked again while resting"


def test_rate_limits_go_back_to_redis_when_it_answers_again(app, monkeypatch):
    shared = empty_redis(REDIS_TEST_URL, "the rate-limit recovery test")
    db_number = shared.connection_pool.connection_kwargs["db"]
    with silent_redis(db_number) as server, \
            limited_app(app, RATELIMIT_STORAGE_URI=server.url, RATELIMIT_LOGIN="100 per minute") as limited:
        client = limited.test_client()
        assert client.post("/account/login", data=LOGIN).status_code == 422  # counted in this process
        assert shared.keys("LIMITS*") == []
        server.forward_to(REDIS_TEST_URL)  # Redis is back
        # Flask-Limiter looks at a dead storage again after 1, 2, 4 ... 32 s; skip the wait.
        monkeypatch.setattr(limiter, "_Limiter__last_check_backend", 0.0)
        assert client.post("/account/login", data=LOGIN).status_code == 422
        assert shared.keys("LIMITS*"), "the count did not go back to Redis"
    shared.flushdb()


def test_the_hanging_redis_really_never_answers():
    """The tests above are not vacuous: a client of the silent server waits out its whole timeout."""
    with silent_redis() as server:
        client = Redis.from_url(server.url, socket_timeout=1.0)
        with pytest.raises(RedisTimeout):
            client.ping()
        assert server.accepted == 1
