"""An app of its own with rate limits on, for the tests that need limits.

`limiter` is ONE Flask-Limiter instance shared by every app of the process, and init_app
overwrites its state (enabled, storage, fallback, the storage's options), so the session
app, built with RATELIMIT_ENABLED=False, would become limited too. `limited_app` snapshots
the instance, builds the app, and puts the instance back afterwards (the storage options
dict is updated in place by init_app, so it is copied as well).
"""
from contextlib import contextmanager

from marketplace import create_app
from marketplace.extensions import db, limiter
from tests.conftest import CsrfClient, make_test_config


@contextmanager
def limited_app(app, **overrides):
    saved = dict(vars(limiter))
    saved_options = dict(limiter._storage_options)
    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", **overrides}
    limited = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], **settings))
    limited.test_client_class = CsrfClient
    try:
        yield limited
    finally:
        vars(limiter).clear()
        vars(limiter).update(saved)
        limiter._storage_options.clear()
        limiter._storage_options.update(saved_options)
        with limited.app_context():
            for engine in db.engines.values():
                engine.dispose()
