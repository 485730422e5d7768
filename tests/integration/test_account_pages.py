"""Account web pages: register, verify, log in and out, forgot and reset the password."""
import re
from unittest import mock

import pytest
from flask import session as flask_session
from sqlalchemy import select, text

from marketplace.extensions import db
from marketplace.models import OtpCode, Role, User
from marketplace.services.accounts import accounts, login_sessions
from marketplace.services.admin import suspensions
from marketplace.web import sessions
from tests.conftest import otp_from
from tests.factories import PASSWORD
from tests.factories import make_user as _make_user

GOOD_PASSWORD = "s3cret-enough"


def make_user(**fields) -> User:
    """A committed user: the request's rollback of a refused form must not undo the test's setup."""
    user = _make_user(**fields)
    db.session.commit()
    return user


def post_login(client, login_name, password=PASSWORD, **extra):
    return client.post("/account/login", data={"login": login_name, "password": password, **extra})


def register(client, contact="0912345678", password=GOOD_PASSWORD, full_name="Lê Hoa"):
    return client.post("/account/register", data={"contact": contact, "password": password, "full_name": full_name})


def user_by(**where) -> User:
    column, value = next(iter(where.items()))
    return db.session.scalar(select(User).where(getattr(User, column) == value)
                             .execution_options(populate_existing=True))


def html(response) -> str:
    return response.get_data(as_text=True)


# --- register -------------------------------------------------------------------------------------

def test_register_page_renders(client):
    page = client.get("/account/register")
    assert page.status_code == 200
    assert 'name="contact"' in html(page) and 'name="csrf_token"' in html(page)


def test_register_by_phone_logs_in_unverified_and_goes_to_verify(client, sent_messages):
    response = register(client, "0912 345 678")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/verify")
    user = user_by(phone="+84912345678")
    assert user.is_verified is False
    assert otp_from(sent_messages.last_to("+84912345678").body)
    page = client.get("/account/verify")
    assert page.status_code == 200
    body = html(page)
    assert "+849•••••678" in body and "+84912345678" not in body  # masked destination
    assert 'data-cooldown="' in body and "You can ask for a new code in" in body
    home = html(client.get("/"))
    assert "Verify your account" in home and "Lê Hoa" in home


@pytest.mark.parametrize("contact, field_error", [
    ("12345", "not a valid phone number"),
    ("someone@", "not a valid email"),
])
def test_register_with_bad_contact_is_422_with_inline_error(client, contact, field_error):
    response = register(client, contact)
    assert response.status_code == 422
    body = html(response)
    assert field_error in body and "is-invalid" in body and 'id="contact-error"' in body
    assert 'value="Lê Hoa"' in body  # what was typed is kept


def test_register_duplicate_account_is_refused(client):
    make_user(email="dupe@example.com")
    response = register(client, "DUPE@example.com")
    assert response.status_code == 422
    assert "already exists" in html(response)
    assert db.session.scalar(select(db.func.count()).select_from(User).where(User.email == "dupe@example.com")) == 1


def test_register_weak_password_is_refused(client):
    response = register(client, "weak@example.com", password="12345678")
    assert response.status_code == 422
    assert "not only digits" in html(response)
    assert user_by(email="weak@example.com") is None


def test_register_without_csrf_token_is_400(client):
    response = client.post("/account/register", data={"contact": "x@example.com", "password": GOOD_PASSWORD,
                                                      "full_name": "X"}, csrf=False)
    assert response.status_code == 400
    assert user_by(email="x@example.com") is None


# --- verify ---------------------------------------------------------------------------------------

def _registered(client, sent_messages, contact="verify.me@example.com"):
    register(client, contact)
    return otp_from(sent_messages.last_to(contact).body)


def test_verify_with_the_right_code(client, sent_messages):
    code = _registered(client, sent_messages)
    response = client.post("/account/verify", data={"code": code})
    assert response.status_code == 302
    assert user_by(email="verify.me@example.com").is_verified is True
    assert "Verify your account" not in html(client.get("/"))


def test_verify_honours_a_local_next_only(client, sent_messages):
    code = _registered(client, sent_messages)
    response = client.post("/account/verify?next=https://evil.example/x", data={"code": code})
    assert response.headers["Location"] == "/"
    other = make_user(is_verified=False)
    client.post("/account/logout")
    post_login(client, other.email)
    accounts.send_verification(other)
    db.session.commit()
    code = otp_from(sent_messages.last_to(other.email).body)
    response = client.post("/account/verify?next=/account/addresses", data={"code": code})
    assert response.headers["Location"] == "/account/addresses"


def test_wrong_code_six_times(client, sent_messages):
    code = _registered(client, sent_messages)
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(1, 6):
        response = client.post("/account/verify", data={"code": wrong})
        assert response.status_code == 422
        assert (f"{5 - attempt} tr" in html(response)) == (attempt < 5)
    response = client.post("/account/verify", data={"code": code})
    assert response.status_code == 422
    assert "Ask for a new one" in html(response)
    assert user_by(email="verify.me@example.com").is_verified is False
    assert code not in html(response)


def test_expired_code_is_refused(client, sent_messages):
    code = _registered(client, sent_messages)
    db.session.execute(text("UPDATE otp_codes SET expires_at = now() - interval '1 second'"))
    response = client.post("/account/verify", data={"code": code})
    assert response.status_code == 422 and "expired" in html(response)
    assert "Send me a code" in html(client.get("/account/verify"))


def test_malformed_code_is_a_form_error(client, sent_messages):
    _registered(client, sent_messages)
    response = client.post("/account/verify", data={"code": "12ab"})
    assert response.status_code == 422 and "6 digits" in html(response)


def test_verify_needs_login(client):
    response = client.get("/account/verify")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_resend_waits_for_the_cooldown_then_sends(client, sent_messages):
    _registered(client, sent_messages, "resend@example.com")
    response = client.post("/account/verify/resend", data={"purpose": "verify"}, follow_redirects=True)
    assert re.search(r"Wait \d+ seconds", html(response))
    assert len([m for m in sent_messages.messages if m.to == "resend@example.com"]) == 1
    db.session.execute(text("UPDATE otp_codes SET sent_at = sent_at - interval '61 seconds'"))
    response = client.post("/account/verify/resend", data={"purpose": "verify"}, follow_redirects=True)
    assert "We sent a new code" in html(response)
    assert len([m for m in sent_messages.messages if m.to == "resend@example.com"]) == 2
    for message in sent_messages.messages:
        assert otp_from(message.body) not in html(response)


def test_verified_user_on_verify_page_is_sent_on(client):
    user = make_user()
    post_login(client, user.email)
    response = client.get("/account/verify")
    assert response.status_code == 302


# --- login / logout -------------------------------------------------------------------------------

def test_login_page_renders_and_keeps_local_next(client):
    page = client.get("/account/login?next=/account/addresses")
    assert page.status_code == 200 and 'value="/account/addresses"' in html(page)
    page = client.get("/account/login?next=//evil.example/")
    assert "evil.example" not in html(page)


def test_login_by_email_and_by_phone(client):
    user = make_user(email="in@example.com", phone="+84905555666")
    response = post_login(client, "IN@example.com")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert user.full_name in html(client.get("/"))
    assert user_by(email="in@example.com").last_login_at is not None
    client.post("/account/logout")
    response = post_login(client, "0905 555 666")
    assert response.status_code == 302


def test_wrong_password_and_unknown_login_are_422_with_one_message(client):
    make_user(email="known@example.com")
    first = post_login(client, "known@example.com", "wrong password")
    second = post_login(client, "nobody@example.com")
    assert first.status_code == second.status_code == 422
    message = "That phone/email and password don&#39;t match an account."
    assert message in html(first) and message in html(second)


def test_suspended_user_is_refused_with_a_clear_message(client):
    user = make_user()
    suspensions.suspend_user(make_user(role=Role.ADMIN), user, "Fraud")
    response = post_login(client, user.email)
    assert response.status_code == 422
    assert "suspended" in html(response) and "Fraud" in html(response)


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "http:/evil.example", "javascript:alert(1)",
])
def test_open_redirect_through_next_is_refused(client, target):
    user = make_user()
    response = post_login(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_local_next_is_honoured(client):
    user = make_user()
    response = post_login(client, user.email, next="/account/addresses?x=1")
    assert response.headers["Location"] == "/account/addresses?x=1"


def test_login_rotates_the_session_but_keeps_the_guest_cart(client):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by attacker"
        session["guest_cart"] = {"variant-1": 2}
        session["csrf_token"] = "fixed-raw-token"
    seen = {}
    real_login_user = sessions.login_user

    def spying_login_user(user, **kwargs):
        # the cart area merges the guest cart during login_user (user_logged_in signal)
        seen["guest_cart"] = flask_session.get("guest_cart")
        seen["planted"] = flask_session.get("planted")
        return real_login_user(user, **kwargs)

    with mock.patch.object(sessions, "login_user", spying_login_user):
        response = post_login(client, user.email)
    assert response.status_code == 302
    assert seen == {"guest_cart": {"variant-1": 2}, "planted": None}
    with client.session_transaction() as session:
        assert "planted" not in session
        assert login_sessions.signed_in_user(session["_user_id"]) == user
        assert session.get("csrf_token") != "fixed-raw-token"


def test_remember_me_sets_a_remember_cookie(client):
    user = make_user()
    post_login(client, user.email, remember="y")
    assert client.get_cookie("remember_token") is not None
    client.post("/account/logout")
    assert client.get_cookie("remember_token") is None or client.get_cookie("remember_token").value == ""


def test_login_without_csrf_is_400(client):
    user = make_user()
    response = client.post("/account/login", data={"login": user.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400


def test_logout_is_post_only(client):
    user = make_user()
    post_login(client, user.email)
    assert client.get("/account/logout").status_code == 405
    assert client.post("/account/logout", csrf=False).status_code == 400
    response = client.post("/account/logout")
    assert response.status_code == 302
    assert client.get("/account/profile").status_code == 302  # logged out


def test_nav_shows_log_in_for_guests_and_a_menu_for_users(client):
    guest = html(client.get("/"))
    assert "/account/login" in guest and "/account/register" in guest
    admin = make_user(role=Role.ADMIN, full_name="Chief Admin")
    post_login(client, admin.email)
    page = html(client.get("/"))
    assert "Chief Admin" in page and "/account/profile" in page and "/account/addresses" in page
    assert 'action="/account/logout"' in page
    assert "Verify your account" not in page


@pytest.mark.parametrize("role, endpoint, label", [
    (Role.SELLER, "seller.list_products", "Seller Center"),
    (Role.BUYER, "seller.register_shop", "Open a shop"),
])
def test_nav_links_to_the_seller_area_by_role(app, client, role, endpoint, label):
    user = make_user(role=role)
    post_login(client, user.email)
    page = html(client.get("/"))
    assert (label in page) == (endpoint in app.view_functions)
    other = "Open a shop" if label == "Seller Center" else "Seller Center"
    assert other not in page
    assert "Admin</a>" not in page


def test_verify_page_without_a_live_code_offers_to_send_one(client, sent_messages):
    user = make_user(is_verified=False, email="nocode@example.com")
    post_login(client, user.email)
    page = html(client.get("/account/verify"))
    assert "Send me a code" in page and 'data-cooldown="0"' in page and "disabled" not in page.split("data-resend-form")[1].split("</form>")[0]
    client.post("/account/verify/resend", data={"purpose": "verify"})
    assert otp_from(sent_messages.last_to("nocode@example.com").body)


def test_suspension_ends_an_open_session_on_the_next_request(client):
    user = make_user()
    post_login(client, user.email)
    assert client.get("/account/profile").status_code == 200
    suspensions.suspend_user(make_user(role=Role.ADMIN), user, "Spam")
    db.session.commit()
    response = client.get("/account/profile")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


# --- forgot / reset -------------------------------------------------------------------------------

def ask_reset_code(client, contact: str):
    """forgot-password, then close the answer: its code is sent only once the server has sent the page."""
    response = client.post("/account/forgot-password", data={"contact": contact})
    response.close()
    return response


def test_forgot_password_answers_the_same_for_unknown_accounts(client, sent_messages):
    make_user(email="real@example.com")
    real = ask_reset_code(client, "real@example.com")
    ghost = ask_reset_code(client, "ghost@example.com")
    assert real.status_code == ghost.status_code == 302
    assert real.headers["Location"].split("?")[0] == ghost.headers["Location"].split("?")[0] == "/account/reset-password"
    assert [m.to for m in sent_messages.messages] == ["real@example.com"]
    page = client.get(real.headers["Location"])
    assert 'value="real@example.com"' in html(page)


def test_forgot_password_with_invalid_phone_is_422(client):
    response = client.post("/account/forgot-password", data={"contact": "12"})
    assert response.status_code == 422 and "not a valid phone number" in html(response)


def test_reset_password_logs_this_browser_in_and_ends_other_sessions(app, client, sent_messages):
    user = make_user(email="reset.me@example.com")
    other_browser = app.test_client()
    post_login(other_browser, user.email)
    assert other_browser.get("/account/profile").status_code == 200

    ask_reset_code(client, user.email)
    code = otp_from(sent_messages.last_to(user.email).body)
    bad = client.post("/account/reset-password", data={
        "contact": user.email, "code": code, "new_password": "new password 1", "confirm_password": "different"})
    assert bad.status_code == 422 and "differ" in html(bad)
    response = client.post("/account/reset-password", data={
        "contact": user.email, "code": code, "new_password": "new password 1", "confirm_password": "new password 1"})
    assert response.status_code == 302
    assert client.get("/account/profile").status_code == 200  # this browser: logged in again
    assert other_browser.get("/account/profile").status_code == 302  # the other one: logged out
    assert post_login(client, user.email, "new password 1").status_code == 302


def test_reset_with_wrong_code_counts_tries(client, sent_messages):
    user = make_user(email="tries@example.com")
    ask_reset_code(client, user.email)
    code = otp_from(sent_messages.last_to(user.email).body)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/account/reset-password", data={
        "contact": user.email, "code": wrong, "new_password": "new password 1", "confirm_password": "new password 1"})
    # no tries-left counter here: an unknown contact gets this very page (tests/security/test_enumeration.py)
    assert response.status_code == 422 and "wrong or no longer valid" in html(response)
    assert "5 minutes and 5 tries" in html(response) and "tries left" not in html(response)
    assert db.session.scalar(select(OtpCode.attempts).where(OtpCode.user_id == user.id)) == 1
