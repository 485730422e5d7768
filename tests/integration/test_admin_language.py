"""The admin pages speak the admin's language (profile locale): Vietnamese for "vi", English for "en";
what an admin's action tells someone else (a notice, a shop's reason) is in that person's language."""
import json
import re

import pytest

from marketplace.extensions import db
from marketplace.models import AuditLog, OrderStatus, Role, ShopStatus
from tests.admin_support import CONFIRMED, make_admin, notifications_of
from tests.factories import login, make_order, make_product, make_shop, make_user

# (Vietnamese, English) pairs each page shows in its admin's language; the English pages show none of the
# Vietnamese (the Vietnamese ones may show English outside the admin area: other areas translate it).
DASHBOARD = [("Tổng quan", "Dashboard"), ("Cần xử lý", "Needs attention"),
             ("Shop đang chờ duyệt", "Shops waiting for approval"), ("Đơn hàng theo trạng thái", "Orders by status"),
             ("Đã hủy", "Cancelled"), ("Người dùng", "Users"), ("Nhật ký quản trị", "Audit log")]
SHOPS = [("Shop đang chờ duyệt được xếp lên đầu.", "Shops waiting for approval come first."),
         ("Chủ shop", "Owner"), ("Ngày đăng ký", "Registered"), ("Đang chờ", "Pending"), ("Duyệt…", "Approve…"),
         ("Từ chối…", "Reject…"), (">Lọc<", ">Filter<"), (">Tất cả<", ">Any<")]
SHOP_PAGE = [("Quyết định", "Decision"), ("Mô tả", "Description"), ("Số liệu", "Figures"),
             ("Bị quản trị viên ẩn", "Hidden by admins"), ("Chưa có sản phẩm nào.", "No products yet."),
             ("Lịch sử", "History"), ("Chủ shop đã đăng ký", "Registered by its owner"), ("Duyệt…", "Approve…")]
CONFIRM = [("Tạm khóa Lan Chi?", "Suspend Lan Chi?"), ("Điều sẽ xảy ra:", "What happens:"),
           ("Lan Chi bị đăng xuất ngay trên mọi thiết bị", "Lan Chi is logged out everywhere at once"),
           ("Tạm khóa tài khoản", "Suspend the account"), ("Người dùng sẽ đọc lý do này.", "The user reads this reason."),
           (">Hủy<", ">Cancel<"), ("Vai trò", "Role"), ("Người mua", "Buyer")]
AUDIT = [("Thời gian", "When"), ("Lý do và chi tiết", "Reason and details"), ("Đã duyệt shop", "Approved a shop"),
         ("Trạng thái:", "Status:"), ("Đang chờ", "Pending"), ("Đang hoạt động", "Active"),
         ("Người thực hiện", "Actor"), ("Không có thao tác quản trị nào", "No admin actions")]


@pytest.fixture(params=["vi", "en"])
def speaker(request, client):
    """An admin whose profile says the language, logged in; returns (client, admin, language)."""
    admin = make_admin(locale=request.param)
    login(client, admin)
    return client, admin, request.param


def says(html: str, pairs, language: str) -> None:
    for vi, en in pairs:
        shown, other = (vi, en) if language == "vi" else (en, vi)
        assert shown in html, shown
        if language == "en":
            assert other not in html, other


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text(html: str) -> str:
    """The page's words as a screen reader says them: tags and the arrow (aria-hidden) dropped, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.replace('<span aria-hidden="true">→</span>', "")).split())


def test_the_dashboard(speaker):
    client, unused, language = speaker
    make_shop(status=ShopStatus.PENDING)
    make_order(product=make_product(), status=OrderStatus.CANCELLED)
    html = page(client, "/admin/")
    says(html, DASHBOARD, language)
    chart = json.loads(re.search(r'id="sales-chart-data">(.*?)</script>', html, re.S).group(1))
    assert chart["series"] == ({"orders": "Đơn hàng", "gmv": "GMV"} if language == "vi" else
                               {"orders": "Orders", "gmv": "GMV"})


def test_the_shops_list(speaker):
    client, unused, language = speaker
    make_shop(status=ShopStatus.PENDING, name="Tiệm Gốm")
    says(page(client, "/admin/shops"), SHOPS, language)


def test_the_shop_review_page(speaker):
    client, unused, language = speaker
    shop = make_shop(status=ShopStatus.PENDING, name="Tiệm Gốm")
    says(page(client, f"/admin/shops/{shop.id}"), SHOP_PAGE, language)


def test_the_suspend_confirm_page_and_its_refusal(speaker):
    client, unused, language = speaker
    user = make_user(full_name="Lan Chi")
    says(page(client, f"/admin/users/{user.id}/suspend"), CONFIRM, language)
    refused = client.post(f"/admin/users/{user.id}/suspend", data={**CONFIRMED, "reason": ""})
    assert refused.status_code == 422
    error = ("Vui lòng nêu lý do", "Give a reason")
    assert error[language == "en"] in refused.get_data(as_text=True)


def test_the_audit_log(speaker):
    client, admin, language = speaker
    says(page(client, "/admin/audit"), AUDIT[-1:], language)
    db.session.add(AuditLog(actor_id=admin.id, action="shop.approve", target_type="shop",
                            data={"name": "Tiệm Gốm", "from_status": "PENDING", "to_status": "ACTIVE"}))
    db.session.flush()
    html = page(client, "/admin/audit")
    says(html, AUDIT[:-1], language)
    change = ("Trạng thái: Đang chờ đổi thành Đang hoạt động", "Status: Pending changed to Active")
    assert change[language == "en"] in text(html)


@pytest.mark.parametrize("owner_language", ["vi", "en"])
def test_what_the_owner_is_told_is_in_the_owners_language(speaker, owner_language):
    """The admin's language is not the owner's: the notices and the shop's reason follow the owner."""
    client, unused, language = speaker
    owner = make_user(role=Role.SELLER, full_name="Minh Tú", locale=owner_language)
    shop = make_shop(owner=owner)
    product = make_product(shop=shop, title="Bình gốm")
    client.post(f"/admin/products/{product.id}/hide", data={**CONFIRMED, "reason": "Ảnh sao chép"})
    client.post(f"/admin/users/{owner.id}/suspend", data={**CONFIRMED, "reason": "Gian lận"})
    hidden = notifications_of(owner.id, "product.hidden")[0]
    suspended = notifications_of(owner.id, "account.suspended")[0]
    db.session.refresh(shop)
    if owner_language == "vi":
        assert hidden.title == "Sản phẩm “Bình gốm” của bạn đã bị quản trị viên ẩn"
        assert hidden.body == "Lý do: Ảnh sao chép"
        assert suspended.title == "Tài khoản của bạn đã bị tạm khóa"
        assert shop.status_reason == "Tài khoản của chủ shop bị tạm khóa: Gian lận"
    else:
        assert hidden.title == "Your product “Bình gốm” was hidden by an administrator"
        assert hidden.body == "Reason: Ảnh sao chép"
        assert suspended.title == "Your account was suspended"
        assert shop.status_reason == "The owner's account is suspended: Gian lận"
