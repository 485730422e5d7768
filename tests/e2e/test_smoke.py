"""The browser loads the site with its vendored assets and no CSP violations."""
import pytest

pytestmark = pytest.mark.e2e


def test_home_page_loads_with_htmx_and_no_console_errors(page, live_app):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/")
    assert page.title().endswith(live_app.config["SITE_NAME"])
    assert page.evaluate("typeof window.htmx") == "object"
    assert errors == []
