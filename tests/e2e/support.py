"""What the browser journeys share: logging in through the form, and collecting console errors."""
import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(page, login: str) -> None:
    """Log in through the login form (every test account has the factories' password)."""
    page.goto("/account/login")
    page.get_by_label("Phone number or email").fill(login)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("log in", re.I)).click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/account/login"))


def watch_console(page) -> list[str]:
    """The page's console errors, collected as they happen (a journey asserts there are none).

    One thing htmx logs as an error is not one: a request the browser cancels because the shopper
    moved on (pressing Enter in the search box while its suggestions are being fetched navigates
    away). htmx reports it as `htmx:afterRequest` then `htmx:sendAbort`; that pair is left out.
    Any other failed request (a 4xx/5xx, a network error) is still collected.
    """
    errors: list[str] = []

    def collect(message) -> None:
        if message.type != "error":
            return
        if message.text.startswith("htmx:sendAbort"):
            if errors and errors[-1].startswith("htmx:afterRequest"):
                errors.pop()
            return
        errors.append(message.text)

    page.on("console", collect)
    return errors
