"""The account pages in Vietnamese and in English: sign-in, registration (its refusals too), the
profile's language and time zone, addresses, devices and notifications."""
import re

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import User
from marketplace.services.accounts.notifications import notify
from tests.conftest import otp_from
from tests.factories import PASSWORD, login, make_address
from tests.factories import make_user as _make_user


def make_user(**fields) -> User:
    """A committed user: the request's rollback of a refused form must not undo the test's setup."""
    user = _make_user(**fields)
    db.session.commit()
    return user


def html(response) -> str:
    return response.get_data(as_text=True)


def speaking(client, locale: str):
    """The browser's choice of language, as the switcher leaves it."""
    client.set_cookie("locale", locale)
    return client


LOGIN = {
    "vi": ["Đăng nhập", "Số điện thoại hoặc email", "Mật khẩu", "Ghi nhớ đăng nhập", "Quên mật khẩu?",
           "Bạn chưa có tài khoản?"],
    "en": ["Log in", "Phone number or email", "Password", "Remember me", "Forgot your password?", "New here?"],
}


@pytest.mark.parametrize("locale, other", [("vi", "en"), ("en", "vi")])
def test_the_login_page_and_its_refusal_speak_the_chosen_language(client, locale, other):
    page = html(speaking(client, locale).get("/account/login"))
    assert all(words in page for words in LOGIN[locale])
    assert not any(words in page for words in LOGIN[other][1:])
    refused = client.post("/account/login", data={"login": "nobody@example.com", "password": "wrong-password"})
    assert refused.status_code == 422
    assert {"vi": "Số điện thoại/email hoặc mật khẩu không đúng.",
            "en": "That phone/email and password don&#39;t match an account."}[locale] in html(refused)


@pytest.mark.parametrize("data, errors", [
    ({"full_name": "", "contact": "", "password": ""},
     ["Vui lòng nhập họ tên.", "Vui lòng nhập số điện thoại hoặc email.", "Vui lòng chọn mật khẩu."]),
    ({"full_name": "Lê Hoa", "contact": "12", "password": "s3cret-enough"}, ["Số điện thoại không hợp lệ."]),
    ({"full_name": "Lê Hoa", "contact": "0912345678", "password": "1234"}, ["Vui lòng dùng ít nhất 8 ký tự."]),
])
def test_a_refused_registration_says_why_in_vietnamese(client, data, errors):
    response = speaking(client, "vi").post("/account/register", data=data)
    assert response.status_code == 422
    body = html(response)
    assert "Đăng ký" in body and all(error in body for error in errors)


def test_a_registration_in_vietnamese_keeps_the_language_and_its_code_comes_in_it(client, sent_messages):
    response = speaking(client, "vi").post("/account/register", data={
        "full_name": "Lê Hoa", "contact": "0912 345 678", "password": "s3cret-enough"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.phone == "+84912345678"))
    assert user.locale == "vi"
    sms = sent_messages.last_to("+84912345678").body
    assert sms.startswith("Mã xác minh Chợ Phố của bạn là ") and otp_from(sms)
    client.set_cookie("locale", "en")  # the account's own choice wins over the browser's
    page = html(client.get("/account/verify"))
    assert "Chào mừng Lê Hoa! Chúng tôi đã gửi mã xác minh đến" in page
    assert "Xác minh tài khoản" in page and "Bạn có thể yêu cầu mã mới sau" in page


def test_the_profile_changes_to_english_and_another_time_zone_for_the_next_page(client):
    user = make_user(locale="vi", full_name="Trần Bình", phone="+84901112223")
    login(client, user)
    page = html(client.get("/account/profile"))
    assert all(words in page for words in ("Hồ sơ", "Họ và tên", "Ngôn ngữ", "Múi giờ", "Lưu hồ sơ", "Thành viên từ"))
    response = client.post("/account/profile", data={"full_name": user.full_name, "email": user.email,
                                                     "phone": user.phone, "locale": "en",
                                                     "timezone": "Europe/London"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.locale, user.timezone) == ("en", "Europe/London")
    page = html(client.get("/account/profile"))
    assert '<html lang="en">' in page and "Your profile is saved." in page and "Save profile" in page and "Lưu hồ sơ" not in page
    assert re.search(r'<option selected value="Europe/London">', page)


@pytest.mark.parametrize("path, data, errors", [
    ("/account/profile", {"full_name": "", "email": "", "phone": "12"}, ["Vui lòng nhập họ tên."]),
    ("/account/profile", {"full_name": "Bình", "email": "", "phone": ""},
     ["Vui lòng giữ lại email: tài khoản cần có số điện thoại hoặc email."]),
    ("/account/addresses/new", {"recipient_name": "", "phone": "", "line1": "", "city": ""},
     ["Vui lòng nhập tên người nhận.", "Vui lòng nhập số điện thoại.", "Vui lòng nhập địa chỉ.",
      "Vui lòng nhập tỉnh/thành phố."]),
    ("/account/addresses/new", {"recipient_name": "Bình", "phone": "12", "line1": "5 Lê Lợi", "city": "Huế"},
     ["Số điện thoại không hợp lệ."]),
])
def test_refused_account_forms_say_why_in_vietnamese(client, path, data, errors):
    login(client, make_user(locale="vi"))
    response = client.post(path, data=data)
    assert response.status_code == 422
    assert all(error in html(response) for error in errors)


PAGES = {
    "/account/addresses": {"vi": ["Địa chỉ", "Thêm địa chỉ", "Mặc định", "Đặt làm mặc định", "Xóa địa chỉ này?"],
                           "en": ["Addresses", "Add an address", "Default", "Make default", "Delete this address?"]},
    "/account/addresses/new": {"vi": ["Địa chỉ mới", "Người nhận", "Số nhà và tên đường.", "Lưu địa chỉ"],
                               "en": ["New address", "Recipient", "House number and street.", "Save address"]},
    "/account/devices": {"vi": ["Nơi bạn đang đăng nhập", "Thiết bị không xác định", "Thiết bị này"],
                         "en": ["Where you're signed in", "An unknown device", "This device"]},
    "/notifications": {"vi": ["Thông báo", "1 chưa đọc", "Đánh dấu tất cả là đã đọc", "Xem chi tiết"],
                       "en": ["Notifications", "1 unread", "Mark all as read", "Open"]},
}


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("locale, other", [("vi", "en"), ("en", "vi")])
def test_account_pages_speak_the_browsers_language(client, path, locale, other):
    user = make_user(locale=None)
    make_address(user, is_default=True)
    make_address(user)
    notify(user.id, "order.shipped", "MP000001", link="/orders")
    login(client, user)
    page = html(speaking(client, locale).get(path))
    account_part = page[page.index("<main"):page.index("</main>")]  # the header and footer are the shop's
    assert all(words in account_part for words in PAGES[path][locale]), path
    assert not any(words in account_part for words in PAGES[path][other]), path


@pytest.mark.parametrize("locale, flash", [("vi", "Đã đánh dấu 1 thông báo là đã đọc."),
                                           ("en", "Marked 1 notification as read.")])
def test_marking_notifications_read_says_so_in_the_language(client, locale, flash):
    user = make_user(locale=locale)
    notify(user.id, "order.shipped", "MP000001")
    login(client, user)
    assert flash in html(client.post("/notifications/read-all", follow_redirects=True))


def test_a_vietnamese_account_is_welcomed_in_vietnamese_on_an_english_browser(client):
    user = make_user(locale="vi")
    response = speaking(client, "en").post("/account/login", data={"login": user.email, "password": PASSWORD},
                                           follow_redirects=True)
    assert f"Chào mừng bạn quay lại, {user.full_name}." in html(response)


@pytest.mark.parametrize("header", [
    "vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7", "en-US,en;q=0.9", "fr-FR,fr;q=0.9", "en;q=0.1, vi;q=0.2", "*",
    "vi;q=0", "EN-gb", "de, *;q=0.5", ";;;q=", "x" * 300,
])
def test_the_browsers_language_is_what_werkzeug_would_choose(app, header):
    """select_locale keeps the choice per Accept-Language header (web/i18n._best_accepted): the same
    answer as parsing the header on every request."""
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    from marketplace.web.i18n import select_locale

    known = app.config["LOCALES"]
    with app.test_request_context("/", headers={"Accept-Language": header}):
        assert select_locale() == (parse_accept_header(header, LanguageAccept).best_match(known) or None)


def test_a_visitors_language_is_chosen_without_loading_anyone(app, client, monkeypatch):
    """Nobody is signed in without a login in the session or a remember-me cookie: Flask-Login is not
    asked to load the visitor (its session protection costs every cached page's answer)."""
    from marketplace.web.i18n import select_locale

    monkeypatch.setattr(app.login_manager, "_load_user", lambda: pytest.fail("the visitor was loaded"))
    with app.test_request_context("/", headers={"Accept-Language": "en-US,en;q=0.9"}):
        assert select_locale() == "en"
    monkeypatch.undo()
    user = _make_user(locale="vi")
    login(client, user)  # a signed-in user's own choice still wins over the browser's
    assert 'lang="vi"' in client.get("/account/profile", headers={"Accept-Language": "en"}).get_data(as_text=True)
