"""User enumeration: which answers can tell whether an account exists.

forgot-password and reset-password (page and API) and the API's resend-otp and verify-otp
name an account by its phone or email. For each, an unknown contact and real accounts in
every state (verified, unverified, suspended; a code waiting, used up, expired or none;
within the resend cooldown) get the same answer: status, body (contact and per-request
tokens masked), the headers that matter and the flash. They also do the same work, counted
rather than timed (wall-clock is noise in a test): the same SQL statements (text and
number), the same number of password hashes and code digests, and no message sent before
the answer is out: a real account's code leaves once the server has sent the response, so
a dead Redis or a slow SMS provider can't show in the answer's time. The web verify page
and its resend button need a login: the account is the caller's own, so they keep their
details ("3 tries left", "wait 40 s").

Login answers every wrong combination alike. Register does say "an account with this email
already exists": a person must learn to log in instead; the register rate limit bounds what
it leaks (SECURITY.md, "Known limits").
"""
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

import pytest
from flask import has_request_context
from sqlalchemy import text

from marketplace import messaging
from marketplace.extensions import db
from marketplace.models import OtpPurpose, UserStatus
from marketplace.services.accounts import accounts, otp
from tests.conftest import otp_from
from tests.factories import PASSWORD, make_user
from tests.security.support import client_for

NEW_PASSWORD = "brand new pass 1"
# A signed CSRF token (three base64 parts): differs per session, says nothing about the account.
TOKEN = re.compile(r"[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}")
# Differ per request or per contact, not per account; the session cookie is compared by its
# attributes (its value holds the flash, compared on its own, and the CSRF secret).
VOLATILE_HEADERS = {"Date", "X-Request-ID", "Content-Length", "Set-Cookie"}
# Which column the account is looked up by depends on what was typed, not on the account.
LOOKUP = re.compile(r"users\.(email|phone) = %\((email|phone)_1\)s")


@dataclass
class Work:
    statements: list = field(default_factory=list)
    password_hashes: int = 0
    digests: int = 0
    sends_in_request: int = 0

    def counts(self) -> tuple:
        """The SQL statements themselves (their text: parameters apart), not only how many."""
        statements = tuple(LOOKUP.sub("users.<contact> = <contact>", statement) for statement in self.statements)
        return statements, self.password_hashes, self.digests, self.sends_in_request


@pytest.fixture
def sends(monkeypatch):
    """Every message handed to messaging, with whether a request was still being answered."""
    log = []
    real = messaging.send_to_contact

    def recording(contact, subject, body):
        log.append((contact, has_request_context()))
        real(contact, subject, body)

    monkeypatch.setattr(messaging, "send_to_contact", recording)
    return log


@pytest.fixture
def measure(monkeypatch, count_queries, sends):
    """`with measure() as work:` counts the SQL, bcrypt calls, OTP digests and in-request sends."""
    current = [Work()]  # the wrappers count into the last one

    def counting(function, attribute):
        def counted(*args, **kwargs):
            setattr(current[-1], attribute, getattr(current[-1], attribute) + 1)
            return function(*args, **kwargs)

        return counted

    for name in ("hash_password", "verify_password"):
        monkeypatch.setattr(accounts, name, counting(getattr(accounts, name), "password_hashes"))
    monkeypatch.setattr(otp, "_digest", counting(otp._digest, "digests"))

    @contextmanager
    def measuring():
        work = Work()
        current.append(work)
        before = len(sends)
        try:
            with count_queries() as statements:
                yield work
        finally:
            current.pop()
        work.statements = statements
        work.sends_in_request = sum(in_request for _, in_request in sends[before:])

    return measuring


def normalised(response, contact: str) -> tuple:
    """Status, body and the headers that matter, with the contact and per-request tokens masked."""

    def mask(value: str) -> str:
        for form in sorted({contact, quote(contact, safe=""), quote_plus(contact)}, key=len, reverse=True):
            value = value.replace(form, "CONTACT")
        return TOKEN.sub("TOKEN", value)

    headers = sorted((name, mask(value)) for name, value in response.headers.items() if name not in VOLATILE_HEADERS)
    cookies = sorted(value.split("=", 1)[0] + ";" + value.split(";", 1)[-1]
                     for value in response.headers.getlist("Set-Cookie"))
    return response.status_code, mask(response.get_data(as_text=True)), headers, cookies


def flashes_of(client, contact: str) -> list:
    with client.session_transaction() as session:
        return [(kind, message.replace(contact, "CONTACT")) for kind, message in session.get("_flashes", [])]


def ask(app, measure, face: str, path: str, contact: str, **fields):
    """One request from a fresh client, as the page or the API sends it; its answer and its work."""
    client = client_for(app, None)
    key = "phone" if contact.startswith("+") else "email"
    with measure() as work:
        if face == "api":
            response = client.post(f"/api/v1/auth/{path}", json={key: contact, **fields})
        else:
            response = client.post(f"/account/{path}", data={"contact": contact, **fields})
    answer = (*normalised(response, contact), flashes_of(client, contact) if face == "html" else None)
    return answer, work, response


def assert_all_alike(results: dict) -> None:
    """Every contact got the first one's answer after the same amount of work."""
    (first, (answer, work)), *others = results.items()
    for name, (other_answer, other_work) in others:
        assert other_answer == answer, f"{name} is answered differently from {first}"
        assert other_work.counts() == work.counts(), (
            f"{name} does other work than {first}: {other_work.counts()} vs {work.counts()} "
            "(statements, password hashes, digests, sends in the request)")


# --- the accounts ---------------------------------------------------------------------------------

@pytest.fixture
def people():
    """Real accounts in the states an attacker might probe; "nobody@example.com" has none."""
    return {
        "verified": make_user(email="verified@example.com", phone="+84901230001"),
        "unverified": make_user(email="unverified@example.com", is_verified=False),
        "suspended": make_user(email="suspended@example.com", status=UserStatus.SUSPENDED, is_verified=False),
    }


def live_code(user, purpose: OtpPurpose, sent_messages, *, attempts: int = 0, expired: bool = False) -> str:
    """Give `user` a code of `purpose`, sent a moment ago, with `attempts` tries spent; return it."""
    otp.issue_code(user, purpose, user.email)
    db.session.commit()  # no request here: the message leaves at the commit
    code = otp_from(sent_messages.last_to(user.email).body)
    db.session.execute(text(
        "UPDATE otp_codes SET attempts = :attempts, "
        "expires_at = CASE WHEN :expired THEN now() - interval '1 minute' ELSE expires_at END "
        "WHERE user_id = :user AND purpose = :purpose"),
        {"attempts": attempts, "expired": expired, "user": user.id, "purpose": purpose.value})
    sent_messages.clear()
    return code


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# --- forgot-password ------------------------------------------------------------------------------

@pytest.mark.parametrize("face", ["html", "api"])
def test_forgot_password_answers_and_works_alike_for_every_contact(app, people, measure, sent_messages, face):
    live_code(make_user(email="cooling@example.com"), OtpPurpose.RESET, sent_messages)
    contacts = {
        "verified, by phone": "+84901230001",
        "verified, within the resend cooldown": "cooling@example.com",
        "unverified": "unverified@example.com",
        "suspended": "suspended@example.com",
        "unknown email": "nobody@example.com",
        "unknown phone": "+84901239999",
    }
    results = {}
    for name, contact in contacts.items():
        answer, work, response = ask(app, measure, face, "forgot-password", contact)
        response.close()
        results[name] = (answer, work)
    assert_all_alike(results)
    assert results["unknown email"][0][0] == (302 if face == "html" else 202)
    assert results["unknown email"][1].sends_in_request == 0
    # after the answers: a code only for the active accounts outside their cooldown
    assert sorted(m.to for m in sent_messages.messages) == ["+84901230001", "unverified@example.com"]


@pytest.mark.parametrize("face", ["html", "api"])
def test_forgot_password_sends_the_code_only_after_the_answer_is_out(app, people, sends, sent_messages, face):
    client = client_for(app, None)
    if face == "api":
        response = client.post("/api/v1/auth/forgot-password", json={"email": "verified@example.com"})
    else:
        response = client.post("/account/forgot-password", data={"contact": "verified@example.com"})
    assert response.status_code == (202 if face == "api" else 302)
    assert sends == [] and sent_messages.messages == []  # committed, answered, nothing sent yet
    response.close()  # what the WSGI server does once the answer is sent
    assert sends == [("verified@example.com", False)]  # sent outside the request
    assert otp_from(sent_messages.last_to("verified@example.com").body)


# --- reset-password -------------------------------------------------------------------------------

@pytest.mark.parametrize("face", ["html", "api"])
def test_reset_password_with_a_wrong_code_answers_and_works_alike(app, people, measure, sent_messages, face):
    waiting = make_user(email="waiting@example.com")
    used_up = make_user(email="used.up@example.com")
    expired = make_user(email="expired@example.com")
    codes = {
        "waiting@example.com": live_code(waiting, OtpPurpose.RESET, sent_messages),
        "used.up@example.com": live_code(used_up, OtpPurpose.RESET, sent_messages, attempts=4),
        "expired@example.com": live_code(expired, OtpPurpose.RESET, sent_messages, expired=True),
        "unverified@example.com": live_code(people["unverified"], OtpPurpose.RESET, sent_messages),
        "suspended@example.com": live_code(people["suspended"], OtpPurpose.RESET, sent_messages),
    }
    contacts = {
        "a code waiting": "waiting@example.com",
        "its last try": "used.up@example.com",
        "an expired code": "expired@example.com",
        "unverified, a code waiting": "unverified@example.com",
        "suspended, a code waiting": "suspended@example.com",
        "verified, no code": "verified@example.com",
        "unknown": "nobody@example.com",
    }
    fields = {"code": "", "new_password": NEW_PASSWORD}
    if face == "html":
        fields["confirm_password"] = NEW_PASSWORD
    results = {}
    for name, contact in contacts.items():
        fields["code"] = wrong(codes.get(contact, "123456"))
        answer, work, _ = ask(app, measure, face, "reset-password", contact, **fields)
        results[name] = (answer, work)
    assert_all_alike(results)
    status, body = results["unknown"][0][:2]
    assert status == 422 and "wrong or no longer valid" in body and "tries left" not in body
    assert results["unknown"][1].password_hashes == 0
    # the tries were counted all the same: the last one locked its code for good
    attempts = dict(db.session.execute(text(
        "SELECT u.email, o.attempts FROM otp_codes o JOIN users u ON u.id = o.user_id")).all())
    assert attempts["waiting@example.com"] == 1 and attempts["used.up@example.com"] == 5


# --- verify-otp (API) -----------------------------------------------------------------------------

def test_verify_otp_with_a_wrong_code_answers_and_works_alike(app, people, measure, sent_messages):
    fresh = make_user(email="fresh@example.com", is_verified=False)
    locked = make_user(email="locked@example.com", is_verified=False)
    stale = make_user(email="stale@example.com", is_verified=False)
    reset_meanwhile = make_user(email="reset.meanwhile@example.com")  # verified by a reset, code still live
    codes = {
        "unverified@example.com": live_code(people["unverified"], OtpPurpose.VERIFY, sent_messages),
        "locked@example.com": live_code(locked, OtpPurpose.VERIFY, sent_messages, attempts=5),
        "stale@example.com": live_code(stale, OtpPurpose.VERIFY, sent_messages, expired=True),
        "reset.meanwhile@example.com": live_code(reset_meanwhile, OtpPurpose.VERIFY, sent_messages),
    }
    contacts = {
        "unverified, a code waiting": "unverified@example.com",
        "unverified, no code": fresh.email,
        "unverified, code used up": "locked@example.com",
        "unverified, code expired": "stale@example.com",
        "verified": "verified@example.com",
        "verified, a code still live": "reset.meanwhile@example.com",
        "suspended": "suspended@example.com",
        "unknown": "nobody@example.com",
    }
    results = {}
    for name, contact in contacts.items():
        answer, work, _ = ask(app, measure, "api", "verify-otp", contact, code=wrong(codes.get(contact, "123456")))
        results[name] = (answer, work)
    assert_all_alike(results)
    assert results["unknown"][0][0] == 422 and '"otp_invalid"' in results["unknown"][0][1]


def test_verify_otp_accepts_the_right_code_of_an_account_already_verified(app, people, sent_messages):
    """A reset verified the account while its VERIFY code was still live: the right code is not an error.

    What it proves (holding the code sent to that contact) is what any right code proves; a
    repeated call afterwards is a wrong code, exactly as for an unknown contact.
    """
    user = make_user(email="both@example.com")
    code = live_code(user, OtpPurpose.VERIFY, sent_messages)
    client = client_for(app, None)
    response = client.post("/api/v1/auth/verify-otp", json={"email": user.email, "code": code})
    assert response.status_code == 200 and response.get_json()["user"]["is_verified"] is True
    again = client.post("/api/v1/auth/verify-otp", json={"email": user.email, "code": code})
    unknown = client.post("/api/v1/auth/verify-otp", json={"email": "nobody@example.com", "code": code})
    assert (again.status_code, again.get_json()) == (unknown.status_code, unknown.get_json())


# --- resend-otp (API) -----------------------------------------------------------------------------

def test_resend_otp_answers_and_works_alike_even_within_the_cooldown(app, people, measure, sends, sent_messages):
    cooling = make_user(email="cooling@example.com", is_verified=False)
    otp.issue_code(cooling, OtpPurpose.VERIFY, cooling.email)  # sent a moment ago
    db.session.commit()
    sent_messages.clear()
    contacts = {
        "unverified": "unverified@example.com",
        "unverified, within the cooldown": "cooling@example.com",
        "verified": "verified@example.com",
        "suspended": "suspended@example.com",
        "unknown": "nobody@example.com",
    }
    results = {}
    for name, contact in contacts.items():
        answer, work, response = ask(app, measure, "api", "resend-otp", contact)
        response.close()
        results[name] = (answer, work)
    assert_all_alike(results)
    assert results["unknown"][0][0] == 202
    assert [m.to for m in sent_messages.messages] == ["unverified@example.com"]
    assert sends[-1] == ("unverified@example.com", False)  # after the answer


# --- login and register ---------------------------------------------------------------------------

def test_login_answers_every_wrong_combination_alike(app, people):
    client = client_for(app, None)
    answers = set()
    for login, password in (("verified@example.com", "wrong password"), ("nobody@example.com", "wrong password"),
                            ("+84901230001", "wrong password"), ("suspended@example.com", "wrong password"),
                            ("not a contact", PASSWORD)):
        response = client.post("/api/v1/auth/login", json={"login": login, "password": password})
        answers.add((response.status_code, response.get_data(as_text=True)))
    assert len(answers) == 1 and next(iter(answers))[0] == 401


def test_login_hashes_once_for_a_real_and_an_unknown_account(app, people, measure):
    accounts._dummy_password_hash()  # made once per process: not part of a request's work
    works = []
    for login in ("verified@example.com", "nobody@example.com"):
        client = client_for(app, None)
        with measure() as work:
            client.post("/api/v1/auth/login", json={"login": login, "password": "wrong password"})
        works.append(work.counts())
    assert works[0] == works[1] and works[0][1] == 1


def test_register_reveals_an_existing_account_only_by_the_documented_uniqueness_error(app, people):
    client = client_for(app, None)
    answers = [client.post("/api/v1/auth/register",
                           json={"email": email, "password": "long enough 1", "full_name": "Someone"})
               for email in ("verified@example.com", "unverified@example.com", "suspended@example.com")]
    assert {response.status_code for response in answers} == {422}
    error = answers[0].get_json()["error"]
    assert error["code"] == "duplicate_account" and set(error["fields"]) == {"email"}
    # the same words whatever the account's state: nothing about its name, verification or suspension
    assert answers[0].get_json() == answers[1].get_json() == answers[2].get_json()
    assert "Test User" not in answers[0].get_data(as_text=True)
