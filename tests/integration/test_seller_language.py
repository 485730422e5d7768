"""The seller center in the seller's language (issue 16): Vietnamese for a seller whose profile says
"vi" or whose browser chose it (the `locale` cookie), English stays English; the shop owner's
notifications are written in the owner's language whoever acts."""
import re
from html import unescape

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Notification, OrderStatus, Role, ShopStatus
from marketplace.services.shops import shops
from tests.factories import make_category, make_order, make_product, make_shop, make_user
from tests.seller_support import login


def seller_shop(client, locale: str | None):
    """A signed-in seller (profile language `locale`), their shop and one active product with low stock."""
    owner = make_user(role=Role.SELLER)
    owner.locale = locale
    shop = make_shop(owner=owner, name="Tiệm Trà")
    product = make_product(shop=shop, title="Trà sen", variants=[{"price": 2000, "stock": 2, "sku": "TRA"}])
    login(client, owner)
    return owner, shop, product


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def error_of(html: str, field_id: str) -> str:
    return re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html).group(1).strip()


@pytest.mark.parametrize("locale", ["profile", "cookie"])
def test_the_dashboard_speaks_vietnamese_by_profile_or_cookie(client, locale):
    owner, shop, product = seller_shop(client, "vi" if locale == "profile" else None)
    make_order(product=product, status=OrderStatus.PENDING)
    db.session.commit()
    if locale == "cookie":
        client.set_cookie("locale", "vi")
    html = page(client, "/seller/dashboard")
    for text in ("Kênh Người Bán", "Tổng quan", "Doanh thu 30 ngày qua", "Đơn hàng theo trạng thái", "Sắp hết hàng",
                 "(từ 5 trở xuống)", "Còn 2", "Chưa có đánh giá nào.", "Hồ sơ shop"):
        assert text in html, text
    assert re.search(r'data-metric="orders">1</span> đơn hàng', html)
    assert re.search(r'data-status="PENDING">\s*<a href="[^"]+">Chờ xác nhận</a>', html)
    for english in ("Seller center", "Low stock", "Revenue, last 30 days", "Orders by status"):
        assert english not in html, english


def test_english_stays_english(client):
    owner, shop, product = seller_shop(client, "en")
    make_order(product=product, status=OrderStatus.PENDING)
    db.session.commit()
    client.set_cookie("locale", "vi")  # the profile's choice wins over the browser's
    html = page(client, "/seller/dashboard")
    assert "Seller center" in html and "Low stock" in html and "(5 or fewer)" in html and "Kênh Người Bán" not in html
    assert re.search(r'data-metric="orders">1</span> order\b', html)
    products = page(client, "/seller/products")
    assert "Add a product" in products and "1 variant" in products and ">Active<" in products
    orders = page(client, "/seller/orders")
    assert "Confirm order" in orders and "Xác nhận" not in orders


def test_the_product_list_speaks_vietnamese(client):
    owner, shop, product = seller_shop(client, "vi")
    make_product(shop=shop, title="Bánh pía", status=product.status.DRAFT)
    db.session.commit()
    html = page(client, "/seller/products")
    for text in ("Thêm sản phẩm", "Tất cả", "Bản nháp", "Bị quản trị viên ẩn", "Tìm sản phẩm của bạn",
                 'placeholder="Tìm theo tên sản phẩm"', "1 phân loại", ">Đang hoạt động<", "Xem trước", "Kho hàng"):
        assert text in html, text
    assert "Add a product" not in html
    empty = page(client, "/seller/products?q=không-có")
    assert "Không có sản phẩm nào khớp với “không-có”." in empty


def test_a_refused_product_form_says_why_in_vietnamese(client):
    owner, shop, product = seller_shop(client, "vi")
    category = make_category(name="Trà")
    db.session.commit()
    form = page(client, "/seller/products/new")
    for text in ("Thêm sản phẩm", "Tên sản phẩm", "Danh mục", "Chọn danh mục", "Phân loại hàng", "Tạo các dòng phân loại",
                 "Lưu và đăng bán", "Lưu bản nháp", "Các mục có dấu"):
        assert text in form, text
    response = client.post("/seller/products/new", data={
        "title": "Trà ô long", "description": "", "category_id": "", "options-0-name": "", "options-0-values": "",
        "variants-0-options": "", "variants-0-sku": "", "variants-0-price": "-3", "variants-0-stock": "x1"})
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert error_of(html, "category_id") == "Vui lòng chọn danh mục."
    assert error_of(html, "variants-0-sku") == "Vui lòng nhập SKU."
    assert error_of(html, "variants-0-price") == "Giá phải lớn hơn 0."
    summary = html.split('id="form-errors"')[1].split("</div>")[0]
    assert "mục cần sửa" in summary and "Mặc định — Giá: Giá phải lớn hơn 0." in summary
    assert "There are" not in summary and "Enter a SKU." not in html
    assert category.name in html


def test_the_orders_page_and_its_actions_speak_vietnamese(client):
    owner, shop, product = seller_shop(client, "vi")
    order = make_order(product=product, status=OrderStatus.PENDING)
    db.session.commit()
    html = page(client, "/seller/orders")
    for text in ("Đơn hàng", f"Đơn hàng {order.number}", "Tổng cộng", "Xác nhận đơn hàng", "Hủy đơn hàng…",
                 "Lý do (người mua sẽ thấy)"):
        assert text in html, text
    assert "Confirm order" not in html and "Cancel order" not in html
    done = client.post(f"/seller/orders/{order.id}/confirm", follow_redirects=True)
    assert f"Đã xác nhận đơn hàng {order.number}." in unescape(done.get_data(as_text=True))
    shown = page(client, f"/seller/orders/{order.id}")
    assert "Mã vận đơn" in shown and "Giao hàng" in shown and "Đơn hàng %s · Kênh Người Bán" % order.number in shown


def test_the_owners_notification_is_in_the_owners_language(app):
    admin = make_user(role=Role.ADMIN)
    owner = make_user(role=Role.SELLER)
    owner.locale = "vi"
    shop = make_shop(owner=owner, name="Tiệm Trà", status=ShopStatus.PENDING)
    english_owner = make_user(role=Role.SELLER)
    english_shop = make_shop(owner=english_owner, name="Tea House", status=ShopStatus.PENDING)
    shops.reject_shop(admin, shop, "Ảnh mờ")
    shops.approve_shop(admin, english_shop)
    notice = db.session.scalars(select(Notification).where(Notification.user_id == owner.id)).one()
    assert (notice.title, notice.body) == ("Shop “Tiệm Trà” của bạn không được duyệt", "Lý do: Ảnh mờ")
    notice = db.session.scalars(select(Notification).where(Notification.user_id == english_owner.id)).one()
    assert (notice.title, notice.body) == ("Your shop “Tea House” is open",
                                           "Shoppers can now find and buy your active products.")
