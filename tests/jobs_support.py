"""Shared by the job tests: a clean Redis db 15, an in-process worker and a failing SMS provider."""
import logging
import os
import signal
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from redis import Redis
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from marketplace import jobs
from tests.database import for_this_worker
from tests.redis_support import empty_redis

REDIS_TEST_URL = for_this_worker(os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15"))


def enable_app_loggers() -> None:
    """Alembic's env.py runs logging.fileConfig(), which disables every logger that existed
    before it: after the session's migration the "marketplace.*" loggers are mute in tests."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if name.startswith("marketplace") and isinstance(logger, logging.Logger):
            logger.disabled = False


@pytest.fixture
def redis_conn():
    """Redis db 15, flushed before and after (the job tests own this database)."""
    conn = empty_redis(REDIS_TEST_URL, "the job tests")
    yield conn
    conn.flushdb()
    conn.close()


@pytest.fixture
def queued(app, redis_conn, monkeypatch):
    """The test app with REDIS_URL pointing at db 15: send_sms/send_email now enqueue."""
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_TEST_URL)
    app.extensions.pop("marketplace_jobs_redis", None)
    with app.app_context():
        yield app
    app.extensions.pop("marketplace_jobs_redis", None)


def work_queue(conn: Redis) -> None:
    """Run every queued job in this process (so the memory outbox and app config are shared)."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        SimpleWorker([jobs.QUEUE_NAME], connection=conn, serializer=JSONSerializer).work(burst=True)
    finally:  # RQ installs its own handlers; Ctrl-C must stay pytest's
        for sig, handler in saved.items():
            signal.signal(sig, handler)


class FakeProvider:
    """An SMS provider on a loopback port: answers `status` and keeps every payload it got."""

    def __init__(self, status: int = 500):
        self.status = status
        self.payloads: list[bytes] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                provider.payloads.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(provider.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"


@contextmanager
def fake_provider(status: int = 500):
    provider = FakeProvider(status)
    thread = threading.Thread(target=provider.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        provider.server.shutdown()
        provider.server.server_close()
