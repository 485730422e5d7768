"""What is said to someone other than the person asking speaks the recipient's language: a code's
SMS or email, the notifications another person's action writes, an order's SMS."""
import itertools

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Notification, OtpPurpose, Role
from marketplace.services.accounts import otp
from marketplace.services.accounts.notifications import notify
from marketplace.services.cart import cart
from marketplace.services.ordering import orders
from marketplace.services.ordering.checkout import place_orders
from tests.conftest import otp_from
from tests.factories import make_address, make_product, make_shop, make_user
from tests.orders_support import placed_order

ENGLISH, VIETNAMESE = {"Accept-Language": "en"}, {"Accept-Language": "vi"}
_phones = itertools.count(1)


def _phone() -> str:
    return f"+8490{next(_phones):07d}"


def _notes(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.created_at)))


@pytest.mark.parametrize("locale, asker, opening", [
    ("vi", ENGLISH, "Mã xác minh Chợ Phố của bạn là "),
    ("en", VIETNAMESE, "Your Chợ Phố verification code is "),
])
def test_an_otp_sms_speaks_its_owners_language_whatever_the_page_asking(app, sent_messages, locale, asker, opening):
    user = make_user(email=None, phone=_phone(), locale=locale, is_verified=False)
    with app.test_request_context(headers=asker):
        otp.issue_code(user, OtpPurpose.VERIFY, user.phone)
        db.session.commit()
    body = sent_messages.last_to(user.phone).body
    assert body.startswith(opening) and otp_from(body) in body


@pytest.mark.parametrize("asker, subject", [(VIETNAMESE, "Đặt lại mật khẩu Chợ Phố"),
                                            (ENGLISH, "Reset your Chợ Phố password")])
def test_a_code_for_an_account_without_a_language_speaks_the_askers(app, sent_messages, asker, subject):
    user = make_user(locale=None)
    with app.test_request_context(headers=asker):
        otp.issue_code(user, OtpPurpose.RESET, user.email)
        db.session.commit()
    assert sent_messages.last_to(user.email).subject == subject


def test_a_vietnamese_seller_hears_of_an_english_buyers_order_in_vietnamese(app):
    seller, buyer = make_user(locale="vi"), make_user(locale="en")
    product = make_product(shop=make_shop(owner=seller), variants=[{"price": 2000, "stock": 5}])
    address = make_address(buyer)
    with app.test_request_context(headers=ENGLISH):
        cart.add_item(buyer, product.variants[0].id, 2)
        order = place_orders(buyer, address.id, "COD", idempotency_key="language-1").orders[0]
    [note] = _notes(seller)
    assert note.title == f"Đơn hàng mới {order.number}"
    assert note.body == f"{buyer.full_name} đã đặt 2 sản phẩm."


def test_each_side_of_an_order_hears_its_news_in_its_own_language(app, sent_messages):
    seller, buyer = make_user(locale="vi"), make_user(locale="en", phone=_phone())
    product = make_product(shop=make_shop(owner=seller, name="Tiệm Bình"), variants=[{"price": 2000, "stock": 5}])
    order = placed_order(buyer, product)
    with app.test_request_context(headers=VIETNAMESE):
        orders.confirm_order(seller, order.id)
        orders.ship_order(seller, order.id, "VN123")
        db.session.commit()
    assert [(n.title, n.body) for n in _notes(buyer)] == [
        (f"Order {order.number} was confirmed", "Tiệm Bình is preparing your order."),
        (f"Order {order.number} is on its way", "Tracking number: VN123."),
    ]
    assert sent_messages.last_to(buyer.phone).body.startswith(f"Your order {order.number} from Tiệm Bình is on its way")
    with app.test_request_context(headers=ENGLISH):
        orders.cancel_by_admin(make_user(role=Role.ADMIN), placed_order(buyer, product).id, "Out of stock")
    cancelled = _notes(seller)[-1]
    assert cancelled.title.endswith("đã bị quản trị viên hủy") and cancelled.body == "Lý do: Out of stock"


def test_a_recipient_without_a_language_hears_the_marketplaces_and_typed_text_stays_as_typed(app):
    user = make_user(locale=None)
    app.config["DEFAULT_LOCALE"] = "vi"
    try:
        with app.test_request_context(headers=ENGLISH):
            note = notify(user.id, "account.suspended", _l("Your account was suspended"), "Spam, again")
    finally:
        app.config["DEFAULT_LOCALE"] = "en"
    assert (note.title, note.body) == ("Tài khoản của bạn đã bị tạm khóa", "Spam, again")


def test_a_title_longer_than_its_column_is_cut(app):
    note = notify(make_user(locale="vi").id, "product.hidden",
                  _l("Your product “%(title)s” is visible again", title="x" * 200))
    assert len(note.title) == 200 and note.title.endswith("…")
