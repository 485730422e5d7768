"""A shopper's account journey in a real browser: register, verify with the SMS code, log out,
log in, build an address book and move the default with the htmx action."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.messaging import outbox
from tests.conftest import otp_from

pytestmark = pytest.mark.e2e

PHONE_TYPED, PHONE = "0912 777 888", "+84912777888"
PASSWORD = "journey-pass-1"


def add_address(page, line1: str, recipient: str) -> None:
    page.goto("/account/addresses/new")
    page.get_by_label("Recipient").fill(recipient)
    page.get_by_label("Phone number").fill("0901 234 567")
    page.locator("#line1").fill(line1)
    page.get_by_label("District").fill("Quận 1")
    page.get_by_label("City").fill("Hồ Chí Minh")
    page.get_by_role("button", name="Save address").click()
    expect(page).to_have_url(re.compile(r"/account/addresses$"))
    expect(page.get_by_text("Address added.")).to_be_visible()


def test_register_verify_login_and_manage_addresses(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # register with a phone number written the local way
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Register").click()
    page.get_by_label("Full name").fill("Đặng Thu Trang")
    page.get_by_label("Phone number or email").fill(PHONE_TYPED)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # the verify page shows where the code went (masked) and a cooldown on "resend"
    expect(page).to_have_url(re.compile(r"/account/verify"))
    expect(page.get_by_test_id("otp-destination")).to_have_text("+849•••••888")
    expect(page.get_by_role("button", name="Send a new code")).to_be_disabled()
    message = outbox.last_to(PHONE)
    assert message is not None and message.channel == "sms"
    code = otp_from(message.body)
    assert code not in page.content()
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("Your account is verified")).to_be_visible()
    expect(page.get_by_test_id("verify-banner")).to_have_count(0)

    # log out from the user menu
    page.locator("#user-menu").click()  # the account menu: a <details> whose summary shows the name
    expect(page.locator("#user-menu")).to_contain_text("Đặng Thu Trang")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()

    # log in again with the international form of the number
    page.get_by_role("banner").get_by_role("link", name="Log in").click()
    page.get_by_label("Phone number or email").fill(PHONE)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Welcome back, Đặng Thu Trang.")).to_be_visible()

    # two addresses: the first becomes the default
    add_address(page, "1 First Street", "Home")
    add_address(page, "2 Second Street", "Office")
    second = page.locator("article", has_text="2 Second Street")
    first = page.locator("article", has_text="1 First Street")
    expect(first.get_by_text("Default", exact=True)).to_be_visible()
    expect(second.get_by_text("Default", exact=True)).to_have_count(0)

    # make the second the default with the htmx action: swapped in place, no page load
    page.evaluate("window.__noReload = true")
    second.get_by_role("button", name="Make default").click()
    expect(page.get_by_text("Default address updated.")).to_be_visible()
    second = page.locator("article", has_text="2 Second Street")
    expect(second.get_by_text("Default", exact=True)).to_be_visible()
    expect(page.locator("article[data-default=true]")).to_have_count(1)
    assert page.evaluate("window.__noReload") is True

    # and it stays so after a reload
    page.reload()
    expect(page.locator("article[data-default=true]")).to_contain_text("2 Second Street")
    assert errors == []
