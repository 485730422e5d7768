"""A real Redis for the tests that need one: CI must run them (.ci/run starts Redis); a laptop
without Redis skips them, saying why. Also two Redis outages for the tests of how the site
copes: one that refuses connections and one that accepts them and never answers."""
import os
import socket
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from redis import Redis
from redis.exceptions import RedisError


def empty_redis(url: str, needed_by: str) -> Redis:
    """A client of the Redis database at `url`, flushed; fails in CI and skips elsewhere when it doesn't answer."""
    conn = Redis.from_url(url)
    try:
        conn.ping()
    except RedisError as exc:
        message = f"{needed_by} need Redis at {url}: {exc}"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    conn.flushdb()
    return conn


# Nothing listens on port 1: connecting is refused at once, like a Redis that is down.
REFUSING_REDIS = "redis://127.0.0.1:1/0"


class SilentRedis:
    """A Redis that hangs: a loopback server that accepts connections and never answers
    (any other server that hangs too, say a paused PostgreSQL: connect to `port`).

    `forward_to(url)` makes it a relay to a real Redis for connections opened from then on
    (the Redis came back). `accepted` counts the connections clients opened to it.
    """

    def __init__(self, db: int = 0):
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/{db}"
        self.accepted = 0
        self._target: tuple[str, int] | None = None
        self._sockets: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def forward_to(self, url: str) -> None:
        parts = urlsplit(url)
        self._target = (parts.hostname, parts.port or 6379)

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self.accepted += 1
            self._sockets.append(conn)
            if self._target is not None:
                upstream = socket.create_connection(self._target)
                self._sockets.append(upstream)
                for source, sink in ((conn, upstream), (upstream, conn)):
                    threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()

    def close(self) -> None:
        self._stopped.set()
        self._thread.join()
        self._listener.close()
        for sock in self._sockets:
            sock.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass


@contextmanager
def silent_redis(db: int = 0):
    server = SilentRedis(db)
    try:
        yield server
    finally:
        server.close()
