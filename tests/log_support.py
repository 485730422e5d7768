"""Reading what the app logs, in tests."""
import io
import json
import logging
from contextlib import contextmanager

from marketplace.web import JsonFormatter
from tests.jobs_support import enable_app_loggers


@contextmanager
def json_log(logger_name: str = "marketplace"):
    """The app's JSON log lines (its real formatter), parsed."""
    enable_app_loggers()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())
