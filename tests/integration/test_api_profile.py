"""JSON API: profile (GET/PUT, verify-contact) and the address book."""
import uuid

import pytest
from sqlalchemy import text

from marketplace.extensions import db
from marketplace.models import Address, User
from tests.api_support import api_error
from tests.conftest import otp_from
from tests.factories import PASSWORD, make_address
from tests.factories import make_user as _make_user

API = "/api/v1/profile"
ADDRESS = {"recipient_name": "Phạm Cường", "phone": "0908 765 432", "line1": "7 Đồng Khởi", "line2": None,
           "ward": "Bến Nghé", "district": "Quận 1", "city": "Hồ Chí Minh", "postal_code": "700000"}
ADDRESS_KEYS = {"id", "recipient_name", "phone", "line1", "line2", "ward", "district", "city", "postal_code",
                "is_default"}


def make_user(**fields) -> User:
    user = _make_user(**fields)
    db.session.commit()  # an API error rolls the session back: the setup must survive it
    return user


@pytest.fixture
def user():
    return make_user(full_name="Api Person", email="person@example.com", phone="+84906000111")


@pytest.fixture
def api(client, user):
    response = client.post("/api/v1/auth/login", json={"login": user.email, "password": PASSWORD})
    assert response.status_code == 200
    return client


@pytest.mark.parametrize("method, path", [
    ("get", ""), ("put", ""), ("post", "/verify-contact"), ("get", "/addresses"), ("post", "/addresses"),
    ("put", f"/addresses/{uuid.uuid4()}"), ("delete", f"/addresses/{uuid.uuid4()}"),
    ("post", f"/addresses/{uuid.uuid4()}/default"),
])
def test_everything_needs_login_with_401(client, method, path):
    response = getattr(client, method)(f"{API}{path}", json={})
    assert response.status_code == 401
    assert api_error(response)["code"] == "unauthorized"


def test_get_profile(api, user):
    body = api.get(API).get_json()
    assert body["user"]["id"] == str(user.id) and body["user"]["full_name"] == "Api Person"
    assert body["pending_contact"] is None


def test_put_profile_name(api, user):
    response = api.put(API, json={"full_name": "Renamed"})
    assert response.status_code == 200 and response.get_json()["user"]["full_name"] == "Renamed"
    bad = api.put(API, json={"full_name": " "})
    assert "full_name" in api_error(bad, 422)["fields"]


def test_put_profile_new_phone_waits_for_verify_contact(api, user, sent_messages):
    response = api.put(API, json={"phone": "0906 999 888"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["phone"] == "+84906000111" and body["pending_contact"] == "+84906999888"
    code = otp_from(sent_messages.last_to("+84906999888").body)
    assert code not in response.get_data(as_text=True)
    again = api.put(API, json={"phone": "0906 999 777"})
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0

    wrong = api.post(f"{API}/verify-contact", json={"code": "000000" if code != "000000" else "111111"})
    api_error(wrong, 422, "otp_invalid")
    done = api.post(f"{API}/verify-contact", json={"code": code})
    assert done.status_code == 200
    assert done.get_json()["user"]["phone"] == "+84906999888" and done.get_json()["pending_contact"] is None


def test_put_profile_refuses_a_contact_of_another_account(api):
    make_user(email="other@example.com")
    response = api.put(API, json={"email": "OTHER@example.com"})
    api_error(response, 422, "duplicate_account")


def test_put_profile_invalid_phone(api):
    response = api.put(API, json={"phone": "12"})
    assert "phone" in api_error(response, 422)["fields"]


def test_verify_contact_expired(api, sent_messages):
    api.put(API, json={"email": "soon@example.com"})
    code = otp_from(sent_messages.last_to("soon@example.com").body)
    db.session.execute(text("UPDATE otp_codes SET expires_at = now() - interval '1 second'"))
    response = api.post(f"{API}/verify-contact", json={"code": code})
    api_error(response, 422, "otp_expired")


def test_address_crud(api, user):
    assert api.get(f"{API}/addresses").get_json() == {"items": [], "next_cursor": None}
    created = api.post(f"{API}/addresses", json=ADDRESS)
    assert created.status_code == 201
    first = created.get_json()
    assert ADDRESS_KEYS <= set(first) and first["is_default"] is True and first["phone"] == "+84908765432"
    uuid.UUID(first["id"])
    second = api.post(f"{API}/addresses", json={**ADDRESS, "line1": "9 Lý Tự Trọng", "is_default": True}).get_json()
    assert second["is_default"] is True
    listed = api.get(f"{API}/addresses").get_json()["items"]
    assert [a["id"] for a in listed] == [second["id"], first["id"]]
    assert [a["is_default"] for a in listed] == [True, False]

    updated = api.put(f"{API}/addresses/{first['id']}", json={**ADDRESS, "city": "Đà Nẵng"})
    assert updated.status_code == 200 and updated.get_json()["city"] == "Đà Nẵng"
    assert updated.get_json()["is_default"] is False

    made_default = api.post(f"{API}/addresses/{first['id']}/default")
    assert made_default.status_code == 200 and made_default.get_json()["is_default"] is True

    assert api.delete(f"{API}/addresses/{first['id']}").status_code == 204
    remaining = api.get(f"{API}/addresses").get_json()["items"]
    assert [(a["id"], a["is_default"]) for a in remaining] == [(second["id"], True)]


def test_address_bad_input_is_422_with_fields(api):
    response = api.post(f"{API}/addresses", json={**ADDRESS, "phone": "12", "city": ""})
    assert response.status_code == 422
    assert {"phone", "city"} <= set(api_error(response)["fields"])
    missing = api.post(f"{API}/addresses", json={"recipient_name": "x"})
    assert {"phone", "line1", "city"} <= set(api_error(missing, 422)["fields"])


def test_eleventh_address_is_422(api, user):
    for n in range(10):
        make_address(user, line1=f"{n} Street", is_default=(n == 0))
    db.session.commit()
    response = api.post(f"{API}/addresses", json=ADDRESS)
    api_error(response, 422, "address_limit")


@pytest.mark.parametrize("method, suffix", [("put", ""), ("delete", ""), ("post", "/default")])
def test_another_users_address_is_404(api, method, suffix):
    stranger = make_user()
    address = make_address(stranger, is_default=True)
    db.session.commit()
    response = getattr(api, method)(f"{API}/addresses/{address.id}{suffix}", json=ADDRESS)
    api_error(response, 404, "not_found")
    db.session.expire_all()
    assert db.session.get(Address, address.id).line1 == "12 Lê Lợi"


def test_address_routes_without_csrf_are_400(api, user):
    address = make_address(user, is_default=True)
    db.session.commit()
    assert api.delete(f"{API}/addresses/{address.id}", csrf=False).status_code == 400
    assert api.post(f"{API}/addresses", json=ADDRESS, csrf=False).status_code == 400


def test_profile_operations_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "put"} <= set(paths["/api/v1/profile"])
    assert {"get", "post"} <= set(paths["/api/v1/profile/addresses"])
    item = next(p for p in paths if p.startswith("/api/v1/profile/addresses/{") and p.count("/") == 5)
    assert {"put", "delete"} <= set(paths[item])
    assert any(p.endswith("/default") for p in paths)
    post = paths["/api/v1/profile/addresses"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1].startswith("AddressIn")
    assert "201" in post["responses"]
