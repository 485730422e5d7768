"""SQL statements per benchmarked request, pinned (bench/README.md): a regression fails here.

Every budget is measured twice, on a small and on a larger data set, and must be the same
number: no page issues statements per row it shows. Storefront pages are measured cold
(their per-process caches emptied: services/catalog/storefront_cache.py) and warm. The fixture
counts the app's statements only (not the test harness's savepoints, nor the SET
CONSTRAINTS a read sends when the test's own writes are still uncommitted).
"""
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditLog, OrderStatus, Review, Role, Shop
from marketplace.models.base import utcnow
from marketplace.services.catalog import storefront_cache
from marketplace.services.core import rollups
from marketplace.web import page_cache
from tests.catalog_support import add_image, htmx, product_at
from tests.factories import login, make_address, make_category, make_order, make_product, make_shop, make_user

BUDGETS = {
    # anonymous storefront: (cold caches, storefront caches warm but not the page, the page
    # cache's hit). Cold: the cache versions (one read for tree, shop filter and catalog) + the
    # listing; warm: the versions alone (the listing cache hits, or the whole page does)
    "home": (4, 1, 1),          # versions, best sellers, new arrivals, shops to follow
    "category": (2, 1, 1),      # versions, the page of cards
    "category_more": (2, 1, 1),
    "search": (2, 1, 1),
    # a typo ("hodie"): versions, the typed words' page (empty), the corrected words' page (the
    # catalogue's words are read once per process and catalog version: one more then)
    "search_typo": (3, 1, 1),
    "search_facets": (2, 1, 1),  # the search's facet counts (htmx fragment): versions, one grouped statement
    "category_restored": (2, 1, 1),  # ?pages=3 (Back after two "Load more"s): three pages, one statement
    # the product page's shelves (htmx): versions, the product, its shop's best sellers, its category's;
    # warm: versions and the product (the shelves are cached listings)
    "product_around": (4, 2, 1),
    # a shop's page: versions, its vouchers on offer and its follower count (read every time: the
    # vouchers start and end by the clock, so both are the page cache's live key), the shop with its
    # header figures (count, rating, categories: one statement), the page of cards; warm: the listing
    # cache hits; a hit: versions, vouchers and followers
    "shop": (5, 4, 3),
    # the page cache's key (the product's page version and stock, with every cache version),
    # product + shop + variants + images, reviews + authors + photos + stars; a hit: the key alone
    "product": (3, 1),
    # signed in (the user row is the first statement of each)
    "cart_view": 3,             # user, lines with their pictures, the shops' vouchers (badge = lines read)
    "cart_add_api": 4,          # user, variant + line already in cart, upsert RETURNING, the cart
    # for one line (each further line adds its conditional stock UPDATE), with the commission rates
    # that apply to the lines' shops and categories
    "place_order_api": 12,
    "buyer_orders": 4,          # user, orders + shops, their lines, cart badge
    "buyer_returns": 5,         # user, returns, their lines, their orders (numbers), cart badge
    "seller_returns": 6,        # user, shop, returns, their lines, their orders (numbers), cart badge
    "buyer_orders_delivered": 5,  # the same + which of the delivered lines are reviewed ("Write a review")
    "seller_orders": 6,         # user, shop, orders, lines, counts per status (rollup), cart badge
    "seller_dashboard": 10,     # user, shop, rollups' zone, 4 rollup reads, low stock, reviews + authors + photos, cart badge
    "admin_dashboard": 7,       # user, head counts, rollups' zone, days, summary, statuses (rollup), cart badge
    # user, shop + owner, its history + actors, its products + first pictures, its figures, cart badge
    "admin_shop_review": 6,
    # the storefront signed in: + ONE read of the shopper's saved products for every heart on the page
    "home_signed_in": 4,        # versions, user, cart badge, saved ids (both shelves; cards from the cache)
    "category_signed_in": 4,    # versions, user, cart badge, saved ids (the page of cards from the cache)
    "product_signed_in": 6,     # product, versions, user, cart badge, saved ids, reviews
    "shop_signed_in": 7,        # shop, versions, user, cart badge, vouchers, followers + whether the shopper follows, saved ids
    "saved": 3,                 # user, the saved cards, cart badge (the hearts: the cards shown are the saved ones)
    "following": 3,             # user, the followed shops with their figures, cart badge
    # user, shop, its accounts + the entries (one UNION of per-account index walks), its accounts + the payout
    # sums (figures), its last payouts, cart badge
    "seller_balance": 8,
    # user, shop, the sums before the month and the month's days x kinds (both on ledger_shop_hours), cart badge
    "seller_statement": 5,
}


class Count(int):
    """A statement count that shows the statements when an assertion on it fails."""

    def __new__(cls, statements):
        count = super().__new__(cls, len(statements))
        count.statements = statements
        return count

    def __repr__(self) -> str:
        return f"{int(self)} statements:\n  " + "\n  ".join(" ".join(s.split())[:150] for s in self.statements)


def count(count_queries, call, cache: str | None = None, status: int = 200) -> Count:
    with count_queries() as statements:
        response = call()
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if cache:
        assert response.headers.get("X-Cache") == cache
    return Count(statements)


def cold_and_warm(app, count_queries, call) -> tuple[int, int, int]:
    # The test's rows are uncommitted: fire their cache-version triggers in the test's own
    # transaction, or each request would fire them anew in its savepoint and never hit a cache.
    rollups.include_pending()
    call()  # fills the category tree and shop filter caches built from this test's rows
    storefront_cache.clear()
    page_cache.clear()
    cold = count(count_queries, call)
    page_cache.clear()
    return cold, count(count_queries, call), count(count_queries, call, cache="HIT")


# ---- storefront (anonymous, as in the benchmark) ----------------------------------------------

def make_category_named(slug: str):
    from marketplace.models import Category

    return db.session.query(Category).filter_by(slug=slug).one()


def shelf_products(n: int, category=None, title="Áo thun cotton"):
    shop = make_shop()
    products = []
    for minute in range(n):
        product = product_at(minute, category=category, shop=shop, title=f"{title} {minute}", sold=minute)
        add_image(product)
        products.append(product)
    return products


@pytest.mark.parametrize("size", [2, 30])
def test_home(app, client, count_queries, size):
    shelf_products(size, category=make_category())
    assert cold_and_warm(app, count_queries, lambda: client.get("/")) == BUDGETS["home"]


@pytest.mark.parametrize("size", [3, 60])
def test_category_first_page_and_load_more(app, client, count_queries, size):
    slug = make_category(slug=f"budget-{size}").slug  # (a test object read inside the count would be counted)
    shelf_products(size, category=make_category_named(slug))
    first = lambda: client.get(f"/c/{slug}?sort=price_asc&in_stock=y")  # noqa: E731
    assert cold_and_warm(app, count_queries, first) == BUDGETS["category"]
    cursor = re.search(r"cursor=([A-Za-z0-9_\-]+)", first().get_data(as_text=True))
    if size > 24:
        more = lambda: client.get(f"/c/{slug}?sort=price_asc&in_stock=y&cursor={cursor.group(1)}",  # noqa: E731
                                  headers=htmx("load-more"))
        assert cold_and_warm(app, count_queries, more) == BUDGETS["category_more"]
    else:
        assert cursor is None


@pytest.mark.parametrize("size", [3, 80])
def test_category_reopened_after_load_more(app, client, count_queries, size):
    slug = make_category(slug=f"restored-{size}").slug
    shelf_products(size, category=make_category_named(slug))
    restored = lambda: client.get(f"/c/{slug}?pages=3")  # noqa: E731
    assert cold_and_warm(app, count_queries, restored) == BUDGETS["category_restored"]
    assert restored().get_data(as_text=True).count('data-testid="card-price"') == min(size, 72)


@pytest.mark.parametrize("size", [2, 30])
def test_product_shelves(app, client, count_queries, size):
    url = f"/p/{shelf_products(size, category=make_category())[0].id}/around"
    around = lambda: client.get(url, headers=htmx("product-around"))  # noqa: E731
    assert cold_and_warm(app, count_queries, around) == BUDGETS["product_around"]


@pytest.mark.parametrize("size", [2, 40])
def test_search(app, client, count_queries, size):
    shelf_products(size, category=make_category())
    make_product(title="Nồi cơm điện")
    assert cold_and_warm(app, count_queries, lambda: client.get("/search?q=ao+thun")) == BUDGETS["search"]


@pytest.mark.parametrize("size", [2, 40])
def test_search_facets(app, client, count_queries, size):
    shelf_products(size, category=make_category())
    facets = lambda: client.get("/search/facets?q=ao+thun&min_price=5", headers=htmx("facets"))  # noqa: E731
    assert cold_and_warm(app, count_queries, facets) == BUDGETS["search_facets"]


@pytest.mark.parametrize("size", [2, 40])
def test_search_with_a_typo(app, client, count_queries, size):
    shelf_products(size, category=make_category(), title="Áo hoodie nỉ")
    typo = lambda: client.get("/search?q=hodie")  # noqa: E731
    assert cold_and_warm(app, count_queries, typo) == BUDGETS["search_typo"]
    assert "Showing results for" in typo().get_data(as_text=True)


@pytest.mark.parametrize("size, vouchers", [(2, 0), (40, 3)])
def test_shop_page(app, client, count_queries, size, vouchers):
    from tests.factories import make_voucher

    products = shelf_products(size, category=make_category())
    shop = products[0].shop
    for n in range(vouchers):
        make_voucher(shop, code=f"BUDGET{n}")
    for product in products[::2]:  # reviews and a second category change nothing either
        product.rating_sum, product.review_count = 9, 2
    other = make_category()
    products[-1].category_id = other.id
    db.session.flush()
    slug, category_slug = shop.slug, other.slug  # (a test object read inside the count would be counted)
    assert cold_and_warm(app, count_queries, lambda: client.get(f"/s/{slug}")) == BUDGETS["shop"]
    within = lambda: client.get(f"/s/{slug}?category={category_slug}&sort=newest")  # noqa: E731
    assert cold_and_warm(app, count_queries, within) == BUDGETS["shop"]


@pytest.mark.parametrize("variants, images, reviews", [(1, 0, 0), (5, 5, 12)])
def test_product_detail(app, client, count_queries, variants, images, reviews):
    product = make_product(variants=[{"price": 1000 + i, "stock": 5} for i in range(variants)])
    for position in range(images):
        add_image(product, position=position)
    for n in range(reviews):
        order = make_order(product=product, status=OrderStatus.DELIVERED)
        db.session.add(Review(product_id=product.id, order_item_id=order.items[0].id, user_id=order.buyer_id,
                              rating=5 - n % 5, body=f"Review {n}", has_images=False))
    db.session.flush()
    url = f"/p/{product.id}"
    rollups.include_pending()  # (see cold_and_warm)
    client.get(url)  # the category tree of this test
    page_cache.clear()
    cold = count(count_queries, lambda: client.get(url), cache="MISS")
    assert (cold, count(count_queries, lambda: client.get(url), cache="HIT")) == BUDGETS["product"]


# ---- signed-in buyer -------------------------------------------------------------------------

def buyer_with_cart(lines: int, shops: int = 1):
    buyer = make_user()
    address = make_address(buyer, is_default=True)
    shops = [make_shop() for _ in range(shops)]
    from marketplace.services.cart import cart

    for n in range(lines):
        product = make_product(shop=shops[n % len(shops)], variants=[{"price": 1000 + n, "stock": 50}])
        add_image(product)
        cart.add_item(buyer, product.variants[0].id, 1)
    db.session.flush()
    return buyer, address


@pytest.mark.parametrize("lines", [1, 8])
def test_cart_view(client, count_queries, lines):
    buyer, _ = buyer_with_cart(lines, shops=max(1, lines // 2))
    login(client, buyer)
    assert count(count_queries, lambda: client.get("/cart")) == BUDGETS["cart_view"]


@pytest.mark.parametrize("lines", [0, 8])
def test_cart_add_api(client, count_queries, lines):
    buyer, _ = buyer_with_cart(lines, shops=max(1, lines // 2))
    variant_id = str(make_product(variants=[{"stock": 50}]).variants[0].id)
    login(client, buyer)
    headers = {"X-CSRFToken": client.csrf_token()}  # fetched outside the count: it is a request of its own
    add = lambda: client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 1},  # noqa: E731
                              headers=headers, csrf=False)
    assert count(count_queries, add, status=201) == BUDGETS["cart_add_api"]


@pytest.mark.parametrize("past_orders", [0, 12])
def test_place_order_api(client, count_queries, past_orders):
    buyer, address = buyer_with_cart(1)
    for _ in range(past_orders):
        make_order(buyer=buyer)
    body = {"address_id": str(address.id), "payment_method": "COD"}
    login(client, buyer)
    token = client.csrf_token()
    place = lambda: client.post("/api/v1/orders", json=body, csrf=False,  # noqa: E731
                                headers={"Idempotency-Key": uuid.uuid4().hex, "X-CSRFToken": token})
    assert count(count_queries, place, status=201) == BUDGETS["place_order_api"]


def test_place_order_api_adds_one_stock_update_per_further_line(client, count_queries):
    buyer, address = buyer_with_cart(3, shops=2)
    body = {"address_id": str(address.id), "payment_method": "COD"}
    login(client, buyer)
    token = client.csrf_token()
    with count_queries() as statements:
        response = client.post("/api/v1/orders", json=body, csrf=False,
                               headers={"Idempotency-Key": uuid.uuid4().hex, "X-CSRFToken": token})
    assert response.status_code == 201 and len(response.get_json()["orders"]) == 2  # 3 lines from 2 shops
    updates = [s for s in statements if s.startswith("UPDATE product_variants")]
    assert len(updates) == 3 and Count(statements) == BUDGETS["place_order_api"] + 2


@pytest.mark.parametrize("orders", [1, 15])
def test_buyer_order_list(client, count_queries, orders):
    buyer = make_user()
    product = make_product()
    for minute in range(orders):
        make_order(buyer=buyer, product=product, created_at=utcnow() - timedelta(minutes=minute))
    login(client, buyer)
    assert count(count_queries, lambda: client.get("/orders")) == BUDGETS["buyer_orders"]


@pytest.mark.parametrize("orders", [1, 15])
def test_buyer_order_list_with_delivered_orders(client, count_queries, orders):
    buyer = make_user()
    product = make_product()
    for minute in range(orders):
        make_order(buyer=buyer, product=product, status=OrderStatus.DELIVERED,
                   created_at=utcnow() - timedelta(minutes=minute))
    login(client, buyer)
    assert count(count_queries, lambda: client.get("/orders")) == BUDGETS["buyer_orders_delivered"]


# ---- seller and admin ------------------------------------------------------------------------

def seller_with_orders(n: int):
    seller = make_user(role=Role.SELLER)
    shop = make_shop(owner=seller)
    products = [make_product(shop=shop, variants=[{"stock": 3}]) for _ in range(3)]
    statuses = [s for s in OrderStatus if s is not OrderStatus.AWAITING_PAYMENT]  # not the shop's to see
    for i in range(n):
        order = make_order(product=products[i % 3], status=statuses[i % len(statuses)], quantity=1 + i % 2,
                           created_at=utcnow() - timedelta(days=i % 40))
        if order.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED):
            db.session.add(Review(product_id=order.items[0].product_id, order_item_id=order.items[0].id,
                                  user_id=order.buyer_id, rating=4, body="Good"))
    db.session.flush()
    return seller


@pytest.mark.parametrize("orders", [1, 30])
def test_seller_order_list(client, count_queries, orders):
    login(client, seller_with_orders(orders))
    assert count(count_queries, lambda: client.get("/seller/orders")) == BUDGETS["seller_orders"]


@pytest.mark.parametrize("orders", [1, 30])
def test_seller_dashboard(client, count_queries, orders):
    login(client, seller_with_orders(orders))
    assert count(count_queries, lambda: client.get("/seller/dashboard")) == BUDGETS["seller_dashboard"]


@pytest.mark.parametrize("orders", [1, 30])
def test_admin_dashboard(client, count_queries, orders):
    seller_with_orders(orders)
    login(client, make_user(role=Role.ADMIN))
    assert count(count_queries, lambda: client.get("/admin/")) == BUDGETS["admin_dashboard"]


@pytest.mark.parametrize("size", [1, 30])
def test_admin_shop_review(client, count_queries, size):
    seller = seller_with_orders(size)
    shop = db.session.scalar(select(Shop).where(Shop.owner_id == seller.id))
    for i in range(size):
        add_image(make_product(shop=shop, title=f"Extra {i}"))
        db.session.add(AuditLog(actor_id=seller.id, action="shop.suspend", target_type="shop", target_id=shop.id,
                                reason="Checking", data={"from_status": "ACTIVE", "to_status": "SUSPENDED"}))
    admin = make_user(role=Role.ADMIN)
    login(client, admin)
    url = f"/admin/shops/{shop.id}"
    db.session.flush()
    response = count(count_queries, lambda: client.get(url))
    assert response == BUDGETS["admin_shop_review"]
# ---- saved products and followed shops (services/wishlist) -----------------------------------

def shopper_with_saves(size: int):
    """A category of `size` products and a shopper who saved and followed `size` of each."""
    from marketplace.services.wishlist import follows, wishlist

    slug = make_category(slug=f"saved-{size}").slug
    products = shelf_products(size, category=make_category_named(slug))
    user = make_user()
    for product in products:
        wishlist.save(user, product.id)
    for _ in range(size):
        follows.follow(user, make_shop().id)
    return user, slug, products


@pytest.mark.parametrize("size", [2, 30])
def test_shop_page_with_followers(app, client, count_queries, size):
    from marketplace.services.wishlist import follows

    shop = make_shop()
    category = make_category()
    for minute in range(size):
        add_image(product_at(minute, category=category, shop=shop, title=f"Shop item {minute}"))
    for _ in range(size):
        follows.follow(make_user(), shop.id)
    shop_slug = shop.slug
    assert cold_and_warm(app, count_queries, lambda: client.get(f"/s/{shop_slug}")) == BUDGETS["shop"]


@pytest.mark.parametrize("size", [2, 30])
def test_storefront_signed_in_reads_the_saved_products_once(app, client, count_queries, size):
    user, slug, products = shopper_with_saves(size)
    shop_slug = products[0].shop.slug
    product_id = products[0].id
    login(client, user)
    pages = {"home_signed_in": "/", "category_signed_in": f"/c/{slug}", "product_signed_in": f"/p/{product_id}",
             "shop_signed_in": f"/s/{shop_slug}", "saved": "/saved", "following": "/following"}
    for budget, path in pages.items():
        client.get(path)  # the storefront caches (tree, listings, cards) warm, as for a returning shopper
        assert count(count_queries, lambda: client.get(path)) == BUDGETS[budget], path


@pytest.mark.parametrize("orders", [1, 12])
def test_seller_balance_and_statement(app, client, count_queries, orders):
    from datetime import datetime, timezone

    from marketplace.services.ledger import payouts
    from marketplace.services.ledger.settlement import settle_due
    from tests.ledger_support import after_settlement_days, delivered_order, seller_shop

    shop = seller_shop()
    for __ in range(orders):
        order = delivered_order(shop, prices=(3000, 2000))
    settle_due(after_settlement_days(app, order))
    payouts.request(shop.owner)
    login(client, shop.owner)
    assert count(count_queries, lambda: client.get("/seller/balance")) == BUDGETS["seller_balance"]
    month = datetime.now(timezone.utc).strftime("%Y-%m")
    assert count(count_queries, lambda: client.get(f"/seller/statements/{month}")) == BUDGETS["seller_statement"]


def _returns(count: int):
    from marketplace.services.returns import returns

    buyer, seller = make_user(), make_user()
    shop = make_shop(owner=seller)
    product = make_product(shop=shop, variants=[{"stock": 50}])
    for _ in range(count):
        order = make_order(buyer=buyer, product=product, status=OrderStatus.DELIVERED, delivered_at=utcnow())
        returns.request_return(buyer, order.id, {order.items[0].id: 1}, "DAMAGED")
    db.session.flush()
    return buyer, seller


@pytest.mark.parametrize("returns_made", [1, 8])
def test_buyer_and_seller_returns_lists(client, count_queries, returns_made):
    buyer, seller = _returns(returns_made)
    login(client, buyer)
    assert count(count_queries, lambda: client.get("/returns")) == BUDGETS["buyer_returns"]
    login(client, seller)
    assert count(count_queries, lambda: client.get("/seller/returns")) == BUDGETS["seller_returns"]
