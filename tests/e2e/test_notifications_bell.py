"""The navbar bell in a browser: the poll refreshes only the unread badge, so a dropdown the user
is reading stays open; the menu's items load when it opens; without JavaScript the bell is a link."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.services.accounts.notifications import notify
from tests.e2e.support import log_in
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e


def _user_with_news(live_app) -> tuple[str, object]:
    with live_app.app_context():
        user = make_user(full_name="Phạm Thu Hà")
        notify(user.id, "order.shipped", "Parcel one is on its way", link="/orders")
        db.session.commit()
        return user.email, user.id


def _news(live_app, user_id, title: str) -> None:
    with live_app.app_context():
        notify(user_id, "order.shipped", title, link="/orders")
        db.session.commit()


@pytest.fixture
def fast_poll(live_app):
    """The bell polls every second instead of every 30 (NOTIFICATIONS_POLL_SECONDS, read per page)."""
    default, live_app.config["NOTIFICATIONS_POLL_SECONDS"] = live_app.config["NOTIFICATIONS_POLL_SECONDS"], 1
    yield
    live_app.config["NOTIFICATIONS_POLL_SECONDS"] = default


def test_an_open_menu_stays_open_across_polls_while_the_badge_updates(page, live_app, fast_poll):
    email, user_id = _user_with_news(live_app)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    log_in(page, email)
    badge = page.locator("#notifications-unread")
    expect(badge).to_have_text("1")

    toggle, menu = page.locator("#notifications-toggle"), page.locator("#notifications-menu")
    toggle.click()
    expect(menu).to_be_visible()
    expect(menu).to_contain_text("Parcel one is on its way")

    # News arrives while the user reads the menu: the next poll updates the badge only.
    _news(live_app, user_id, "Parcel two is on its way")
    expect(badge).to_have_text("2")
    for _ in range(2):  # and more polls come and go while it is open
        with page.expect_request(lambda request: "/notifications/badge" in request.url):
            pass
    expect(menu).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_contain_text("Parcel one is on its way")

    # Opening the menu again loads the latest items.
    toggle.click()
    expect(menu).to_be_hidden()
    toggle.click()
    expect(menu).to_contain_text("Parcel two is on its way")

    # "Mark all read" inside the menu: the menu stays open, the badge goes away.
    menu.get_by_role("button", name="Mark all read").click()
    expect(badge).to_have_count(0)
    expect(menu).to_be_visible()
    expect(menu.get_by_role("button", name="Mark all read")).to_have_count(0)
    assert errors == []


def test_without_javascript_the_bell_is_a_link_to_the_notifications_page(browser, live_server, live_app):
    email, _ = _user_with_news(live_app)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/account/login")
        page.fill("#login", email)
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.locator("#notifications-toggle").click()
        expect(page).to_have_url(re.compile(r"/notifications$"))
        expect(page.locator("#notifications")).to_contain_text("Parcel one is on its way")
    finally:
        context.close()
