"""`flask create-admin`: creates or promotes an admin; the password never comes from an argument."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditLog, Role, User, UserStatus
from marketplace.services.accounts.passwords import verify_password
from tests.factories import make_shop, make_user

GOOD = "s3cret-admin-pass"


def run(app, *args, input=None, env=None):
    return app.test_cli_runner().invoke(args=["create-admin", *args], input=input, env=env or {},
                                        catch_exceptions=False)


def user_by_email(email):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_creates_a_verified_admin_with_a_prompted_password(app, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    result = run(app, "Boss@Example.com", "--name", "Big Boss", input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.com" in result.output
    assert GOOD not in result.output  # hidden input: not echoed
    user = user_by_email("boss@example.com")
    assert user.role == Role.ADMIN and user.is_verified and user.full_name == "Big Boss"
    assert verify_password(GOOD, user.password_hash)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.target_id == user.id))
    assert entry.action == "user.create_admin" and entry.actor_id is None


def test_mismatched_confirmation_is_asked_again(app, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    result = run(app, "twice@example.com", input=f"{GOOD}\nother-pass-1\n{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0
    assert "do not match" in result.output.lower() or "don't match" in result.output.lower()
    assert verify_password(GOOD, user_by_email("twice@example.com").password_hash)


def test_promotes_an_existing_user_by_phone_from_admin_password_env(app):
    user = make_user(email=None, phone="+84901234999")
    old_version = user.session_version
    result = run(app, "0901 234 999", env={"ADMIN_PASSWORD": GOOD})
    assert result.exit_code == 0, result.output
    assert "Promoted admin +84901234999" in result.output
    db.session.expire_all()
    assert user.role == Role.ADMIN and verify_password(GOOD, user.password_hash)
    assert user.session_version == old_version + 1


def test_weak_password_is_refused_and_nothing_is_written(app):
    result = run(app, "weak@example.com", env={"ADMIN_PASSWORD": "12345678"})
    assert result.exit_code != 0 and "only digits" in result.output
    assert user_by_email("weak@example.com") is None


@pytest.mark.parametrize("login, message", [("not a contact", "not a valid phone number"),
                                            ("bad@", "not a valid email")])
def test_bad_login_is_refused(app, login, message):
    result = run(app, login, env={"ADMIN_PASSWORD": GOOD})
    assert result.exit_code != 0 and message in result.output


def test_shop_owners_and_suspended_users_are_not_promoted(app):
    seller = make_user(role=Role.SELLER)
    make_shop(owner=seller)
    result = run(app, seller.email, env={"ADMIN_PASSWORD": GOOD})
    assert result.exit_code != 0 and "owns a shop" in result.output
    banned = make_user(status=UserStatus.SUSPENDED)
    result = run(app, banned.email, env={"ADMIN_PASSWORD": GOOD})
    assert result.exit_code != 0 and "suspended" in result.output
    db.session.expire_all()
    assert seller.role == Role.SELLER and banned.role == Role.BUYER


def test_there_is_no_password_argument(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "x@example.com", "--password", GOOD])
    assert result.exit_code == 2 and "No such option" in result.output
    assert user_by_email("x@example.com") is None
