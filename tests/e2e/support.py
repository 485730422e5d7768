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
    """The page's console errors, collected as they happen (a journey asserts there are none)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors
