"""The Saved and Followed shops pages, the heart and the Follow button, through the test client."""
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import ProductStatus, ShopFollow, ShopStatus, WishlistItem
from marketplace.services.core import rollups
from marketplace.services.wishlist import follows, wishlist
from marketplace.web import page_cache
from tests.catalog_support import htmx
from tests.factories import login, make_category, make_product, make_shop, make_user


def saved_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(WishlistItem).where(WishlistItem.user_id == user.id))


def follow_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(ShopFollow).where(ShopFollow.user_id == user.id))


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def heart_of(html: str, product_id) -> str:
    """The heart form of a product in a page."""
    match = re.search(r'<form method="post" action="/saved/%s".*?</form>' % product_id, html, re.S)
    assert match, f"no heart for {product_id}"
    return match.group(0)


def visitor_hearts(html: str) -> list[str]:
    """A visitor's hearts in a page: links to log in."""
    return re.findall(r'<a class="heart-link heart-button"[^>]*>', html)


# ---- the heart ------------------------------------------------------------------------------

def test_a_plain_post_saves_and_returns_to_next_with_a_flash(client):
    user, product = make_user(), make_product(title="Ấm đun nước")
    login(client, user)
    response = client.post(f"/saved/{product.id}", data={"saved": "1", "next": "/search?q=am"})
    assert response.status_code == 302 and response.headers["Location"] == "/search?q=am"
    assert saved_count(user) == 1
    assert "Saved “Ấm đun nước”" in text_of(client.get("/saved"))


def test_posting_without_a_wish_toggles_and_an_outside_next_goes_to_the_product(client):
    user, product = make_user(), make_product()
    login(client, user)
    first = client.post(f"/saved/{product.id}", data={"next": "https://evil.example/"})
    assert first.headers["Location"] == f"/p/{product.id}"
    assert saved_count(user) == 1
    client.post(f"/saved/{product.id}")
    assert saved_count(user) == 0


def test_saving_twice_keeps_one_and_removing_twice_is_fine(client):
    user, product = make_user(), make_product()
    login(client, user)
    for _ in range(2):
        assert client.post(f"/saved/{product.id}", data={"saved": "1"}).status_code == 302
    assert saved_count(user) == 1
    for _ in range(2):
        assert client.post(f"/saved/{product.id}", data={"saved": "0"}).status_code == 302
    assert saved_count(user) == 0


def test_htmx_swaps_the_heart_pressed_with_its_name_and_keeps_the_slot(client):
    user, product = make_user(), make_product(title="Kettle")
    login(client, user)
    response = client.post(f"/saved/{product.id}", data={"saved": "1", "next": "/c/kettles"},
                           headers={**htmx("heart-3"), "HX-Trigger": "heart-3"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="heart-3"' in html and 'id="heart-3-button"' in html
    assert 'aria-pressed="true"' in html and 'aria-label="Remove Kettle from saved"' in html
    assert 'name="saved" value="0"' in html and 'value="/c/kettles"' in html
    assert saved_count(user) == 1
    again = client.post(f"/saved/{product.id}", data={"saved": "0"}, headers={**htmx("x"), "HX-Trigger": "<evil>"})
    assert 'aria-pressed="false"' in again.get_data(as_text=True) and 'aria-label="Save Kettle"' in text_of(again)
    assert "<evil>" not in again.get_data(as_text=True)


def test_a_visitor_is_sent_to_log_in_and_back_and_nothing_is_saved(client):
    product = make_product()
    response = client.post(f"/saved/{product.id}", data={"saved": "1", "next": "/c/kettles"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login?next=/c/kettles"
    assert client.post(f"/saved/{product.id}", data={"saved": "1"}, headers=htmx("heart-1")).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(WishlistItem)) == 0


@pytest.mark.parametrize("status", [ProductStatus.HIDDEN, ProductStatus.DRAFT])
def test_a_product_that_is_not_on_sale_is_refused_with_the_reason(client, status):
    user, product = make_user(), make_product(title="Secretlamp", status=status)
    login(client, user)
    page = client.post(f"/saved/{product.id}", data={"saved": "1"})
    assert page.status_code == 404 and "That product is not available." in text_of(page)
    swapped = client.post(f"/saved/{product.id}", data={"saved": "1"}, headers={**htmx("heart-2"),
                                                                                  "HX-Trigger": "heart-2"})
    assert swapped.status_code == 200
    assert 'id="heart-2"' in swapped.get_data(as_text=True) and "That product is not available." in text_of(swapped)
    assert "Secretlamp" not in text_of(page) + text_of(swapped)
    assert saved_count(user) == 0


def test_an_unknown_product_is_404(client):
    login(client, make_user())
    assert client.post("/saved/00000000-0000-0000-0000-000000000000", data={"saved": "1"}).status_code == 404
    assert client.post("/saved/not-a-uuid").status_code == 404


# ---- hearts on pages --------------------------------------------------------------------------

def test_cards_and_the_product_page_show_the_shoppers_hearts(client):
    category = make_category(slug="kettles")
    saved, other = make_product(category=category, title="Saved one"), make_product(category=category, title="Other")
    user = make_user()
    wishlist.save(user, saved.id)
    login(client, user)
    listing = client.get("/c/kettles").get_data(as_text=True)
    assert 'aria-pressed="true"' in heart_of(listing, saved.id)
    assert 'aria-pressed="false"' in heart_of(listing, other.id)
    assert 'value="/c/kettles"' in heart_of(listing, other.id)
    product_page = client.get(f"/p/{saved.id}").get_data(as_text=True)
    assert 'id="heart-product"' in product_page and 'aria-pressed="true"' in heart_of(product_page, saved.id)
    home = client.get("/").get_data(as_text=True)
    assert 'aria-pressed="true"' in heart_of(home, saved.id)


def test_a_cards_heart_is_exactly_what_the_heart_macro_renders(app, monkeypatch):
    """state.card_hearts fills a shape rendered once per process: it must give the macro's own markup,
    a signed-in shopper's toggle and a visitor's link alike."""
    from types import SimpleNamespace

    from flask import g

    from marketplace.services.catalog import listing_queries
    from marketplace.wishlist import state

    category = make_category()
    made = [make_product(category=category, title=title) for title in ('Bình <trà> & "ấm" {x}', "Cốc's")]
    with app.test_request_context("/c/x?sort=price_asc&q=<a>"):
        cards = listing_queries.list_products(listing_queries.ListingQuery(category_ids=[category.id])).items
        visitor = state.card_hearts(cards)
        assert visitor == [str(state._visitor_heart(card.title, state.back_path(), "")) for card in cards]
        monkeypatch.setattr(state, "current_user", SimpleNamespace(is_authenticated=True))
        monkeypatch.setattr(state, "saved_ids", lambda: frozenset({made[0].id}))
        fast = state.card_hearts(cards)
        g.pop("wishlist_slots")
        slow = [str(state.heart_html(card.id, card.title, card.id == made[0].id, state.slot("heart"),
                                     state.back_path())) for card in cards]
    assert fast == slow and len(fast) == 2
    assert any('aria-pressed="true"' in html for html in fast) and any("&lt;trà&gt;" in html for html in fast)
    assert len(visitor) == 2 and any("&lt;trà&gt;" in html for html in visitor)
    assert all('href="/account/login?next=/c/x?sort%3Dprice_asc%26q%3D%3Ca%3E&amp;why=save"' in html
               for html in visitor), visitor[0]


def test_a_visitors_heart_is_a_link_to_log_in_that_says_why_and_comes_back(client):
    category = make_category(slug="kettles")
    product = make_product(category=category, title="Kettle")
    listing = client.get("/c/kettles?sort=newest").get_data(as_text=True)
    [heart] = visitor_hearts(listing)
    assert 'aria-label="Save Kettle"' in heart and "csrf_token" not in listing.split("<main", 1)[1]
    href = unescape(re.search(r'href="([^"]+)"', heart).group(1))
    assert href == "/account/login?next=/c/kettles?sort%3Dnewest&why=save"
    login_page = text_of(client.get(href))
    assert "Log in to save products for later." in login_page and 'value="/c/kettles?sort=newest"' in login_page
    assert "Log in to save products for later." not in text_of(client.get("/account/login"))
    [product_heart] = visitor_hearts(client.get(f"/p/{product.id}").get_data(as_text=True))
    assert 'id="heart-product"' in product_heart


def test_a_visitors_cached_page_never_carries_a_shoppers_hearts(app, client):
    category = make_category(slug="mugs")
    product = make_product(category=category, title="Mug")
    user = make_user()
    wishlist.save(user, product.id)
    page_cache.clear()
    visitor = app.test_client()
    first = visitor.get("/c/mugs")
    assert len(visitor_hearts(first.get_data(as_text=True))) == 1
    login(client, user)  # the signed-in shopper's page is their own (and the card memo is shared)
    assert 'aria-pressed="true"' in heart_of(client.get("/c/mugs").get_data(as_text=True), product.id)
    again = visitor.get("/c/mugs")
    assert len(visitor_hearts(again.get_data(as_text=True))) == 1
    assert "aria-pressed" not in again.get_data(as_text=True).split("<main", 1)[1]


# ---- the Saved page ---------------------------------------------------------------------------

def test_the_saved_page_lists_saved_products_with_load_more(client):
    user = make_user()
    products = [make_product(title=f"Keeper {n}") for n in range(3)]
    for product in products:
        wishlist.save(user, product.id)
    make_product(title="Not saved")
    login(client, user)
    page = text_of(client.get("/saved?limit=2"))
    assert page.count("Keeper") >= 2 and "Not saved" not in page
    cursor = re.search(r'href="/saved\?cursor=([^"]+)"', page)
    assert cursor, "a Load more link"
    more = client.get(f"/saved?cursor={cursor.group(1)}&limit=2", headers=htmx("saved-more"))
    assert "<html" not in more.get_data(as_text=True)
    seen = set(re.findall(r"Keeper \d", page + text_of(more)))
    assert seen == {"Keeper 0", "Keeper 1", "Keeper 2"}


def test_the_saved_page_says_when_nothing_is_saved(client):
    login(client, make_user())
    page = text_of(client.get("/saved"))
    assert "Nothing saved yet." in page and "Tap the heart on a product to keep it here." in page
    assert 'href="/"' in page


def test_a_bad_cursor_is_a_clear_refusal(client):
    login(client, make_user())
    response = client.get("/saved?cursor=%5B%5B")
    assert response.status_code == 422 and "That page link is no longer valid." in text_of(response)


@pytest.mark.parametrize("path", ["/saved", "/following"])
def test_the_lists_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_the_user_menu_links_both_pages(client):
    login(client, make_user())
    page = client.get("/").get_data(as_text=True)
    assert 'href="/saved">Saved</a>' in page and 'href="/following">Followed shops</a>' in page


# ---- following shops --------------------------------------------------------------------------

def test_the_shop_page_shows_follow_and_the_count_and_a_plain_post_follows(client):
    shop = make_shop(name="Tea House")
    follows.follow(make_user(), shop.id)
    user = make_user()
    login(client, user)
    page = text_of(client.get(f"/s/{shop.slug}"))
    assert 'aria-pressed="false"' in page and ">Follow</button>" in page and "1 follower" in page
    response = client.post(f"/following/{shop.id}", data={"follow": "1", "next": f"/s/{shop.slug}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/s/{shop.slug}"
    page = text_of(client.get(f"/s/{shop.slug}"))
    assert "You follow Tea House." in page and ">Following</button>" in page and "2 followers" in page
    assert follow_count(user) == 1


def test_htmx_swaps_the_follow_button_with_the_new_count(client):
    shop, user = make_shop(name="Tea House"), make_user()
    login(client, user)
    response = client.post(f"/following/{shop.id}", data={"follow": "1"},
                           headers={**htmx("follow-shop"), "HX-Trigger": "follow-shop"})
    html = text_of(response)
    assert 'id="follow-shop"' in html and 'aria-pressed="true"' in html and "1 follower" in html
    assert 'aria-label="Following Tea House"' in html
    response = client.post(f"/following/{shop.id}", data={"follow": "0"},
                           headers={**htmx("follow-shop"), "HX-Trigger": "follow-shop"})
    assert ">Follow</button>" in text_of(response) and "0 followers" in text_of(response)
    assert follow_count(user) == 0


def test_a_visitors_shop_page_counts_followers_exactly_from_the_cache(app, client):
    shop = make_shop()
    visitor = app.test_client()
    rollups.include_pending()  # (the test's rows are uncommitted: see test_sql_budgets.cold_and_warm)
    page_cache.clear()
    assert "0 followers" in text_of(visitor.get(f"/s/{shop.slug}"))
    assert visitor.get(f"/s/{shop.slug}").headers.get("X-Cache") == "HIT"
    follows.follow(make_user(), shop.id)
    db.session.flush()
    refreshed = visitor.get(f"/s/{shop.slug}")
    assert refreshed.headers.get("X-Cache") == "MISS" and "1 follower" in text_of(refreshed)


def test_a_visitor_pressing_follow_is_sent_to_log_in(client):
    shop = make_shop()
    response = client.post(f"/following/{shop.id}", data={"follow": "1", "next": f"/s/{shop.slug}"})
    assert response.headers["Location"] == f"/account/login?next=/s/{shop.slug}"
    assert db.session.scalar(select(func.count()).select_from(ShopFollow)) == 0


def test_a_suspended_shop_cannot_be_followed(client):
    shop, user = make_shop(status=ShopStatus.SUSPENDED), make_user()
    login(client, user)
    response = client.post(f"/following/{shop.id}", data={"follow": "1"})
    assert response.status_code == 404 and "That shop is not open." in text_of(response)
    assert follow_count(user) == 0


def test_the_owner_sees_the_count_without_a_button_and_cannot_follow(client):
    shop = make_shop()
    login(client, shop.owner)
    page = text_of(client.get(f"/s/{shop.slug}"))
    assert "0 followers" in page and 'data-testid="follow"' not in page
    response = client.post(f"/following/{shop.id}", data={"follow": "1"})
    assert response.status_code == 422 and "This is your own shop" in text_of(response)
    assert follow_count(shop.owner) == 0


def test_the_followed_shops_page_lists_them_with_their_figures(client):
    user, shop = make_user(), make_shop(name="Tea House", logo_key=None)
    product = make_product(shop=shop)
    product.review_count, product.rating_sum = 2, 9
    follows.follow(user, shop.id)
    login(client, user)
    page = text_of(client.get("/following"))
    assert "Tea House" in page and f'href="/s/{shop.slug}"' in page
    assert "★ 4.5" in page and "(2 reviews)" in page and "1 product" in page
    assert 'alt=""' in page


def test_the_followed_shops_page_says_when_there_are_none(client):
    login(client, make_user())
    page = text_of(client.get("/following"))
    assert "You don't follow any shop yet." in page and 'href="/"' in page
