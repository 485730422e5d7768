"""Browser journeys: a live server in a thread, its own database, headless Chromium.

The server runs in this process, so a test can read the memory SMS outbox to
learn an OTP exactly as a user would read their phone.
"""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from marketplace import create_app
from tests import database
from tests.conftest import make_test_config

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def chromium_executable() -> str | None:
    """The system Chromium (or CHROMIUM_PATH); None lets Playwright use the one it installed."""
    configured = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if os.path.exists(configured):
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def live_app():
    url = database.fresh_database("_e2e")
    application = create_app(make_test_config(url))
    database.migrate(application)
    return application


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(autouse=True)
def _empty_tables_after(request, live_app):
    yield
    if request.node.get_closest_marker("e2e"):
        database.truncate_all(live_app)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open another independent browser (a second user, or a second tab with the same cookies)."""
    contexts = []

    def open_page(share_with=None):
        context = share_with.context if share_with is not None else browser.new_context(base_url=live_server)
        if share_with is None:
            context.set_default_timeout(10_000)
            contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
