"""Profile and address book pages, including the htmx actions on the address list."""
import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import select, text

from marketplace.extensions import db
from marketplace.models import Address, User
from marketplace.services.accounts import addresses as book
from tests.conftest import otp_from
from tests.factories import PASSWORD, make_address
from tests.factories import make_user as _make_user

LIST = {"HX-Request": "true", "HX-Target": "address-list"}
ADDRESS = {"recipient_name": "Trần Bình", "phone": "0901234567", "line1": "5 Nguyễn Huệ", "line2": "",
           "ward": "Bến Nghé", "district": "Quận 1", "city": "Hồ Chí Minh", "postal_code": "700000"}


def make_user(**fields) -> User:
    user = _make_user(**fields)
    db.session.commit()  # a refused form rolls back: the setup must survive it
    return user


@pytest.fixture
def user():
    return make_user(full_name="Profile Owner", email="owner@example.com", phone="+84901112223")


@pytest.fixture
def logged_in(client, user):
    response = client.post("/account/login", data={"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def html(response) -> str:
    return response.get_data(as_text=True)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 128, 255)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("path", [
    "/account/profile", "/account/addresses", "/account/addresses/new",
    f"/account/addresses/{uuid.uuid4()}/edit", "/account/profile/confirm-contact",
])
def test_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/login?next=")


@pytest.mark.parametrize("path", [f"/account/addresses/{uuid.uuid4()}/delete", f"/account/addresses/{uuid.uuid4()}/default"])
def test_htmx_actions_need_login_with_401(client, path):
    assert client.post(path, headers=LIST).status_code == 401


# --- profile --------------------------------------------------------------------------------------

def test_profile_page_shows_the_user(logged_in):
    page = logged_in.get("/account/profile")
    assert page.status_code == 200
    body = html(page)
    assert 'value="Profile Owner"' in body and 'value="owner@example.com"' in body
    assert 'enctype="multipart/form-data"' in body


def test_name_and_avatar_are_saved(logged_in, user):
    response = logged_in.post("/account/profile", data={
        "full_name": "New Name", "email": user.email, "phone": user.phone,
        "avatar": (io.BytesIO(_png()), "me.png"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"] == "/account/profile"
    db.session.refresh(user)
    assert user.full_name == "New Name" and user.avatar_key.startswith("avatars/")
    page = html(logged_in.get("/account/profile"))
    assert f"/media/{user.avatar_key}" in page


def test_bad_avatar_is_422_and_nothing_changes(logged_in, user):
    response = logged_in.post("/account/profile", data={
        "full_name": "Changed", "email": user.email, "phone": user.phone,
        "avatar": (io.BytesIO(b"GIF89a-not-really"), "x.gif"),
    }, content_type="multipart/form-data")
    assert response.status_code == 422 and "not an image we can read" in html(response)
    db.session.refresh(user)
    assert user.full_name == "Profile Owner" and user.avatar_key is None


def test_changing_email_needs_the_code_sent_to_the_new_address(logged_in, user, sent_messages):
    response = logged_in.post("/account/profile", data={"full_name": user.full_name, "email": "fresh@example.com",
                                                        "phone": user.phone})
    assert response.status_code == 302 and response.headers["Location"] == "/account/profile/confirm-contact"
    db.session.refresh(user)
    assert user.email == "owner@example.com"
    code = otp_from(sent_messages.last_to("fresh@example.com").body)
    page = logged_in.get("/account/profile/confirm-contact")
    assert page.status_code == 200 and "f••••@example.com" in html(page)
    assert "Waiting for the code" in html(logged_in.get("/account/profile"))

    wrong = logged_in.post("/account/profile/confirm-contact", data={"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422 and "tries left" in html(wrong)
    response = logged_in.post("/account/profile/confirm-contact", data={"code": code})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "fresh@example.com"
    # the old email no longer logs in, the new one does
    logged_in.post("/account/logout")
    assert logged_in.post("/account/login", data={"login": "owner@example.com", "password": PASSWORD}).status_code == 422
    assert logged_in.post("/account/login", data={"login": "fresh@example.com", "password": PASSWORD}).status_code == 302


def test_contact_of_another_account_is_refused(logged_in, user):
    make_user(phone="+84907777888")
    response = logged_in.post("/account/profile", data={"full_name": user.full_name, "email": user.email,
                                                        "phone": "0907 777 888"})
    assert response.status_code == 422 and "already exists" in html(response)
    assert 'id="phone-error"' in html(response)


def test_invalid_phone_on_profile_is_422(logged_in, user):
    response = logged_in.post("/account/profile", data={"full_name": user.full_name, "email": user.email,
                                                        "phone": "12"})
    assert response.status_code == 422 and "not a valid phone number" in html(response)


def test_cancel_contact_change(logged_in, user):
    logged_in.post("/account/profile", data={"full_name": user.full_name, "email": "later@example.com",
                                             "phone": user.phone})
    response = logged_in.post("/account/profile/cancel-contact")
    assert response.status_code == 302
    assert logged_in.get("/account/profile/confirm-contact").status_code == 302


def test_resend_for_contact_change_respects_the_cooldown(logged_in, user, sent_messages):
    logged_in.post("/account/profile", data={"full_name": user.full_name, "email": "again@example.com",
                                             "phone": user.phone})
    page = logged_in.post("/account/verify/resend", data={"purpose": "contact"}, follow_redirects=True)
    assert "Wait" in html(page)
    db.session.execute(text("UPDATE otp_codes SET sent_at = sent_at - interval '2 minutes'"))
    page = logged_in.post("/account/verify/resend", data={"purpose": "contact"}, follow_redirects=True)
    assert "We sent a new code" in html(page)
    assert len([m for m in sent_messages.messages if m.to == "again@example.com"]) == 2


# --- addresses ------------------------------------------------------------------------------------

def test_add_first_address_becomes_default(logged_in, user):
    assert "No addresses yet" in html(logged_in.get("/account/addresses"))
    assert logged_in.get("/account/addresses/new").status_code == 200
    response = logged_in.post("/account/addresses/new", data=ADDRESS)
    assert response.status_code == 302 and response.headers["Location"] == "/account/addresses"
    page = html(logged_in.get("/account/addresses"))
    assert "5 Nguyễn Huệ" in page and "Default" in page and "+84901234567" in page


def test_add_address_with_bad_input_is_422_and_keeps_the_input(logged_in, user):
    response = logged_in.post("/account/addresses/new", data={**ADDRESS, "phone": "123", "city": ""})
    assert response.status_code == 422
    body = html(response)
    assert "Enter the city." in body and 'value="5 Nguyễn Huệ"' in body
    response = logged_in.post("/account/addresses/new", data={**ADDRESS, "phone": "123"})
    assert response.status_code == 422 and "not a valid phone number" in html(response)
    assert book.list_addresses(user) == []


def test_eleventh_address_is_refused(logged_in, user):
    for n in range(10):
        make_address(user, line1=f"{n} Street", is_default=(n == 0))
    db.session.commit()
    response = logged_in.post("/account/addresses/new", data=ADDRESS)
    assert response.status_code == 422 and "up to 10 addresses" in html(response)
    assert "Add an address" not in html(logged_in.get("/account/addresses"))


def test_edit_address(logged_in, user):
    address = make_address(user, is_default=True)
    db.session.commit()
    page = logged_in.get(f"/account/addresses/{address.id}/edit")
    assert page.status_code == 200 and 'value="12 Lê Lợi"' in html(page)
    response = logged_in.post(f"/account/addresses/{address.id}/edit", data={**ADDRESS, "line1": "99 Pasteur"})
    assert response.status_code == 302
    db.session.refresh(address)
    assert address.line1 == "99 Pasteur" and address.is_default


def test_set_default_with_htmx_returns_the_list_fragment(logged_in, user):
    first = make_address(user, line1="First", is_default=True)
    second = make_address(user, line1="Second")
    db.session.commit()
    response = logged_in.post(f"/account/addresses/{second.id}/default", headers=LIST)
    assert response.status_code == 200
    body = html(response)
    assert body.lstrip().startswith("<div id=\"address-list\"") and "<html" not in body
    assert f'data-address-id="{second.id}" data-default="true"' in body
    assert "Default address updated." in body
    db.session.refresh(first)
    db.session.refresh(second)
    assert second.is_default and not first.is_default


def test_set_default_as_a_plain_form_redirects(logged_in, user):
    make_address(user, line1="First", is_default=True)
    second = make_address(user, line1="Second")
    db.session.commit()
    response = logged_in.post(f"/account/addresses/{second.id}/default")
    assert response.status_code == 302 and response.headers["Location"] == "/account/addresses"
    page = html(logged_in.get("/account/addresses"))
    assert "Default address updated." in page
    assert f'data-address-id="{second.id}" data-default="true"' in page


def test_delete_default_with_htmx_promotes_the_newest_other(logged_in, user):
    first = make_address(user, line1="First", is_default=True)
    make_address(user, line1="Second")
    third = make_address(user, line1="Third")
    db.session.commit()
    first_id, third_id = first.id, third.id
    response = logged_in.post(f"/account/addresses/{first_id}/delete", headers=LIST)
    assert response.status_code == 200
    body = html(response)
    assert "First" not in body and f'data-address-id="{third_id}" data-default="true"' in body
    assert db.session.get(Address, first_id) is None


def test_delete_as_a_plain_form_redirects(logged_in, user):
    address = make_address(user, is_default=True)
    db.session.commit()
    response = logged_in.post(f"/account/addresses/{address.id}/delete")
    assert response.status_code == 302
    assert "Address deleted." in html(logged_in.get("/account/addresses"))


@pytest.mark.parametrize("method, suffix", [("get", "edit"), ("post", "edit"), ("post", "delete"), ("post", "default")])
def test_another_users_address_is_404(logged_in, method, suffix):
    stranger = make_user()
    address = make_address(stranger, is_default=True)
    db.session.commit()
    response = getattr(logged_in, method)(f"/account/addresses/{address.id}/{suffix}", data=ADDRESS)
    assert response.status_code == 404
    kept = db.session.scalar(select(Address).where(Address.id == address.id).execution_options(populate_existing=True))
    assert kept is not None and kept.line1 == "12 Lê Lợi" and kept.is_default


def test_address_actions_without_csrf_are_400(logged_in, user):
    address = make_address(user, is_default=True)
    db.session.commit()
    assert logged_in.post(f"/account/addresses/{address.id}/delete", csrf=False).status_code == 400
    assert db.session.get(Address, address.id) is not None


def test_address_list_uses_a_fixed_number_of_queries(logged_in, user, count_queries):
    for n in range(6):
        make_address(user, line1=f"{n} Street", is_default=(n == 0))
    db.session.commit()
    with count_queries() as few:
        logged_in.get("/account/addresses")
    make_address(user, line1="One more")
    db.session.commit()
    with count_queries() as more:
        logged_in.get("/account/addresses")
    # one statement for the whole list, whatever its length (other navbar widgets may add their own)
    for statements in (few, more):
        assert len([s for s in statements if "FROM addresses" in s]) == 1
        assert len(statements) <= 6
