"""The storefront in Vietnamese and English: the shopper's language comes from their profile, the
`locale` cookie the switcher sets, the browser's Accept-Language, else DEFAULT_LOCALE (web/i18n.py).
Every page of the storefront, its refusals and the API's messages follow it; codes stay English."""
import pytest

from marketplace.extensions import db
from marketplace.services.cart import cart
from tests.cart_support import htmx, login, two_shops
from tests.catalog_support import make_tree, product_at
from tests.factories import make_shop, make_user


def html_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def vietnamese_by_default(app):
    """The app as the demo runs it: DEFAULT_LOCALE=vi (web/i18n.py gives it to Flask-Babel at start)."""
    babel = app.extensions["babel"]
    saved = app.config["DEFAULT_LOCALE"], babel.default_locale
    app.config["DEFAULT_LOCALE"] = babel.default_locale = "vi"
    yield
    app.config["DEFAULT_LOCALE"], babel.default_locale = saved


@pytest.fixture(params=["default", "accept-language", "cookie"])
def in_vietnamese(request, app, client):
    """A client that reads Vietnamese, by each of the ways a shopper gets it; returns the request headers."""
    if request.param == "default":
        request.getfixturevalue("vietnamese_by_default")
        return {}
    if request.param == "accept-language":
        return {"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}
    client.set_cookie("locale", "vi")
    return {}


def shop_with_products():
    tree = make_tree()
    shop = make_shop(name="Nhà Trà")
    product = product_at(1, title="Trà sen", sold=3, rating="4.5", category=tree["tees"], shop=shop)
    product.review_count = 2
    return tree, shop, product


def test_the_storefront_pages_read_vietnamese(client, in_vietnamese):
    tree, shop, product = shop_with_products()
    home = html_of(client.get("/", headers=in_vietnamese))
    assert '<html lang="vi">' in home
    assert "Shop độc lập, một giỏ hàng, một lần thanh toán" in home and "Bán chạy" in home
    assert "nhiều shop, một giỏ hàng" in home and "Đăng nhập" in home  # footer, header
    assert "Đã bán 3" in home and '<span class="visually-hidden">Đánh giá </span>4.5' in home  # a card
    assert "Independent shops, one cart" not in home and "Log in" not in home

    category = html_of(client.get("/c/ao", headers=in_vietnamese))
    assert 'aria-label="Đường dẫn"' in category and ">Trang chủ</a>" in category

    page = html_of(client.get(f"/p/{product.id}", headers=in_vietnamese))
    assert "Thêm vào giỏ hàng" in page and "Mua ngay" in page and "Mô tả sản phẩm" in page and "(2 đánh giá)" in page
    assert "Add to cart" not in page

    shop_page = html_of(client.get(f"/s/{shop.slug}", headers=in_vietnamese))
    assert "1 sản phẩm" in shop_page and "(2 đánh giá)" in shop_page and "Theo dõi" in shop_page

    missing = client.get("/c/no-such-category", headers=in_vietnamese)
    assert missing.status_code == 404 and "Không tìm thấy trang" in html_of(missing)
    assert '<html lang="vi">' in html_of(missing)


def test_a_refused_quantity_is_explained_in_vietnamese(client, in_vietnamese):
    user = make_user()
    login(client, user)
    (_, kettle), _ = two_shops(stock_a=4)
    line = cart.add_item(user, kettle.variants[0].id, 1)
    db.session.commit()
    answer = client.post(f"/cart/lines/{line.id}", data={"quantity": "0"}, headers={**in_vietnamese, **htmx()})
    assert answer.status_code == 422
    assert ("Vui lòng chọn ít nhất 1. Để bỏ sản phẩm khỏi giỏ hàng, hãy bấm Xóa. Giỏ hàng vẫn giữ số lượng 1."
            in html_of(answer))
    page = html_of(client.get("/cart", headers=in_vietnamese))
    assert "<title>Giỏ hàng" in page and "Tạm tính" in page and "Thanh toán" in page


def test_saved_and_followed_shops_read_vietnamese(client, in_vietnamese):
    login(client, make_user())
    assert "Bạn chưa lưu sản phẩm nào." in html_of(client.get("/saved", headers=in_vietnamese))
    assert "Bạn chưa theo dõi shop nào." in html_of(client.get("/following", headers=in_vietnamese))


def test_english_stays_english(client):
    tree, shop, product = shop_with_products()
    home = html_of(client.get("/"))
    assert '<html lang="en">' in home and "Independent shops, one cart, one checkout" in home
    assert "Bán chạy" not in home
    english = html_of(client.get(f"/p/{product.id}", headers={"Accept-Language": "en-US,en;q=0.9"}))
    assert "Add to cart" in english and "Thêm vào giỏ hàng" not in english


def test_a_chosen_language_wins_over_the_browser_and_the_default(client, vietnamese_by_default):
    client.set_cookie("locale", "en")
    home = html_of(client.get("/", headers={"Accept-Language": "vi"}))
    assert '<html lang="en">' in home and "Best sellers" in html_of(client.get("/"))


def test_the_switcher_sets_the_cookie_saves_the_profile_and_goes_back(client, vietnamese_by_default):
    tree, shop, product = shop_with_products()
    user = make_user()
    login(client, user)
    back = f"http://localhost/p/{product.id}"
    answer = client.post("/language", data={"locale": "en"}, headers={"Referer": back})
    assert answer.status_code == 303 and answer.headers["Location"] == f"/p/{product.id}"
    assert "locale=en" in answer.headers["Set-Cookie"]
    assert user.locale == "en"  # the profile keeps it for their other devices
    client.delete_cookie("locale")
    page = html_of(client.get(f"/p/{product.id}"))
    assert '<html lang="en">' in page and "Add to cart" in page


def test_the_switcher_works_for_a_visitor_without_javascript(client):
    answer = client.post("/language", data={"locale": "vi"}, headers={"Referer": "http://localhost/cart"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/cart"
    assert "<title>Giỏ hàng" in html_of(client.get("/cart"))
    # the switcher is a form with a button per language, each named in its own language
    footer = html_of(client.get("/"))
    assert 'action="/language"' in footer and 'lang="en"' in footer and ">English</button>" in footer


@pytest.mark.parametrize(("path", "code", "message", "english"), [
    ("/api/v1/products/00000000-0000-0000-0000-000000000000", "product_not_found",
     "Sản phẩm này hiện không có sẵn.", "That product is not available."),
    ("/api/v1/products/not-an-id", "not_found",  # no route at all: the framework's 404, in our words
     "Không tìm thấy nội dung nào tại địa chỉ này.", "Nothing was found at this address."),
])
def test_the_api_speaks_the_askers_language_with_english_codes(client, path, code, message, english):
    answer = client.get(path, headers={"Accept-Language": "vi"})
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == code
    assert answer.get_json()["error"]["message"] == message
    assert client.get(path).get_json()["error"] == {"code": code, "message": english, "fields": {}}


def test_api_field_errors_follow_the_language(client):
    answer = client.get("/api/v1/products?limit=0", headers={"Accept-Language": "vi"})
    error = answer.get_json()["error"]
    assert answer.status_code == 422 and error["code"] == "validation_error"
    assert error["message"] == "Một số trường bị thiếu hoặc không hợp lệ."
    assert error["fields"]["limit"].startswith("Giá trị phải lớn hơn")
