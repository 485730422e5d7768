"""One-time codes: hashed storage, 5-minute expiry, 5 tries, 60-second resend cooldown."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from marketplace.extensions import db
from marketplace.models import OtpCode, OtpPurpose
from marketplace.services.accounts import accounts, otp
from marketplace.services.core.errors import ValidationFailed
from tests.conftest import otp_from
from tests.factories import make_user


def _issue(user, sent_messages, purpose=OtpPurpose.VERIFY):
    otp.issue_code(user, purpose, user.email)
    db.session.commit()  # the message leaves only after the commit
    return otp_from(sent_messages.last_to(user.email).body)


def _row(user, purpose=OtpPurpose.VERIFY) -> OtpCode:
    return db.session.scalar(select(OtpCode).where(OtpCode.user_id == user.id, OtpCode.purpose == purpose)
                             .execution_options(populate_existing=True))


def _age(user, seconds: int, purpose=OtpPurpose.VERIFY) -> None:
    """Move the code's clock back instead of sleeping."""
    db.session.execute(
        text("UPDATE otp_codes SET sent_at = sent_at - make_interval(secs => :s), "
             "expires_at = expires_at - make_interval(secs => :s) WHERE user_id = :u AND purpose = :p"),
        {"s": seconds, "u": user.id, "p": purpose.value},
    )


def test_code_is_six_digits_sent_after_commit_and_stored_only_as_a_hash(sent_messages):
    user = make_user(is_verified=False)
    otp.issue_code(user, OtpPurpose.VERIFY, user.email)
    assert sent_messages.last_to(user.email) is None  # nothing leaves before the commit
    db.session.commit()
    message = sent_messages.last_to(user.email)
    code = otp_from(message.body)
    assert len(code) == 6 and code.isdigit()
    row = _row(user)
    assert row.destination == user.email
    assert code not in row.code_hash and len(row.code_hash) == 64
    # the code appears nowhere in the table
    dump = db.session.execute(text("SELECT otp_codes::text FROM otp_codes WHERE user_id = :u"), {"u": user.id}).scalar()
    assert code not in dump
    assert row.expires_at - row.sent_at == timedelta(minutes=5)


def test_rolled_back_code_is_never_sent(sent_messages):
    user = make_user(is_verified=False)
    otp.issue_code(user, OtpPurpose.VERIFY, user.email)
    db.session.rollback()
    assert sent_messages.last_to(user.email) is None


def test_right_code_is_accepted_once(sent_messages):
    user = make_user(is_verified=False)
    code = _issue(user, sent_messages)
    otp.check_code(user, OtpPurpose.VERIFY, code)
    assert _row(user) is None
    with pytest.raises(ValidationFailed) as error:
        otp.check_code(user, OtpPurpose.VERIFY, code)
    assert error.value.code == "otp_missing"


def test_code_is_bound_to_its_user_and_purpose(sent_messages):
    alice, bob = make_user(is_verified=False), make_user(is_verified=False)
    alice_code = _issue(alice, sent_messages)
    _issue(bob, sent_messages)
    assert _row(alice).code_hash != _row(bob).code_hash
    with pytest.raises(ValidationFailed):
        otp.check_code(bob, OtpPurpose.VERIFY, alice_code)
    with pytest.raises(ValidationFailed) as error:
        otp.check_code(alice, OtpPurpose.RESET, alice_code)
    assert error.value.code == "otp_missing"


def test_expired_code_is_refused(sent_messages):
    user = make_user(is_verified=False)
    code = _issue(user, sent_messages)
    _age(user, 5 * 60 + 1)
    with pytest.raises(ValidationFailed) as error:
        otp.check_code(user, OtpPurpose.VERIFY, code)
    assert error.value.code == "otp_expired"
    assert "expired" in error.value.message


def test_code_still_works_just_before_expiry(sent_messages):
    user = make_user(is_verified=False)
    code = _issue(user, sent_messages)
    _age(user, 5 * 60 - 5)
    otp.check_code(user, OtpPurpose.VERIFY, code)


def test_five_wrong_tries_kill_the_code(sent_messages):
    user = make_user(is_verified=False)
    code = _issue(user, sent_messages)
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(1, 6):
        with pytest.raises(ValidationFailed) as error:
            otp.check_code(user, OtpPurpose.VERIFY, wrong)
        assert _row(user).attempts == attempt
        expected = "otp_locked" if attempt == 5 else "otp_invalid"
        assert error.value.code == expected, attempt
    assert "4 tries left" not in error.value.message
    # the sixth try is refused even with the right code
    with pytest.raises(ValidationFailed) as error:
        otp.check_code(user, OtpPurpose.VERIFY, code)
    assert error.value.code == "otp_locked"


def test_wrong_try_reports_tries_left(sent_messages):
    user = make_user(is_verified=False)
    code = _issue(user, sent_messages)
    with pytest.raises(ValidationFailed) as error:
        otp.check_code(user, OtpPurpose.VERIFY, "999999" if code != "999999" else "888888")
    assert "4 tries left" in error.value.message
    assert error.value.fields == {"code": error.value.message}


def test_resend_waits_sixty_seconds_and_says_how_long(sent_messages):
    user = make_user(is_verified=False)
    first = _issue(user, sent_messages)
    with pytest.raises(otp.ResendTooSoon) as error:
        otp.issue_code(user, OtpPurpose.VERIFY, user.email)
    assert 55 <= error.value.retry_after <= 60
    assert f"{error.value.retry_after} seconds" in error.value.message
    assert error.value.status == 429
    assert 55 <= otp.resend_cooldown(user, OtpPurpose.VERIFY) <= 60

    _age(user, 45)
    assert 10 <= otp.resend_cooldown(user, OtpPurpose.VERIFY) <= 15
    with pytest.raises(otp.ResendTooSoon):
        otp.issue_code(user, OtpPurpose.VERIFY, user.email)

    _age(user, 16)
    assert otp.resend_cooldown(user, OtpPurpose.VERIFY) == 0
    second = _issue(user, sent_messages)
    row = _row(user)
    assert row.attempts == 0
    # the old code is replaced (one live code per user and purpose)
    assert db.session.scalar(select(OtpCode.id).where(OtpCode.user_id == user.id).limit(2)) == row.id
    if first != second:
        with pytest.raises(ValidationFailed):
            otp.check_code(user, OtpPurpose.VERIFY, first)
    otp.check_code(user, OtpPurpose.VERIFY, second)


def test_resend_revives_a_dead_code(sent_messages):
    user = make_user(is_verified=False)
    code = _issue(user, sent_messages)
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            otp.check_code(user, OtpPurpose.VERIFY, "x")
    _age(user, 61)
    fresh = _issue(user, sent_messages)
    otp.check_code(user, OtpPurpose.VERIFY, fresh)
    assert code  # the old one was dead; the new one worked


def test_cooldowns_are_per_purpose(sent_messages):
    user = make_user(is_verified=False)
    _issue(user, sent_messages, OtpPurpose.VERIFY)
    _issue(user, sent_messages, OtpPurpose.RESET)  # no ResendTooSoon across purposes
    assert otp.resend_cooldown(user, OtpPurpose.CHANGE_CONTACT) == 0


def test_verify_account_marks_user_verified(sent_messages):
    user = accounts.register(accounts.email_contact("new.person@example.com"), "good password 1", "New Person")
    db.session.commit()
    assert user.is_verified is False
    code = otp_from(sent_messages.last_to("new.person@example.com").body)
    accounts.verify_account(user, code)
    assert user.is_verified is True
    with pytest.raises(ValidationFailed) as error:
        accounts.verify_account(user, code)
    assert error.value.code == "already_verified"


def test_has_usable_code_tracks_expiry_and_tries(sent_messages):
    user = make_user(is_verified=False)
    assert not otp.has_usable_code(user, OtpPurpose.VERIFY)
    _issue(user, sent_messages)
    assert otp.has_usable_code(user, OtpPurpose.VERIFY)
    _age(user, 5 * 60 + 1)
    assert not otp.has_usable_code(user, OtpPurpose.VERIFY)
    other = make_user(is_verified=False)
    _issue(other, sent_messages)
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            otp.check_code(other, OtpPurpose.VERIFY, "x")
    assert not otp.has_usable_code(other, OtpPurpose.VERIFY)


def test_mask_destination_hides_most_of_the_contact():
    assert otp.mask_destination("+84901234567") == "+849•••••567"
    masked = otp.mask_destination("someone@example.com")
    assert masked.startswith("s") and masked.endswith("@example.com") and "someone" not in masked
