"""JSON API: auth/register, verify-otp, resend-otp, login, logout, forgot-password, reset-password."""
import uuid

import pytest
from sqlalchemy import select, text

from marketplace.extensions import db
from marketplace.models import Role, User
from marketplace.services.accounts import login_sessions
from marketplace.services.admin import suspensions
from tests.api_support import api_error
from tests.conftest import otp_from
from tests.factories import PASSWORD
from tests.factories import make_user as _make_user

API = "/api/v1/auth"
GOOD_PASSWORD = "s3cret-enough"
USER_KEYS = {"id", "email", "phone", "full_name", "role", "is_verified", "avatar_url", "created_at"}


def make_user(**fields) -> User:
    user = _make_user(**fields)
    db.session.commit()  # an API error rolls the session back: the setup must survive it
    return user


def closed(response):
    """Close the answer as a server does once it is sent: codes for contact-named requests go out then."""
    response.close()
    return response


def register(client, **body):
    payload = {"password": GOOD_PASSWORD, "full_name": "Mobile User", **body}
    return client.post(f"{API}/register", json=payload)


# --- register / verify / resend -------------------------------------------------------------------

def test_register_by_phone_returns_201_user_and_logs_in(client, sent_messages):
    response = register(client, phone="0912 000 111")
    assert response.status_code == 201
    user = response.get_json()["user"]
    assert USER_KEYS <= set(user)
    assert user["phone"] == "+84912000111" and user["email"] is None
    assert user["is_verified"] is False and user["role"] == "BUYER"
    uuid.UUID(user["id"])
    code = otp_from(sent_messages.last_to("+84912000111").body)
    assert code not in response.get_data(as_text=True)
    assert response.get_json()["csrf_token"]
    assert client.get("/api/v1/profile").status_code == 200  # the session is logged in


def test_register_invalid_phone_is_422_with_field(client):
    response = register(client, phone="12345")
    assert response.status_code == 422
    error = api_error(response)
    assert error["code"] == "invalid_phone" and "phone" in error["fields"]


def test_register_needs_exactly_one_contact(client):
    assert api_error(register(client))["fields"].keys() == {"phone", "email"}
    both = register(client, phone="0912000111", email="a@example.com")
    assert both.status_code == 422


def test_register_duplicate_is_422_duplicate_account(client):
    make_user(email="taken@example.com")
    response = register(client, email="Taken@Example.com")
    assert response.status_code == 422
    error = api_error(response)
    assert error["code"] == "duplicate_account" and "email" in error["fields"]


def test_register_schema_errors_are_in_the_spec_shape(client):
    response = client.post(f"{API}/register", json={"email": "a@example.com", "surprise": 1})
    assert response.status_code == 422
    error = api_error(response)
    assert error["code"] == "validation_error"
    assert {"password", "full_name", "surprise"} <= set(error["fields"])


def test_register_weak_password(client):
    error = api_error(register(client, email="weak@example.com", password="12345678"))
    assert error["code"] == "weak_password" and "password" in error["fields"]


def test_register_without_csrf_is_400(client):
    response = client.post(f"{API}/register", json={"email": "n@example.com", "password": GOOD_PASSWORD,
                                                    "full_name": "N"}, csrf=False)
    assert response.status_code == 400
    assert api_error(response)["code"] == "csrf_failed"


def test_verify_otp(client, sent_messages):
    register(client, email="verify@example.com")
    code = otp_from(sent_messages.last_to("verify@example.com").body)
    response = client.post(f"{API}/verify-otp", json={"email": "verify@example.com", "code": code})
    assert response.status_code == 200
    assert response.get_json()["user"]["is_verified"] is True


def test_verify_otp_wrong_six_times(client, sent_messages):
    register(client, email="six@example.com")
    code = otp_from(sent_messages.last_to("six@example.com").body)
    wrong = "000000" if code != "000000" else "111111"
    answers = []
    for _ in range(5):
        response = client.post(f"{API}/verify-otp", json={"email": "six@example.com", "code": wrong})
        assert response.status_code == 422
        answers.append(response.get_json())
    # the same answer every time (no tries-left counter: an unknown contact gets it too)
    assert answers == [answers[0]] * 5 and answers[0]["error"]["code"] == "otp_invalid"
    assert db.session.execute(text("SELECT attempts FROM otp_codes")).scalar() == 5
    response = client.post(f"{API}/verify-otp", json={"email": "six@example.com", "code": code})
    assert response.status_code == 422 and response.get_json() == answers[0]  # the right code, too late


def test_verify_otp_expired(client, sent_messages):
    register(client, phone="0912000222")
    code = otp_from(sent_messages.last_to("+84912000222").body)
    db.session.execute(text("UPDATE otp_codes SET expires_at = now() - interval '1 minute'"))
    response = client.post(f"{API}/verify-otp", json={"phone": "+84912000222", "code": code})
    api_error(response, 422, "otp_invalid")
    assert "no longer valid" in api_error(response)["message"]


def test_verify_otp_unknown_account_is_a_wrong_code(client):
    response = client.post(f"{API}/verify-otp", json={"email": "ghost@example.com", "code": "123456"})
    api_error(response, 422, "otp_invalid")


def test_resend_otp_is_202_and_respects_the_cooldown(client, sent_messages):
    register(client, email="resend@example.com")
    too_soon = closed(client.post(f"{API}/resend-otp", json={"email": "resend@example.com"}))
    # within the cooldown: the same 202 as always (a 429 would come only for real accounts), nothing sent
    assert too_soon.status_code == 202 and "Retry-After" not in too_soon.headers
    assert len([m for m in sent_messages.messages if m.to == "resend@example.com"]) == 1
    db.session.execute(text("UPDATE otp_codes SET sent_at = sent_at - interval '61 seconds'"))
    response = closed(client.post(f"{API}/resend-otp", json={"email": "resend@example.com"}))
    assert response.status_code == 202 and response.get_json() == too_soon.get_json()
    assert response.get_json()["resend_after"] == 60
    assert len([m for m in sent_messages.messages if m.to == "resend@example.com"]) == 2


def test_resend_otp_for_unknown_or_verified_accounts_is_202_and_sends_nothing(client, sent_messages):
    make_user(email="done@example.com", is_verified=True)
    for email in ("done@example.com", "nobody@example.com"):
        response = closed(client.post(f"{API}/resend-otp", json={"email": email}))
        assert response.status_code == 202
    assert sent_messages.messages == []


# --- login / logout -------------------------------------------------------------------------------

def test_login_returns_user_and_a_fresh_csrf_token(client):
    user = make_user(email="api@example.com", phone="+84913000111")
    before = client.csrf_token()
    response = client.post(f"{API}/login", json={"login": "0913 000 111", "password": PASSWORD, "remember": True})
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["id"] == str(user.id) and USER_KEYS <= set(body["user"])
    assert body["csrf_token"] and body["csrf_token"] != before
    assert client.get_cookie("remember_token") is not None
    assert client.get("/api/v1/profile").get_json()["user"]["email"] == "api@example.com"


def test_login_wrong_password_and_unknown_login_are_the_same_401(client):
    make_user(email="known@example.com")
    wrong = client.post(f"{API}/login", json={"login": "known@example.com", "password": "nope nope"})
    unknown = client.post(f"{API}/login", json={"login": "nobody@example.com", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert api_error(wrong) == api_error(unknown)
    assert api_error(wrong)["code"] == "invalid_credentials"


def test_login_suspended_is_403_with_reason(client):
    user = make_user()
    suspensions.suspend_user(make_user(role=Role.ADMIN), user, "Chargebacks")
    db.session.commit()
    response = client.post(f"{API}/login", json={"login": user.email, "password": PASSWORD})
    assert response.status_code == 403
    error = api_error(response)
    assert error["code"] == "account_suspended" and "Chargebacks" in error["message"]


def test_login_missing_fields_is_422(client):
    response = client.post(f"{API}/login", json={"login": "x@example.com"})
    assert "password" in api_error(response, 422)["fields"]


def test_login_rotates_the_session(client):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "x"
    client.post(f"{API}/login", json={"login": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session and login_sessions.signed_in_user(session["_user_id"]) == user


def test_logout(client):
    user = make_user()
    client.post(f"{API}/login", json={"login": user.email, "password": PASSWORD})
    response = client.post(f"{API}/logout")
    assert response.status_code == 204
    assert client.get("/api/v1/profile").status_code == 401
    assert client.post(f"{API}/logout").status_code == 204  # idempotent


# --- forgot / reset -------------------------------------------------------------------------------

def test_forgot_password_is_202_for_known_and_unknown(client, sent_messages):
    make_user(email="forgot@example.com")
    known = closed(client.post(f"{API}/forgot-password", json={"email": "forgot@example.com"}))
    unknown = closed(client.post(f"{API}/forgot-password", json={"email": "nobody@example.com"}))
    again = closed(client.post(f"{API}/forgot-password", json={"email": "forgot@example.com"}))  # in the cooldown
    assert known.status_code == unknown.status_code == again.status_code == 202
    assert known.get_json() == unknown.get_json() == again.get_json()
    assert [m.to for m in sent_messages.messages] == ["forgot@example.com"]


def test_forgot_password_invalid_phone_is_422(client):
    response = client.post(f"{API}/forgot-password", json={"phone": "12"})
    assert "phone" in api_error(response, 422)["fields"]


def test_reset_password_ends_other_sessions_and_gives_this_client_a_new_one(app, client, sent_messages):
    user = make_user(email="reset@example.com")
    phone_app = app.test_client()
    phone_app.post(f"{API}/login", json={"login": user.email, "password": PASSWORD})
    assert phone_app.get("/api/v1/profile").status_code == 200

    closed(client.post(f"{API}/forgot-password", json={"email": user.email}))
    code = otp_from(sent_messages.last_to(user.email).body)
    weak = client.post(f"{API}/reset-password", json={"email": user.email, "code": code, "new_password": "1234"})
    assert "new_password" in api_error(weak, 422)["fields"]
    response = client.post(f"{API}/reset-password", json={"email": user.email, "code": code,
                                                          "new_password": "new password 9"})
    assert response.status_code == 200
    assert response.get_json()["user"]["email"] == user.email and response.get_json()["csrf_token"]
    assert code not in response.get_data(as_text=True)
    assert client.get("/api/v1/profile").status_code == 200
    assert phone_app.get("/api/v1/profile").status_code == 401
    login = client.post(f"{API}/login", json={"login": user.email, "password": "new password 9"})
    assert login.status_code == 200


def test_reset_password_wrong_code_counts(client, sent_messages):
    user = make_user(email="count@example.com")
    closed(client.post(f"{API}/forgot-password", json={"email": user.email}))
    code = otp_from(sent_messages.last_to(user.email).body)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(f"{API}/reset-password", json={"email": user.email, "code": wrong,
                                                          "new_password": "new password 9"})
    api_error(response, 422, "otp_invalid")
    attempts = db.session.execute(text("SELECT attempts FROM otp_codes")).scalar()
    assert attempts == 1


def test_demo_accounts_log_in_by_email_and_phone(client, temp_storage):  # the demo's pictures: not in instance/
    from marketplace.seed.demo import DEMO_PASSWORD, seed_demo

    if db.session.scalar(select(User).where(User.email == "buyer@demo.marketplace")) is None:
        seed_demo(only_if_empty=False)
    for login in ("buyer@demo.marketplace", "+84901000001", "0901000001", "seller@demo.marketplace",
                  "admin@demo.marketplace"):
        response = client.post(f"{API}/login", json={"login": login, "password": DEMO_PASSWORD})
        assert response.status_code == 200, login
        client.post(f"{API}/logout")


@pytest.mark.parametrize("path, schema_in", [
    ("/auth/register", "RegisterIn"), ("/auth/verify-otp", "VerifyOtpIn"), ("/auth/resend-otp", "ContactIn"),
    ("/auth/login", "LoginIn"), ("/auth/logout", None), ("/auth/forgot-password", "ContactIn"),
    ("/auth/reset-password", "ResetPasswordIn"), ("/auth/csrf", None),
])
def test_operations_are_documented(client, path, schema_in):
    document = client.get("/api/v1/openapi.json").get_json()
    operations = document["paths"][f"/api/v1{path}"]
    operation = operations.get("post") or operations.get("get")
    assert operation["responses"]
    if schema_in:
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.split("/")[-1].startswith(schema_in)
