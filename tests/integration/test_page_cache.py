"""The anonymous page cache (marketplace/web/page_cache.py) serves exactly what a fresh render would.

Every input of a cached page moves a cache version or is part of its key: a change shows on
the next request. Only visitors who would all see the same page share it, and each gets
their own CSRF token in it.
"""
import json
import logging
import os
import re

import brotli
import pytest
from sqlalchemy import text

from marketplace.extensions import db
from marketplace.models import ProductStatus, ProductVariant, Review, User
from marketplace.money import format_money
from marketplace.services.core import rollups
from marketplace.web import page_cache
from tests.catalog_support import add_image, htmx, product_at
from tests.conftest import CsrfClient
from tests.database import for_this_worker
from tests.factories import make_category, make_order, make_product, make_user
from tests.redis_support import empty_redis
from tests.reviews_support import login

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')  # a form's (add to cart)


def visit(client, url: str, **kwargs) -> tuple[str | None, str]:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.headers.get("X-Cache"), response.get_data(as_text=True)


def committed_looking() -> None:
    """Fire the test's pending version triggers now, as its commit would (see test_sql_budgets.cold_and_warm)."""
    db.session.flush()
    rollups.include_pending()


def another_visitor(app) -> CsrfClient:
    return app.test_client()


def test_an_anonymous_page_is_served_from_the_cache_with_the_visitors_own_csrf_token(app, client):
    product = make_product(title="Clay teapot", variants=[{"stock": 5}])
    url = f"/p/{product.id}"
    committed_looking()
    first_state, first = visit(client, url)
    other = another_visitor(app)
    state, page = visit(other, url)
    assert (first_state, state) == ("MISS", "HIT")
    assert "Clay teapot" in page and page.replace(TOKEN.search(page)[1], "") == first.replace(TOKEN.search(first)[1], "")
    token = TOKEN.search(page)[1]
    assert token != TOKEN.search(first)[1] and "\x00" not in page
    # The token in the cached page is this visitor's: the add-to-cart form posts with it.
    response = other.post("/cart/items", data={"variant_id": product.variants[0].id, "quantity": 1, "csrf_token": token},
                          csrf=False)
    assert response.status_code == 302


def test_a_shared_page_without_a_form_starts_no_session(app, client):
    """A listing has no form that posts (a visitor's heart is a link): it carries no CSRF token, not even
    htmx's, so it sets no cookie, rendered or cached, and a CDN could keep it as it is."""
    category = make_category(slug="teapots")
    product_at(1, category=category, title="Clay teapot")
    committed_looking()
    for url in ("/", "/c/teapots", "/search?q=teapot"):
        for expected in ("MISS", "HIT"):
            response = another_visitor(app).get(url)
            page = response.get_data(as_text=True)
            assert response.headers.get("X-Cache") == expected and "Clay teapot" in page
            assert "csrf" not in page.lower() and "session=" not in response.headers.get("Set-Cookie", "")
    # A signed-in shopper's page keeps htmx's token: their hearts and menus post with it.
    member = another_visitor(app)
    login(member, make_user())
    assert 'hx-headers=\'{"X-CSRFToken": "' in member.get("/c/teapots").get_data(as_text=True)


def test_signed_in_visitors_guests_with_a_cart_and_flashed_messages_are_never_served_a_shared_page(app, client):
    product = product_at(1, title="Steel kettle")
    committed_looking()
    assert visit(client, "/")[0] == "MISS"
    assert visit(client, "/")[0] == "HIT"

    guest = another_visitor(app)
    added = guest.post("/cart/items", data={"variant_id": product.variants[0].id, "quantity": 2})
    assert added.status_code == 302, added.get_data(as_text=True)
    state, page = visit(guest, "/")
    assert state is None and 'data-count="2"' in page  # two items

    buyer = make_user(full_name="Lan Tran")
    member = another_visitor(app)
    login(member, buyer)
    state, page = visit(member, "/")
    assert state is None and "Lan Tran" in page

    flashed = another_visitor(app)
    with flashed.session_transaction() as session:
        session["_flashes"] = [("success", "Welcome back")]
    state, page = visit(flashed, "/")
    assert state is None and "Welcome back" in page
    # and the shared copy never picked up anyone's cart, name or message
    state, page = visit(another_visitor(app), "/")
    assert state == "HIT" and "Lan Tran" not in page and "Welcome back" not in page


def test_a_remember_me_cookie_bypasses_the_cache(app, client):
    product_at(1, title="Steel kettle")
    committed_looking()
    visit(client, "/")
    remembered = another_visitor(app)
    remembered.set_cookie("remember_token", "whatever")
    assert visit(remembered, "/")[0] is None


def test_a_product_page_shows_live_stock_and_every_edit(app, client):
    product = make_product(title="Glass jar", variants=[{"price": 1000, "stock": 5, "name": "Small"},
                                                       {"price": 2000, "stock": 5, "name": "Large"}])
    add_image(product)
    url = f"/p/{product.id}"
    committed_looking()
    assert visit(client, url)[0] == "MISS"
    assert visit(client, url)[0] == "HIT"

    small, large = sorted(product.variants, key=lambda v: v.price)
    db.session.get(ProductVariant, small.id).stock = 2  # a sale: no version moves, the live key does
    committed_looking()
    state, page = visit(client, url)
    assert state == "MISS"
    assert visit(client, url)[0] == "HIT"

    db.session.get(ProductVariant, large.id).price = 2500  # not the cheapest: no card changes, the page does
    committed_looking()
    state, page = visit(client, f"{url}?variant={large.id}")
    assert state == "MISS" and format_money(2500) in page

    db.session.get(ProductVariant, large.id).name = "Extra large"
    committed_looking()
    state, page = visit(client, url)
    assert state == "MISS" and "Extra large" in page

    product.status = ProductStatus.HIDDEN
    committed_looking()
    assert client.get(url).status_code == 404


def test_a_product_page_follows_its_reviews_and_their_authors(app, client):
    product = make_product(title="Rice cooker")
    order = make_order(product=product)
    buyer = db.session.get(User, order.buyer_id)
    buyer.full_name = "Minh Nguyen"
    review = Review(product_id=product.id, order_item_id=order.items[0].id, user_id=buyer.id, rating=5,
                    body="Cooks well", has_images=False)
    db.session.add(review)
    url = f"/p/{product.id}"
    committed_looking()
    state, page = visit(client, url)
    assert state == "MISS" and "Minh N." in page
    assert visit(client, url)[0] == "HIT"

    review.seller_reply = "Thank you, Minh"
    committed_looking()
    state, page = visit(client, url)
    assert state == "MISS" and "Thank you, Minh" in page

    buyer.full_name = "Minh Pham"
    committed_looking()
    state, page = visit(client, url)
    assert state == "MISS" and "Minh P." in page and "Minh N." not in page


def test_htmx_fragments_are_kept_apart_from_pages_and_keep_their_headers(app, client):
    product = make_product(variants=[{"price": 1000, "stock": 5}, {"price": 1500, "stock": 5}])
    variant = max(product.variants, key=lambda v: v.price)
    committed_looking()
    url = f"/p/{product.id}/variants/panel?variant={variant.id}"
    first = client.get(url, headers=htmx("variant-panel"))
    again = client.get(url, headers=htmx("variant-panel"))
    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("MISS", "HIT")
    assert again.headers["HX-Replace-Url"] == first.headers["HX-Replace-Url"]
    assert "<html" not in again.get_data(as_text=True)
    state, page = visit(client, f"/p/{product.id}?variant={variant.id}")
    assert state == "MISS" and "<html" in page


def test_a_rolled_back_change_does_not_empty_the_cache_and_a_disabled_cache_is_off(app, client):
    product_at(1, title="Steel kettle")
    committed_looking()
    visit(client, "/")
    with db.engine.connect() as conn, conn.begin() as transaction:
        conn.execute(text("UPDATE products SET title = 'x'"))
        transaction.rollback()
    assert visit(client, "/")[0] == "HIT"
    app.config["PAGE_CACHE_SIZE"] = 0
    try:
        assert visit(client, "/")[0] is None
    finally:
        app.config["PAGE_CACHE_SIZE"] = 1024


# ---- shared through Redis (PAGE_CACHE_REDIS_URL) ------------------------------------------------

PAGE_CACHE_REDIS = for_this_worker(os.environ.get("PAGE_CACHE_REDIS_TEST_URL", "redis://127.0.0.1:6379/14"))


@pytest.fixture
def shared_pages(app):
    """Redis db 14 for shared pages, flushed before and after."""
    conn = empty_redis(PAGE_CACHE_REDIS, "the shared page cache tests")
    app.config["PAGE_CACHE_REDIS_URL"] = PAGE_CACHE_REDIS
    app.extensions.pop("page_cache_redis", None)
    yield conn
    app.config["PAGE_CACHE_REDIS_URL"] = ""
    app.extensions.pop("page_cache_redis", None)
    conn.flushdb()
    conn.close()


def test_a_page_rendered_by_one_process_is_a_hit_in_another(app, client, shared_pages):
    product = make_product(title="Bamboo steamer · Xửng hấp tre 🎍", variants=[{"stock": 4}])
    url = f"/p/{product.id}"
    committed_looking()
    state, first = visit(client, url)
    assert state == "MISS" and len(shared_pages.keys("page:*")) == 1
    page_cache.clear()  # another worker: its own cache is empty
    other = another_visitor(app)
    state, page = visit(other, url)
    assert state == "HIT" and "Xửng hấp tre 🎍" in page and "\x00" not in page
    assert TOKEN.search(page)[1] != TOKEN.search(first)[1]
    assert TOKEN.sub("token", page) == TOKEN.sub("token", first)  # byte for byte but the visitor's own token

    db.session.get(ProductVariant, product.variants[0].id).stock = 3  # the live key changes the shared name too
    committed_looking()
    page_cache.clear()
    assert visit(other, url)[0] == "MISS" and len(shared_pages.keys("page:*")) == 2


@pytest.mark.parametrize("stored", [
    json.dumps(["<p>an old release's page</p>", [["Content-Type", "text/html"]]]).encode(),  # the JSON format
    b'[["Content-Type", "text/html"]]\n<p>an old release\'s page</p>',  # v2: the headers alone
    b'[{"Content-Type": "text/html"}, null]\n<p>an old release\'s page</p>',  # headers not as pairs
    b'[[["Content-Type", 3]], null]\n<p>an old release\'s page</p>',
    b'[[["Content-Type", "text/html"]], "zstd"]\n<p>an old release\'s page</p>',  # an encoding it never keeps
    b'[[["Content-Type", "text/html"]], "br"]\n<p>an old release\'s page</p>',  # not brotli
    b'[[["Content-Type", "text/html"]], null]\n\xff\xfe',  # not UTF-8
    b"\xff\xfe\n\xff",  # not even text
])
def test_an_unreadable_shared_copy_is_rendered_again(app, client, shared_pages, stored):
    """A value under a page's shared name that this code did not write (a broken one, or another
    release's format) is a miss, not an error."""
    product_at(1, title="Steel kettle")
    committed_looking()
    assert visit(client, "/")[0] == "MISS"
    (name,) = shared_pages.keys("page:v3:*")
    shared_pages.set(name, stored)
    page_cache.clear()
    state, page = visit(another_visitor(app), "/")
    assert state == "MISS" and "Steel kettle" in page and "old release" not in page


BROTLI = {"Accept-Encoding": "gzip, br"}


def test_a_page_without_a_form_is_kept_compressed_and_sent_as_kept(app, client, shared_pages):
    """Compressed once when rendered: every browser that takes brotli gets those bytes, from this process
    or another; one that doesn't gets the same page as text."""
    product_at(1, title="Bamboo steamer · Xửng hấp tre 🎍")
    committed_looking()
    plain_state, plain = visit(another_visitor(app), "/")
    page_cache.clear()
    shared_pages.flushdb()
    first = client.get("/", headers=BROTLI)
    assert first.headers["X-Cache"] == "MISS" and first.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in first.headers["Vary"]
    (name,) = shared_pages.keys("page:v3:*")
    kept = shared_pages.get(name)
    assert kept.endswith(first.get_data()) and len(kept) < len(plain.encode()) / 3  # kept as sent: compressed
    assert brotli.decompress(first.get_data()).decode() == plain  # the page a text-only browser gets
    for other_process in (False, True):
        if other_process:
            page_cache.clear()
        hit = another_visitor(app).get("/", headers=BROTLI)
        assert (hit.headers["X-Cache"], hit.headers["Content-Encoding"]) == ("HIT", "br")
        assert hit.get_data() == first.get_data()
        assert visit(another_visitor(app), "/") == ("HIT", plain)  # no brotli: decompressed
    assert plain_state == "MISS" and "Xửng hấp tre 🎍" in plain


def test_a_page_with_a_form_is_kept_as_text_with_each_visitors_token(app, client):
    product = make_product(title="Clay teapot", variants=[{"stock": 5}])
    url = f"/p/{product.id}"
    committed_looking()
    pages = []
    for visitor in (client, another_visitor(app)):
        response = visitor.get(url, headers=BROTLI)
        assert response.headers["Content-Encoding"] == "br"  # compressed per response
        pages.append((response.headers["X-Cache"], brotli.decompress(response.get_data()).decode()))
    (first_state, first), (state, page) = pages
    assert (first_state, state) == ("MISS", "HIT") and "Clay teapot" in page
    assert TOKEN.search(page)[1] != TOKEN.search(first)[1] and "\x00" not in page


def test_without_redis_pages_are_still_served_and_cached_per_process(app, client, caplog):
    product_at(1, title="Steel kettle")
    committed_looking()
    app.config["PAGE_CACHE_REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    app.extensions.pop("page_cache_redis", None)
    try:
        with caplog.at_level(logging.WARNING, logger="marketplace.web.page_cache"):
            assert visit(client, "/")[0] == "MISS"
        assert "Redis unavailable" in caplog.text
        assert visit(client, "/")[0] == "HIT"  # the process's own copy
    finally:
        app.config["PAGE_CACHE_REDIS_URL"] = ""
        app.extensions.pop("page_cache_redis", None)


def test_a_forged_host_header_gets_a_page_of_its_own(app, client):
    product_at(1, title="Steel kettle")
    committed_looking()
    assert visit(client, "/", base_url="http://evil.example")[0] == "MISS"
    assert visit(client, "/")[0] == "MISS"  # not the page built for the other Host
    assert visit(client, "/")[0] == "HIT"


def test_a_page_with_a_refused_filter_is_not_kept(app, client):
    category = make_category(slug="lamps")
    product_at(1, category=category, title="Desk lamp")
    committed_looking()
    for _ in range(2):
        refused = client.get("/c/lamps?min_price=abc")
        assert refused.status_code == 422 and "X-Cache" not in refused.headers
    assert visit(client, "/c/lamps")[0] == "MISS"
