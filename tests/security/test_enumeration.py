"""User enumeration: which answers can tell whether an account exists.

forgot-password and reset-password answer an unknown contact exactly like a known one
(status, body, flash) and go through the same code path (not timed: the same service call
runs either way, only the message delivery differs, after the answer is built). Login
answers every wrong combination alike. Register does say "an account with this email
already exists": SPEC's sign-up needs it (a person must learn to log in instead), and the
register rate limit bounds what it leaks (SECURITY.md, "Trade-offs").
"""
import pytest

from marketplace.models import UserStatus
from marketplace.services import accounts
from tests.factories import PASSWORD, make_user
from tests.security.support import client_for


@pytest.fixture
def people():
    known = make_user(email="known@example.com", phone="+84901230001")
    make_user(email="suspended@example.com", status=UserStatus.SUSPENDED)
    return known


@pytest.fixture
def spy(monkeypatch):
    calls = []
    real = accounts.forgot_password

    def recording(contact):
        calls.append(contact.value)
        return real(contact)

    monkeypatch.setattr(accounts, "forgot_password", recording)
    return calls


def flashes_of(client) -> list:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


CONTACTS = ["known@example.com", "nobody@example.com", "suspended@example.com"]


def test_forgot_password_html_answers_the_same_for_every_contact(app, people, spy, sent_messages):
    answers = []
    for contact in CONTACTS:
        client = client_for(app, None)
        response = client.post("/account/forgot-password", data={"contact": contact})
        answers.append((response.status_code, response.headers["Location"].replace("%40", "@").replace(contact, "C"),
                        [(kind, text.replace(contact, "C")) for kind, text in flashes_of(client)]))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 302
    assert spy == CONTACTS  # the same service call for each: no early exit in the view
    assert [m.to for m in sent_messages.messages] == ["known@example.com"]  # only the real account gets a code


def test_forgot_password_api_answers_the_same_even_within_the_resend_cooldown(app, people, spy):
    client = client_for(app, None)
    bodies = set()
    for contact in CONTACTS + ["known@example.com", "+84901230001", "+84901239999"]:
        key = "phone" if contact.startswith("+") else "email"
        response = client.post("/api/v1/auth/forgot-password", json={key: contact})
        assert response.status_code == 202
        bodies.add(response.get_data(as_text=True))
    assert len(bodies) == 1
    assert len(spy) == 6


def test_reset_password_does_not_tell_an_account_without_a_code_from_no_account(app, people):
    client = client_for(app, None)
    answers = []
    for contact in ("known@example.com", "nobody@example.com", "suspended@example.com"):
        response = client.post("/api/v1/auth/reset-password",
                               json={"email": contact, "code": "123456", "new_password": "brand new pass 1"})
        answers.append((response.status_code, response.get_json()))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 422 and answers[0][1]["error"]["code"] == "otp_invalid"


def test_login_answers_every_wrong_combination_alike(app, people):
    client = client_for(app, None)
    answers = set()
    for login, password in (("known@example.com", "wrong password"), ("nobody@example.com", "wrong password"),
                            ("+84901230001", "wrong password"), ("not a contact", PASSWORD)):
        response = client.post("/api/v1/auth/login", json={"login": login, "password": password})
        answers.add((response.status_code, response.get_data(as_text=True)))
    assert len(answers) == 1 and next(iter(answers))[0] == 401


def test_register_reveals_an_existing_account_only_by_the_documented_uniqueness_error(app, people):
    client = client_for(app, None)
    taken = client.post("/api/v1/auth/register",
                        json={"email": "known@example.com", "password": "long enough 1", "full_name": "Someone"})
    suspended = client.post("/api/v1/auth/register",
                            json={"email": "suspended@example.com", "password": "long enough 1", "full_name": "X"})
    assert taken.status_code == suspended.status_code == 422
    error = taken.get_json()["error"]
    assert error["code"] == "duplicate_account" and set(error["fields"]) == {"email"}
    # the same words whatever the account's state: nothing about its name, verification or suspension
    assert taken.get_json() == suspended.get_json()
    assert "Test User" not in taken.get_data(as_text=True)
