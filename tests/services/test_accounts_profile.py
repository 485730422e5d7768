"""Profile: name, avatar, and phone/email changes that wait for a code sent to the new contact."""
import io

import pytest
from PIL import Image

from marketplace.extensions import db
from marketplace.models import OtpPurpose
from marketplace.services.accounts import otp, profile
from marketplace.services.core.errors import ValidationFailed
from marketplace.storage import get_storage
from tests.conftest import otp_from
from tests.factories import make_user


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_name_changes_at_once():
    user = make_user(full_name="Old Name")
    assert profile.update_profile(user, full_name="  New   Name ") is None
    assert user.full_name == "New Name"
    with pytest.raises(ValidationFailed) as error:
        profile.update_profile(user, full_name="")
    assert "full_name" in error.value.fields


def test_new_email_waits_for_the_code_sent_to_it(sent_messages):
    user = make_user(email="old@example.com", is_verified=True)
    pending = profile.update_profile(user, email="New@Example.com")
    db.session.commit()
    assert pending == profile.pending_contact(user)
    assert pending.value == "new@example.com"
    assert user.email == "old@example.com"  # unchanged until the code comes back
    assert sent_messages.last_to("old@example.com") is None
    code = otp_from(sent_messages.last_to("new@example.com").body)
    assert otp.live_code(user, OtpPurpose.CHANGE_CONTACT).destination == "new@example.com"

    with pytest.raises(ValidationFailed):
        profile.confirm_contact_change(user, "000000" if code != "000000" else "111111")
    assert user.email == "old@example.com"
    profile.confirm_contact_change(user, code)
    assert user.email == "new@example.com"
    assert profile.pending_contact(user) is None


def test_new_phone_is_normalised_and_sent_by_sms(sent_messages):
    user = make_user(email="p@example.com", phone=None)
    pending = profile.update_profile(user, phone="0909 876 543")
    db.session.commit()
    assert pending.kind == "phone" and pending.value == "+84909876543"
    message = sent_messages.last_to("+84909876543")
    assert message.channel == "sms"
    profile.confirm_contact_change(user, otp_from(message.body))
    assert user.phone == "+84909876543" and user.email == "p@example.com"


def test_unchanged_contact_sends_nothing(sent_messages):
    user = make_user(email="same@example.com", phone="+84901231231")
    assert profile.update_profile(user, email="SAME@example.com", phone="0901 231 231") is None
    db.session.commit()
    assert sent_messages.messages == []


def test_contact_used_by_another_account_is_refused():
    make_user(email="taken@example.com")
    user = make_user()
    with pytest.raises(ValidationFailed) as error:
        profile.update_profile(user, email="taken@example.com")
    assert error.value.code == "duplicate_account" and "email" in error.value.fields


def test_contact_taken_while_the_code_travelled_is_refused(sent_messages):
    user = make_user()
    profile.update_profile(user, email="race@example.com")
    db.session.commit()
    code = otp_from(sent_messages.last_to("race@example.com").body)
    make_user(email="race@example.com")
    with pytest.raises(ValidationFailed) as error:
        profile.confirm_contact_change(user, code)
    assert error.value.code == "duplicate_account"


def test_one_contact_change_at_a_time_and_removal_keeps_one():
    user = make_user(email="a@example.com", phone="+84901000111")
    with pytest.raises(ValidationFailed) as error:
        profile.update_profile(user, email="b@example.com", phone="0901000222")
    assert error.value.code == "one_contact_change"
    profile.update_profile(user, phone="")
    assert user.phone is None
    with pytest.raises(ValidationFailed) as error:
        profile.update_profile(user, email="")
    assert "email" in error.value.fields


def test_changing_again_within_a_minute_says_how_long_to_wait(sent_messages):
    user = make_user()
    profile.update_profile(user, email="first@example.com")
    with pytest.raises(otp.ResendTooSoon) as error:
        profile.update_profile(user, email="second@example.com")
    assert "email" in error.value.fields


def test_cancel_drops_the_pending_change(sent_messages):
    user = make_user(email="keep@example.com")
    profile.update_profile(user, email="drop@example.com")
    profile.cancel_contact_change(user)
    assert profile.pending_contact(user) is None
    assert user.email == "keep@example.com"


def test_avatar_is_stored_reencoded_and_the_old_one_deleted_after_commit():
    user = make_user()
    profile.set_avatar(user, _png())
    db.session.commit()
    first = user.avatar_key
    assert first.startswith("avatars/") and first.endswith(".webp")
    storage = get_storage()
    assert storage.read(first)[:4] == b"RIFF"
    profile.set_avatar(user, _png())
    db.session.commit()
    assert user.avatar_key != first
    with pytest.raises(FileNotFoundError):
        storage.read(first)
    storage.delete(user.avatar_key)
    storage.delete(profile.thumb_key(user.avatar_key))


def test_avatar_that_is_not_an_image_is_refused():
    user = make_user()
    with pytest.raises(ValidationFailed) as error:
        profile.set_avatar(user, b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert "avatar" in error.value.fields
    assert user.avatar_key is None
