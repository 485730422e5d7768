"""The performance machinery keeps answers exact: storefront caches follow every change, and the
sales rollups (kept by deferred triggers) always equal the orders they summarize."""
import threading
import uuid
from datetime import timedelta

from sqlalchemy import text

from marketplace.extensions import db
from marketplace.models import OrderStatus, Product, ProductStatus, Review, Role, User
from marketplace.models.base import utcnow
from marketplace.services.cart import cart
from marketplace.services.core import rollups
from marketplace.services.ordering import orders
from marketplace.services.ordering.checkout import place_orders
from tests.catalog_support import add_image, product_at
from tests.factories import make_address, make_category, make_order, make_product, make_shop, make_user


def cards(html: str) -> int:
    return html.count('data-testid="card-price"')


def test_a_cached_listing_shows_a_change_on_the_next_request(client, count_queries):
    category = make_category(slug="kettles")
    slug = category.slug
    hidden_id = [product_at(minute, category=category, title=f"Kettle {minute}") for minute in range(3)][0].id
    rollups.include_pending()  # as if committed: see test_sql_budgets.cold_and_warm
    first = client.get(f"/c/{slug}").get_data(as_text=True)
    with count_queries() as repeat:
        again = client.get(f"/c/{slug}").get_data(as_text=True)
    assert cards(first) == cards(again) == 3 and len(repeat) == 1  # the versions read only: a cache hit

    product = db.session.get(Product, hidden_id)
    product.title = "Kettle renamed"
    db.session.flush()
    assert "Kettle renamed" in client.get(f"/c/{slug}").get_data(as_text=True)
    product.status = ProductStatus.HIDDEN
    db.session.flush()
    assert cards(client.get(f"/c/{slug}").get_data(as_text=True)) == 2


def test_home_shelves_follow_sales_and_stock(client):
    shop = make_shop()
    quiet = product_at(1, shop=shop, title="Quiet teapot", sold=1)
    product_at(2, shop=shop, title="Popular teapot", sold=50)
    add_image(quiet)
    home = client.get("/").get_data(as_text=True)
    assert home.index("Popular teapot") < home.index("Quiet teapot")
    db.session.get(Product, quiet.id).sold_count = 500
    db.session.flush()
    home = client.get("/").get_data(as_text=True)
    assert home.index("Quiet teapot") < home.index("Popular teapot")


def test_only_a_variant_that_sells_out_or_comes_back_changes_the_catalog_version(committed_app):
    app = committed_app
    with app.app_context():
        variant_id = make_product(variants=[{"stock": 3}]).variants[0].id
        db.session.commit()

    def version():
        with db.engine.connect() as conn:
            return conn.scalar(text("SELECT version FROM cache_versions WHERE name = 'catalog'"))

    def set_stock(stock):
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE product_variants SET stock = :s WHERE id = :id"), {"s": stock, "id": variant_id})

    with app.app_context():
        start = version()
        set_stock(2)
        assert version() == start  # a sale that leaves stock: cards are unchanged
        set_stock(0)
        sold_out = version()
        assert sold_out != start
        set_stock(4)
        back = version()
        assert back not in (start, sold_out)
        with db.engine.connect() as conn:  # a rolled-back change leaves the version as it was
            with conn.begin() as transaction:
                conn.execute(text("UPDATE products SET title = 'x' WHERE id = (SELECT product_id FROM "
                                  "product_variants WHERE id = :id)"), {"id": variant_id})
                transaction.rollback()
        assert version() == back


def test_variant_edits_and_review_changes_move_the_versions_product_pages_are_cached_under(committed_app):
    """perf02: any variant change but its stock moves 'catalog'; perf04: reviews and their replies
    move their product's page version only, their authors' names move 'reviews'; other user
    updates move nothing."""
    app = committed_app
    with app.app_context():
        product = make_product(variants=[{"price": 1000, "stock": 3}, {"price": 2000, "stock": 3}])
        order = make_order(product=product, status=OrderStatus.DELIVERED)
        db.session.add(Review(product_id=product.id, order_item_id=order.items[0].id, user_id=order.buyer_id,
                              rating=4, body="Fine", has_images=False))
        db.session.commit()
        dearer = max(product.variants, key=lambda v: v.price).id
        buyer_id = order.buyer_id

    def versions():
        with db.engine.connect() as conn:
            return dict(conn.execute(text("SELECT name, version FROM cache_versions")).all())

    def run(sql, **params):
        with db.engine.begin() as conn:
            conn.execute(text(sql), params)

    def page_version():
        with db.engine.connect() as conn:
            return conn.scalar(text("SELECT page_version FROM products WHERE id = :id"), {"id": product.id})

    with app.app_context():
        start, page = versions(), page_version()
        run("UPDATE product_variants SET stock = 2 WHERE id = :id", id=dearer)
        assert (versions(), page_version()) == (start, page)  # a sale: the page cache reads stock live
        run("UPDATE product_variants SET price = 2500 WHERE id = :id", id=dearer)  # not the cheapest
        after_price = versions()
        assert after_price["catalog"] != start["catalog"] and after_price.get("reviews") == start.get("reviews")
        assert page_version() != page
        page = page_version()
        run("UPDATE reviews SET seller_reply = 'Thanks' WHERE product_id = :id", id=product.id)
        assert versions() == after_price and page_version() != page  # this product's page only (perf04)
        page = page_version()
        run("UPDATE users SET email = 'renamed-' || email WHERE id = :id", id=buyer_id)
        assert (versions(), page_version()) == (after_price, page)  # nothing a product page shows
        run("UPDATE users SET full_name = 'Someone Else' WHERE id = :id", id=buyer_id)
        assert versions().get("reviews") != after_price.get("reviews")  # every page with their reviews


def _rollups(conn) -> dict:
    """Every rollup row summed over its shards, zero rows left out."""
    out = {}
    for table, keys in (("sales_daily", "day, status"), ("shop_sales_daily", "shop_id, day, status"),
                        ("product_sales_daily", "shop_id, day, product_key, title")):
        measures = "sum(units), sum(revenue)" if table == "product_sales_daily" else "sum(orders), sum(total)"
        rows = conn.execute(text(f"SELECT {keys}, {measures} FROM {table} GROUP BY {keys}")).all()
        out[table] = {tuple(r[:-2]): (int(r[-2]), int(r[-1])) for r in rows if r[-2] or r[-1]}
    return out


def test_rollups_equal_a_rebuild_after_concurrent_checkouts_and_transitions(committed_app):
    """Real commits from several threads at once: checkouts into one shop, then every kind of transition."""
    app = committed_app
    with app.app_context():
        seller = make_user(role=Role.SELLER)
        shop = make_shop(owner=seller)
        variant_ids = [make_product(shop=shop, variants=[{"price": 1000 + n, "stock": 100}]).variants[0].id
                       for n in range(3)]
        buyers = []
        for _ in range(6):
            buyer = make_user()
            buyers.append((buyer.id, make_address(buyer, is_default=True).id))
        make_order(product=make_product(shop=shop), status=OrderStatus.DELIVERED,
                   created_at=utcnow() - timedelta(days=3))
        db.session.commit()
        seller_id = seller.id

    barrier, errors, placed = threading.Barrier(len(buyers)), [], []

    def checkout(buyer_id, address_id, n):
        with app.app_context():
            try:
                user = db.session.get(User, buyer_id)
                for variant_id in variant_ids[: 1 + n % 3]:
                    cart.add_item(user, variant_id, 1 + n % 2)
                db.session.commit()
                barrier.wait()
                result = place_orders(user, address_id, "COD", idempotency_key=uuid.uuid4().hex)
                db.session.commit()
                placed.extend(order.id for order in result.orders)
            except Exception as error:  # noqa: BLE001 - the assertion below reports it
                errors.append(error)

    threads = [threading.Thread(target=checkout, args=(b, a, n)) for n, (b, a) in enumerate(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and len(placed) == len(buyers)

    with app.app_context():
        seller = db.session.get(User, seller_id)
        orders.confirm_order(seller, placed[0]); db.session.commit()  # noqa: E702
        orders.confirm_order(seller, placed[1]); db.session.commit()  # noqa: E702
        orders.ship_order(seller, placed[1], "TRACK-1"); db.session.commit()  # noqa: E702
        orders.deliver_order(seller, placed[1]); db.session.commit()  # noqa: E702
        orders.cancel_by_seller(seller, placed[2], "Out of paper"); db.session.commit()  # noqa: E702
        with db.engine.connect() as conn:
            kept = _rollups(conn)
            conn.execute(text("SELECT refresh_sales_rollups()"))  # rebuilt from the orders, then thrown away
            rebuilt = _rollups(conn)
            conn.rollback()
    assert kept == rebuilt
    assert sum(n for (_, status), (n, _) in kept["sales_daily"].items()) == len(placed) + 1
    assert {str(getattr(status, "value", status)) for _, status in kept["sales_daily"]} >= {"CANCELLED", "DELIVERED"}
