"""Account services: contacts, registration, login, password reset and suspension."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db, login_manager
from marketplace.models import AuditLog, Notification, OtpCode, OtpPurpose, Role, ShopStatus, User, UserStatus
from marketplace.services.accounts import accounts
from marketplace.services.accounts.passwords import check_password_rules, verify_password
from marketplace.services.admin import suspensions
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.shops import shops
from tests.conftest import otp_from
from tests.factories import PASSWORD, login_id, make_shop, make_user

GOOD_PASSWORD = "s3cret-enough"


@pytest.mark.parametrize("raw, expected", [
    ("+84901234567", "+84901234567"),
    ("0901234567", "+84901234567"),          # no country code: DEFAULT_PHONE_REGION (VN)
    ("090 123 4567", "+84901234567"),
    ("+84 (90) 123-4567", "+84901234567"),
    ("+1 415 555 0123", "+14155550123"),
])
def test_phone_is_normalised_to_e164(raw, expected):
    assert accounts.normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["123", "abc", "+84 12", "09012345678901", ""])
def test_invalid_phone_is_refused_on_the_phone_field(raw):
    with pytest.raises(ValidationFailed) as error:
        accounts.normalize_phone(raw)
    assert "phone" in error.value.fields
    assert error.value.code == "invalid_phone"


def test_default_region_comes_from_config(app):
    app.config["DEFAULT_PHONE_REGION"] = "US"
    try:
        assert accounts.normalize_phone("415 555 0123") == "+14155550123"
    finally:
        app.config["DEFAULT_PHONE_REGION"] = "VN"


def test_email_is_lower_cased_and_validated():
    assert accounts.normalize_email("  Mixed.Case@Example.COM ") == "mixed.case@example.com"
    for bad in ("no-at-sign", "a@", "@b.com", "two@@example.com"):
        with pytest.raises(ValidationFailed) as error:
            accounts.normalize_email(bad)
        assert "email" in error.value.fields


def test_parse_contact_picks_email_or_phone_and_names_the_field():
    assert accounts.parse_contact("Someone@Example.com") == accounts.Contact("email", "someone@example.com")
    assert accounts.parse_contact("0901 234 567") == accounts.Contact("phone", "+84901234567")
    with pytest.raises(ValidationFailed) as error:
        accounts.parse_contact("12", field="contact")
    assert list(error.value.fields) == ["contact"]


def test_contact_from_wants_exactly_one():
    assert accounts.contact_from(phone="0901234567").kind == "phone"
    assert accounts.contact_from(email="a@example.com").kind == "email"
    with pytest.raises(ValidationFailed):
        accounts.contact_from()
    with pytest.raises(ValidationFailed):
        accounts.contact_from(phone="0901234567", email="a@example.com")


@pytest.mark.parametrize("password, ok", [
    ("short1", False), ("12345678901", False), ("abcdefgh", True), ("correct horse", True),
    ("x" * 73, False),
])
def test_password_rules(password, ok):
    if ok:
        check_password_rules(password)
    else:
        with pytest.raises(ValidationFailed) as error:
            check_password_rules(password)
        assert error.value.code == "weak_password"


def test_register_by_phone_creates_unverified_user_and_sends_code(sent_messages):
    user = accounts.register(accounts.phone_contact("0912 345 678"), GOOD_PASSWORD, "  Lê   Thị Hoa ")
    db.session.commit()
    assert user.phone == "+84912345678" and user.email is None
    assert user.full_name == "Lê Thị Hoa"
    assert user.is_verified is False and user.role == Role.BUYER and user.status == UserStatus.ACTIVE
    assert verify_password(GOOD_PASSWORD, user.password_hash) and GOOD_PASSWORD not in user.password_hash
    message = sent_messages.last_to("+84912345678")
    assert message.channel == "sms"
    assert len(otp_from(message.body)) == 6
    row = db.session.scalar(select(OtpCode).where(OtpCode.user_id == user.id))
    assert row.purpose == OtpPurpose.VERIFY


def test_register_by_email_sends_an_email(sent_messages):
    accounts.register(accounts.email_contact("Hoa@Example.com"), GOOD_PASSWORD, "Hoa")
    db.session.commit()
    message = sent_messages.last_to("hoa@example.com")
    assert message.channel == "email" and message.subject


@pytest.mark.parametrize("kind, existing, typed", [
    ("phone", {"phone": "+84987654321"}, "0987 654 321"),
    ("email", {"email": "taken@example.com"}, "TAKEN@example.com"),
])
def test_duplicate_phone_or_email_is_refused(kind, existing, typed):
    make_user(**existing)
    contact = accounts.parse_contact(typed)
    with pytest.raises(ValidationFailed) as error:
        accounts.register(contact, GOOD_PASSWORD, "Copy Cat")
    assert error.value.code == "duplicate_account"
    assert kind in error.value.fields
    assert "already exists" in error.value.message


def test_register_checks_password_and_name():
    with pytest.raises(ValidationFailed) as error:
        accounts.register(accounts.email_contact("p@example.com"), "12345678", "Name")
    assert "password" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        accounts.register(accounts.email_contact("p@example.com"), GOOD_PASSWORD, "   ")
    assert "full_name" in error.value.fields
    assert db.session.scalar(select(User).where(User.email == "p@example.com")) is None


def test_authenticate_by_email_or_phone():
    user = make_user(email="login@example.com", phone="+84901111222")
    assert accounts.authenticate("LOGIN@example.com", PASSWORD) == user
    assert accounts.authenticate("0901 111 222", PASSWORD) == user
    assert accounts.authenticate("+84901111222", PASSWORD) == user


def test_unknown_login_and_wrong_password_get_the_same_answer():
    make_user(email="known@example.com")
    messages = set()
    for login, password in (("known@example.com", "wrong password"), ("nobody@example.com", PASSWORD),
                            ("not a phone", PASSWORD)):
        with pytest.raises(accounts.InvalidCredentials) as error:
            accounts.authenticate(login, password)
        messages.add((error.value.message, error.value.code, error.value.status))
    assert len(messages) == 1


def test_suspended_user_cannot_log_in():
    admin = make_user(role=Role.ADMIN)
    user = make_user(email="bad@example.com")
    suspensions.suspend_user(admin, user, "Selling fakes")
    with pytest.raises(accounts.AccountSuspended) as error:
        accounts.authenticate("bad@example.com", PASSWORD)
    assert "suspended" in error.value.message and "Selling fakes" in error.value.message
    # a wrong password still gets the generic answer: no hint that the account exists
    with pytest.raises(accounts.InvalidCredentials):
        accounts.authenticate("bad@example.com", "not the password")


def test_suspend_bumps_session_version_notifies_and_audits():
    admin = make_user(role=Role.ADMIN)
    user = make_user()
    old_session_id = login_id(user)
    suspensions.suspend_user(admin, user, "Spam")
    assert user.status == UserStatus.SUSPENDED and user.status_reason == "Spam"
    assert user.get_id() != old_session_id
    assert login_manager._user_callback(old_session_id) is None
    note = db.session.scalar(select(Notification).where(Notification.user_id == user.id))
    assert note.kind == "account.suspended" and "Spam" in note.body
    entry = db.session.scalar(select(AuditLog).where(AuditLog.target_id == user.id))
    assert entry.action == "user.suspend" and entry.actor_id == admin.id and entry.reason == "Spam"


def test_suspend_rules_and_unsuspend():
    admin = make_user(role=Role.ADMIN)
    user = make_user()
    with pytest.raises(ValidationFailed) as error:
        suspensions.suspend_user(admin, user, "  ")
    assert "reason" in error.value.fields
    with pytest.raises(ValidationFailed):
        suspensions.suspend_user(admin, admin, "me")
    suspensions.suspend_user(admin, user, "Spam")
    with pytest.raises(ValidationFailed):
        suspensions.suspend_user(admin, user, "again")
    suspensions.unsuspend_user(admin, user, "Appeal accepted")
    assert user.status == UserStatus.ACTIVE and user.status_reason is None
    assert accounts.authenticate(user.email, PASSWORD) == user
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.target_id == user.id)).all()
    assert sorted(actions) == ["user.suspend", "user.unsuspend"]
    with pytest.raises(ValidationFailed):
        suspensions.unsuspend_user(admin, user)


def test_suspending_a_seller_suspends_their_open_shop_and_unsuspending_does_not_reopen_it():
    admin = make_user(role=Role.ADMIN)
    seller = make_user(role=Role.SELLER)
    shop = make_shop(owner=seller)
    suspensions.suspend_user(admin, seller, "Selling fakes")
    assert shop.status == ShopStatus.SUSPENDED
    assert shop.status_reason == "The owner's account is suspended: Selling fakes"
    entries = {e.action: e for e in db.session.scalars(select(AuditLog).where(AuditLog.actor_id == admin.id))}
    assert sorted(entries) == ["shop.suspend", "user.suspend"]
    assert entries["user.suspend"].target_id == seller.id and entries["user.suspend"].reason == "Selling fakes"
    assert entries["shop.suspend"].target_id == shop.id and entries["shop.suspend"].reason == shop.status_reason
    assert entries["shop.suspend"].data["from_status"] == "ACTIVE"
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == seller.id)).all()
    assert sorted(kinds) == ["account.suspended", "shop.suspended"]

    suspensions.unsuspend_user(admin, seller, "Appeal accepted")
    assert seller.status == UserStatus.ACTIVE and shop.status == ShopStatus.SUSPENDED
    shops.reinstate_shop(admin, shop)  # the admin reopens it, on purpose
    assert shop.status == ShopStatus.ACTIVE


@pytest.mark.parametrize("status", [ShopStatus.PENDING, ShopStatus.REJECTED, ShopStatus.SUSPENDED])
def test_suspending_a_seller_leaves_a_shop_that_is_not_open_as_it_is(status):
    admin = make_user(role=Role.ADMIN)
    seller = make_user(role=Role.SELLER)
    shop = make_shop(owner=seller, status=status, status_reason="earlier")
    suspensions.suspend_user(admin, seller, "Spam")
    assert shop.status == status and shop.status_reason == "earlier"
    assert db.session.scalars(select(AuditLog.action).where(AuditLog.actor_id == admin.id)).all() == ["user.suspend"]


def test_forgot_password_sends_a_code_only_to_real_active_accounts(sent_messages):
    user = make_user(phone="+84902222333", email=None)
    accounts.forgot_password(accounts.phone_contact("0902222333"))
    accounts.forgot_password(accounts.phone_contact("0903333444"))  # nobody: no error either
    db.session.commit()
    assert [m.to for m in sent_messages.messages] == ["+84902222333"]
    # asking again within the cooldown is silent too (the same answer)
    accounts.forgot_password(accounts.phone_contact("0902222333"))
    db.session.commit()
    assert len(sent_messages.messages) == 1
    suspended = make_user(email="gone@example.com", status=UserStatus.SUSPENDED)
    accounts.forgot_password(accounts.email_contact(suspended.email))
    db.session.commit()
    assert sent_messages.last_to("gone@example.com") is None
    assert user


def test_reset_password_changes_it_and_ends_other_sessions(sent_messages):
    user = make_user(email="reset@example.com", is_verified=False)
    old_session_id = login_id(user)
    contact = accounts.email_contact("reset@example.com")
    accounts.forgot_password(contact)
    db.session.commit()
    code = otp_from(sent_messages.last_to("reset@example.com").body)
    with pytest.raises(ValidationFailed) as error:
        accounts.reset_password(contact, code, "short")
    assert "new_password" in error.value.fields
    accounts.reset_password(contact, code, "brand new pass")
    assert verify_password("brand new pass", user.password_hash)
    assert not verify_password(PASSWORD, user.password_hash)
    assert login_manager._user_callback(old_session_id) is None
    assert login_manager._user_callback(user.get_id()) == user
    assert user.is_verified is True  # the code reached the account's own contact
    with pytest.raises(ValidationFailed):  # the code is used up
        accounts.reset_password(contact, code, "another new pass")


def test_reset_for_unknown_account_is_a_plain_wrong_code():
    with pytest.raises(ValidationFailed) as error:
        accounts.reset_password(accounts.email_contact("ghost@example.com"), "123456", "brand new pass")
    assert error.value.code == "otp_invalid"
