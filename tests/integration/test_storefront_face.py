"""The storefront's face through the client: the header on every page, the home shelves, empty lists that
say what is true, a listing reopened after "Load more", the product page's shelves and recently viewed,
and the shop's own error pages."""
import re
import uuid

import pytest

from marketplace.catalog.views import RECENT_COOKIE
from marketplace.models import ShopStatus
from tests.catalog_support import add_image, htmx, make_tree, product_at
from tests.factories import login, make_shop, make_user


def html_of(response) -> str:
    return response.get_data(as_text=True)


def card_titles(html: str) -> list[str]:
    return re.findall(r'class="product-card-title"><a href="[^"]*">([^<]+)</a>', html)


# ---- the header ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/search?q=ao", "/cart", "/account/login"])
def test_every_page_has_search_cart_and_a_menu_that_opens_without_javascript(client, path):
    page = html_of(client.get(path))
    assert 'id="nav-search-input"' in page and 'id="nav-cart"' in page
    # the phone menu is a <details>: it opens without a script, and offers login to a guest
    menu = page.split('<details class="site-menu', 1)[1].split("</details>", 1)[0]
    assert "<summary" in menu and 'href="/account/login"' in menu and 'href="/account/register"' in menu
    assert "data-bs-toggle=\"collapse\"" not in page  # nothing in the header waits for Bootstrap's script


def test_a_visitors_header_shows_each_searchs_own_words_from_one_memo(app, client):
    """The visitor's header is memoized with a stand-in for the search box's words (web/templating.py
    memoized(fill=...)): every search shows its own, escaped, and no other page shows any."""
    from marketplace.web.templating import _MEMOIZED

    def box(html: str) -> str:
        return re.search(r'<input id="nav-search-input"[^>]*>', html).group(0)

    app.extensions.pop(_MEMOIZED, None)
    first, second = html_of(client.get("/search?q=ao+thun")), html_of(client.get('/search?q=<b>"x"</b>+%26'))
    assert 'value="ao thun"' in box(first)
    assert 'value="&lt;b&gt;&#34;x&#34;&lt;/b&gt; &amp;"' in box(second)
    assert 'value=""' in box(html_of(client.get("/")))
    headers = [key for key in app.extensions[_MEMOIZED] if key[0] == "partials/_header.html"]
    assert len(headers) == 1  # both searches and the home page: the same storefront header
    assert "\x00" not in first + second


def test_a_signed_in_phone_menu_reaches_orders_and_log_out_without_javascript(client):
    login(client, make_user(full_name="Ngô Bảo Châu"))
    page = html_of(client.get("/"))
    menu = page.split('<details class="site-menu', 1)[1].split("</details>", 1)[0]
    assert "Ngô Bảo Châu" in menu and 'href="/orders"' in menu
    assert 'action="/account/logout"' in menu and ">Log out</button>" in menu


def test_the_brand_is_the_configured_site_name(app, client):
    page = html_of(client.get("/"))
    assert f"· {app.config['SITE_NAME']}</title>" in page and 'src="/static/img/logo.svg' in page


# ---- home ------------------------------------------------------------------------------------

def test_home_has_category_tiles_shelves_and_shops_to_follow(client):
    tree = make_tree()
    busy, quiet = make_shop(name="Tiệm Bận Rộn"), make_shop(name="Tiệm Vắng")
    for minute in range(3):
        add_image(product_at(minute, shop=busy, category=tree["tees"], title=f"Áo thun {minute}", sold=10 + minute))
    product_at(5, shop=quiet, category=tree["electronics"], title="Sạc dự phòng")
    make_shop(name="Tiệm Chưa Bán")  # nothing listed: not put forward
    page = html_of(client.get("/"))
    tiles = page.split('class="category-tiles"', 1)[1].split("</section>", 1)[0]
    assert "Thời trang" in tiles and "Điện tử" in tiles and "#bag" in tiles and "#phone" in tiles
    assert "Áo thun 2" in page.split('id="best-sellers-heading"', 1)[1]
    shops = page.split('id="shops-heading"', 1)[1]
    assert "Tiệm Bận Rộn" in shops and "3 products" in shops and "Tiệm Vắng" in shops
    assert "Tiệm Chưa Bán" not in page


def test_a_closed_shop_leaves_shops_to_follow_at_once(client):
    shop = make_shop(name="Tiệm Sắp Đóng")
    product_at(1, shop=shop)
    assert "Tiệm Sắp Đóng" in html_of(client.get("/"))
    shop.status = ShopStatus.SUSPENDED
    from marketplace.extensions import db

    db.session.flush()
    assert "Tiệm Sắp Đóng" not in html_of(client.get("/"))


# ---- empty lists say what is true ---------------------------------------------------------------

def test_an_empty_category_says_so_and_offers_other_categories_and_best_sellers(client):
    tree = make_tree()
    product_at(1, category=tree["tees"], title="Áo thun bán chạy", sold=5)
    page = html_of(client.get("/c/dien-tu"))
    empty = page.split('data-testid="empty-state"', 1)[1]
    assert "Nothing in Điện tử yet" in empty and "No products match" not in page
    assert 'href="/c/thoi-trang"' in empty.split("</nav>", 1)[0]
    assert 'href="/c/dien-tu"' not in empty.split("</nav>", 1)[0]  # not the category it is on
    assert "Áo thun bán chạy" in empty.split('id="empty-best-heading"', 1)[1]


def test_a_search_with_no_results_names_the_words(client):
    product_at(1, title="Áo thun")
    page = html_of(client.get("/search?q=hodie"))
    assert "No results for “hodie”" in page and "Check the spelling" in page


def test_filters_that_leave_nothing_say_so_and_offer_to_clear_them(client):
    tree = make_tree()
    product_at(1, category=tree["tees"], title="Áo thun", price=1000)
    page = html_of(client.get("/c/ao-thun?min_price=500"))
    assert "Nothing matches these filters" in page
    assert 'href="/c/ao-thun">Clear the filters' in page
    assert "Best sellers" not in page.split('data-testid="empty-state"', 1)[1].split("<footer", 1)[0]  # the filters are the way on
    search = html_of(client.get("/search?q=ao&max_price=1"))
    assert 'href="/search?q=ao">Clear the filters' in search


def test_a_new_shop_says_it_has_not_listed_anything(client):
    shop = make_shop(name="Tiệm Mới")
    assert "This shop hasn't listed anything yet" in html_of(client.get(f"/s/{shop.slug}"))


# ---- "Load more", and Back to what was loaded -------------------------------------------------------

def test_load_more_links_keep_the_pages_loaded_for_back(client):
    tree = make_tree()
    for minute in range(60):
        product_at(minute, category=tree["tees"], title=f"Áo {minute:02d}")
    first = html_of(client.get("/c/ao-thun"))
    link = re.search(r'<a class="[^"]*" href="([^"]+)" rel="next"\s+hx-get="([^"]+)"[^>]*hx-replace-url="([^"]+)"', first)
    plain, fragment, restore = (value.replace("&amp;", "&") for value in link.groups())
    assert "cursor=" in plain and "pages=" not in plain  # without JavaScript: the next page alone
    assert "cursor=" in fragment and "pages=2" in fragment
    assert restore == "/c/ao-thun?pages=2"
    more = html_of(client.get(fragment, headers=htmx("load-more")))
    assert len(card_titles(more)) == 24
    third = re.search(r'hx-replace-url="([^"]+)"', more).group(1).replace("&amp;", "&")
    assert third == "/c/ao-thun?pages=3"
    # Back: the address now says three pages; the page shows all of them, newest first, once each
    titles = card_titles(html_of(client.get("/c/ao-thun?pages=3")))
    assert titles == [f"Áo {minute:02d}" for minute in range(59, -1, -1)][:60] and len(set(titles)) == 60
    assert 'id="load-more"' not in html_of(client.get("/c/ao-thun?pages=3"))


def test_a_page_asked_for_more_than_48_cards_shows_48(client):
    tree = make_tree()
    for minute in range(60):
        product_at(minute, category=tree["tees"])
    assert len(card_titles(html_of(client.get("/c/ao-thun?limit=500")))) == 48


@pytest.mark.parametrize("pages", ["0", "-4", "abc", "99999"])
def test_a_strange_pages_value_is_clamped_not_an_error(client, pages):
    tree = make_tree()
    product_at(1, category=tree["tees"])
    response = client.get(f"/c/ao-thun?pages={pages}")
    assert response.status_code == 200 and len(card_titles(html_of(response))) == 1


# ---- the product page's shelves ------------------------------------------------------------------

def test_product_shelves_show_the_shop_and_close_priced_products_of_its_category(client):
    tree = make_tree()
    shop, other = make_shop(name="Tiệm A"), make_shop(name="Tiệm B")
    product = product_at(1, shop=shop, category=tree["tees"], title="Áo chính", price=10_000)
    product_at(2, shop=shop, category=tree["electronics"], title="Sạc của tiệm A", price=50)
    product_at(3, shop=other, category=tree["tees"], title="Áo giá gần", price=15_000)
    product_at(4, shop=other, category=tree["tees"], title="Áo quá đắt", price=90_000)
    page = html_of(client.get(f"/p/{product.id}"))
    assert 'hx-get="/p/%s/around"' % product.id in page and 'hx-trigger="revealed"' in page
    assert f'href="/s/{shop.slug}">More from Tiệm A' in page  # the way there without JavaScript
    around = html_of(client.get(f"/p/{product.id}/around", headers=htmx("product-around")))
    from_shop = around.split('id="from-shop-heading"', 1)[1].split("</section>", 1)[0]
    similar = around.split('id="similar-heading"', 1)[1]
    assert card_titles(from_shop) == ["Sạc của tiệm A"]
    assert card_titles(similar) == ["Áo giá gần"]
    assert "Áo chính" not in card_titles(around)


def test_shelves_of_a_hidden_product_are_not_found(client):
    assert client.get(f"/p/{uuid.uuid4()}/around").status_code == 404


def test_recently_viewed_remembers_products_in_a_cookie_without_login(client):
    first, second, third = (product_at(n, title=f"Xem {n}") for n in range(3))
    assert card_titles(html_of(client.get(f"/p/{first.id}/recent"))) == []  # nothing viewed before
    client.get(f"/p/{second.id}/recent")
    shown = html_of(client.get(f"/p/{third.id}/recent"))
    assert card_titles(shown) == ["Xem 1", "Xem 0"]  # newest first, never the product on screen
    cookie = client.get_cookie(RECENT_COOKIE)
    assert cookie.value.split(".")[:3] == [str(third.id), str(second.id), str(first.id)] and cookie.http_only


def test_recently_viewed_ignores_a_forged_cookie(client):
    product = product_at(1, title="Thật")
    client.set_cookie(RECENT_COOKIE, f"not-a-uuid.{uuid.uuid4()}.'.DROP TABLE products;--.{product.id}")
    other = product_at(2, title="Khác")
    response = client.get(f"/p/{other.id}/recent")
    assert response.status_code == 200 and card_titles(html_of(response)) == ["Thật"]


def test_a_preview_shows_no_shelves(client):
    from tests.factories import make_product

    shop = make_shop()
    login(client, shop.owner)
    product = make_product(shop=shop)
    page = html_of(client.get(f"/seller/products/{product.id}/preview"))
    assert "/around" not in page and "/recent" not in page


# ---- error pages -----------------------------------------------------------------------------

def test_the_404_page_is_the_shops_with_search_and_a_way_home(client):
    response = client.get("/no-such-page")
    page = html_of(response)
    assert response.status_code == 404 and "We couldn&#39;t find that page" in page
    assert "requested URL was not found" not in page  # not the framework's sentence
    assert 'action="/search"' in page.split('class="error-page"', 1)[1] and "Back to the home page" in page
    assert 'id="nav-search-input"' in page  # the header too


def test_a_missing_product_is_a_404_page_of_the_shop(client):
    response = client.get(f"/p/{uuid.uuid4()}")
    assert response.status_code == 404 and 'class="error-page"' in html_of(response)


# ---- the seller card -------------------------------------------------------------------------

def test_the_seller_card_counts_products_rating_and_answered_reviews(client):
    from marketplace.extensions import db
    from marketplace.models import OrderStatus, Review
    from tests.factories import make_order

    shop = make_shop(name="Tiệm Trả Lời")
    first, second = product_at(1, shop=shop), product_at(2, shop=shop)
    for n, (product, rating, reply, hidden) in enumerate([(first, 5, "Cảm ơn!", False), (first, 3, None, False),
                                                         (second, 4, None, False), (second, 1, None, True)]):
        order = make_order(product=product, status=OrderStatus.DELIVERED)
        db.session.add(Review(product_id=product.id, order_item_id=order.items[0].id, user_id=order.buyer_id,
                              rating=rating, body=f"Review {n}", seller_reply=reply, is_hidden=hidden))
    first.review_count, first.rating_sum, second.review_count, second.rating_sum = 2, 8, 1, 4  # as the service keeps them
    db.session.flush()
    page = html_of(client.get(f"/p/{first.id}"))
    assert f'hx-get="/s/{shop.slug}/seller-card"' in page
    card = html_of(client.get(f"/s/{shop.slug}/seller-card"))
    assert "★</span> 4.0" in card and "3 reviews" in card
    assert "<dt>2</dt><dd>products</dd>" in card
    assert "<dt>33%</dt><dd>reviews answered</dd>" in card  # one of the three published; the hidden one doesn't count


def test_a_closed_shops_seller_card_is_not_found(client):
    shop = make_shop(status=ShopStatus.SUSPENDED)
    assert client.get(f"/s/{shop.slug}/seller-card").status_code == 404
    assert client.get("/s/no-such-shop/seller-card").status_code == 404


@pytest.mark.parametrize("words", ["ao thun", '<b>"x"</b> & {y}', "", "x" * 201])
def test_the_search_pages_search_box_is_what_the_field_macro_renders(app, words):
    """catalog/listing.py search_field fills a memo with the words: it must give the macro's own markup."""
    from urllib.parse import urlencode

    from flask import get_template_attribute

    from marketplace.catalog.listing import filter_form, search_field

    for _ in range(2):  # the memo's first render, then a fill
        with app.app_context(), app.test_request_context("/search?" + urlencode({"q": words})):
            form = filter_form(searching=True)
            form.validate()
            direct = get_template_attribute("macros/_forms.html", "form_field")(form.q, label="Search for", type="search")
            assert str(search_field(form)) == str(direct)


def test_a_description_and_a_review_keep_their_lines_escaped(app, client):
    """The line_breaks filter (web/templating.py): each line escaped, <br> between, paragraphs on blank lines."""
    from flask import get_template_attribute

    from tests.factories import make_product

    product = make_product(description='Bình <trà>\nvẽ tay\n\n"Gốm" & men')
    html = html_of(client.get(f"/p/{product.id}"))
    assert "<p>Bình &lt;trà&gt;<br>vẽ tay</p>" in html and "<p>&#34;Gốm&#34; &amp; men</p>" in html
    with app.test_request_context("/"):
        paragraphs = get_template_attribute("reviews/_macros.html", "paragraphs")  # review bodies and replies
        assert str(paragraphs("Đẹp <3\r\ngiao nhanh\n")) == "Đẹp &lt;3<br>giao nhanh"
        assert str(paragraphs("")) == ""
