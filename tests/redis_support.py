"""A real Redis for the tests that need one: CI must run them (.ci/run starts Redis); a laptop
without Redis skips them, saying why."""
import os

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
