"""Demo and benchmark data: believable, deterministic, visible through the storefront, fast to build."""
import time

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (
    Category, Product, ProductImage, ProductStatus, ProductVariant, Role, Shop, ShopStatus, User,
)
from marketplace.services.catalog import listing_queries
from marketplace.services.catalog.listing_queries import ListingQuery
from marketplace.storage import LocalStorage


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def snapshot():
    rows = db.session.execute(select(Product.title, Product.min_price)
                              .order_by(Product.title, Product.min_price)).all()
    return [tuple(r) for r in rows]


def test_demo_catalog_is_a_believable_deterministic_marketplace(temp_storage):
    from marketplace.seed.demo import seed_demo
    from marketplace.seed.demo_catalog import seed_catalog
    from tests.factories import make_user

    nested = db.session.begin_nested()
    started = time.perf_counter()
    made = seed_catalog(seller=make_user(role=Role.SELLER), password_hash="x")
    seconds = time.perf_counter() - started
    first = snapshot()
    nested.rollback()
    assert seconds < 90  # generous: the CI box is shared; alone it takes ~20 s, most of it drawing ~430 pictures
    assert made["products"] == len(first) and made["shops"] == 21
    assert seed_demo(only_if_empty=False)  # the real entry point: accounts + catalog, one commit
    assert snapshot() == first  # same seed, same catalog

    seller = db.session.scalar(select(User).where(User.email == "seller@demo.marketplace"))
    bình = db.session.scalar(select(Shop).where(Shop.owner_id == seller.id))
    assert bình.name == "Tiệm của Bình" and bình.status == ShopStatus.ACTIVE
    assert count(Shop, Shop.status == ShopStatus.ACTIVE) == 20 and count(Shop, Shop.status == ShopStatus.PENDING) == 1
    owners = db.session.scalars(select(User).join(Shop, Shop.owner_id == User.id)).all()
    assert all(u.role == Role.SELLER and u.is_verified for u in owners)

    categories = {c.id: c for c in db.session.scalars(select(Category))}

    def level(c):
        return 1 if c.parent_id is None else 1 + level(categories[c.parent_id])

    assert max(level(c) for c in categories.values()) == 3
    assert {"thoi-trang", "ao", "ao-thun", "dien-thoai", "ca-phe-tra"} <= {c.slug for c in categories.values()}

    products = count(Product)
    assert 450 <= products <= 550
    per_product = select(func.count().label("n")).select_from(ProductVariant).group_by(ProductVariant.product_id).subquery()
    fewest, most = db.session.execute(select(func.min(per_product.c.n), func.max(per_product.c.n))).one()
    assert fewest >= 1 and most <= 6 and count(Product, ~Product.variants.any()) == 0
    titles = [t for (t, _) in first]
    assert any("Áo thun" in t for t in titles) and any(t.startswith("Wireless earbuds") for t in titles)
    assert any(t.startswith("Cà phê Arabica") for t in titles)
    with_options = db.session.scalar(select(func.count()).where(ProductVariant.options.has_key("Màu")))
    assert with_options > 100
    assert count(Product, Product.review_count > 0) > 100 and count(Product, Product.sold_count > 0) > 100
    assert count(Product, Product.status == ProductStatus.DRAFT, Product.shop_id == bình.id) == 2

    # every product has a stored picture (the thumbnail file exists), and colour variants point at theirs
    assert count(Product, ~Product.images.any()) == 0
    image = db.session.scalars(select(ProductImage).limit(1)).one()
    assert LocalStorage(temp_storage).read(image.thumb_key)[:4] == b"RIFF"
    assert count(ProductVariant, ProductVariant.image_id.is_not(None)) > 100
    # and the storefront shows them
    page = listing_queries.list_products(ListingQuery(text="ao thun"))
    assert page.items and all(card.thumb_key for card in page.items)
    # a gallery of 2-4 pictures each; a product's colours are different pictures
    per_product = select(func.count().label("n")).select_from(ProductImage).group_by(ProductImage.product_id).subquery()
    fewest, most = db.session.execute(select(func.min(per_product.c.n), func.max(per_product.c.n))).one()
    assert 2 <= fewest and most == 4
    two_colours = db.session.scalars(
        select(ProductVariant.product_id).where(ProductVariant.image_id.is_not(None))
        .group_by(ProductVariant.product_id).having(func.count(ProductVariant.image_id.distinct()) > 1).limit(1)).one()
    keys = {v.image_id: None for v in db.session.scalars(select(ProductVariant).where(
        ProductVariant.product_id == two_colours))}
    files = {LocalStorage(temp_storage).read(db.session.get(ProductImage, i).storage_key) for i in keys}
    assert len(files) == len(keys) > 1

    # no shop lists the same title twice, and every shop has its own logo and banner
    duplicated = db.session.execute(select(Product.shop_id, Product.title).group_by(Product.shop_id, Product.title)
                                    .having(func.count() > 1)).all()
    assert duplicated == []
    shops = db.session.scalars(select(Shop)).all()
    assert all(shop.logo_key and shop.banner_key for shop in shops)
    assert len({LocalStorage(temp_storage).read(shop.logo_key) for shop in shops}) == len(shops)
    assert len({shop.created_at.strftime("%Y-%m") for shop in shops}) > 5  # shops joined at different times


def test_seed_bench_builds_a_consistent_catalog_with_copy(temp_storage):
    from marketplace.seed.bench import seed_bench

    made = seed_bench(products=400, shops=20, buyers=30, orders=50, password_hash="x", echo=lambda *_: None)
    assert made["products"] == count(Product) == 400 and made["variants"] == count(ProductVariant)
    assert 400 <= made["variants"] <= 2000 and count(Shop) == 20 and made["orders"] == 50
    assert count(Category) == made["categories"] and count(Category, Category.parent_id.is_(None)) == 10
    mismatched = db.session.scalar(select(func.count()).select_from(Product).where(
        Product.min_price != select(func.min(ProductVariant.price)).where(ProductVariant.product_id == Product.id)
        .scalar_subquery()))
    assert mismatched == 0
    page = listing_queries.list_products(ListingQuery(limit=48))
    assert len(page.items) == 48 and page.next_cursor
    with pytest.raises(RuntimeError, match="without products"):
        seed_bench(products=10, shops=2, echo=lambda *_: None)


def _index_definitions(tables) -> dict[str, str]:
    from sqlalchemy import text

    return dict(db.session.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(:tables)"),
        {"tables": list(tables)}).all())


def _foreign_keys(tables) -> dict[str, str]:
    from sqlalchemy import text

    return dict(db.session.execute(text(
        "SELECT conname, conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[]))"), {"tables": list(tables)}).all())


def test_seed_bench_builds_every_index_and_foreign_key_it_set_aside_again(temp_storage):
    from marketplace.seed.bench import BULK_TABLES, seed_bench

    indexes, keys = _index_definitions(BULK_TABLES), _foreign_keys(BULK_TABLES)
    assert len(indexes) > 30 and "ix_products_search_vector" in indexes
    assert len(keys) > 15 and "fk_order_items_order_id_orders" in keys
    seed_bench(products=300, shops=5, buyers=20, orders=60, password_hash="x", echo=lambda *_: None)
    assert _index_definitions(BULK_TABLES) == indexes
    assert _foreign_keys(BULK_TABLES) == keys


def test_complete_bench_adds_the_people_to_a_catalog_built_without_them(temp_storage):
    """The older seed-bench built the catalog alone: the same command then adds buyers and orders, with the
    bulk tables' indexes and keys set aside and back, as seed-bench does."""
    from marketplace.models import Order
    from marketplace.seed.bench import BULK_TABLES, complete_bench, has_bench_people, seed_bench

    indexes, keys = _index_definitions(BULK_TABLES), _foreign_keys(BULK_TABLES)
    seed_bench(products=300, shops=5, buyers=0, orders=0, password_hash="x", echo=lambda *_: None)
    assert not has_bench_people() and count(Order) == 0
    made = complete_bench("y", buyers=20, orders=60, echo=lambda *_: None)
    assert has_bench_people() and count(Order) == made["orders"] == 60
    assert _index_definitions(BULK_TABLES) == indexes and _foreign_keys(BULK_TABLES) == keys
    with pytest.raises(RuntimeError, match="already has its buyers"):
        complete_bench("y", buyers=20, orders=60, echo=lambda *_: None)


@pytest.mark.parametrize(("product_id", "sku", "refused", "by"), [
    # a unique index that is not a constraint (one SKU per shop): building it again refuses the duplicate
    ("product_id", "sku", "UniqueViolation", "uq_product_variants_shop_sku"),
    # a foreign key: adding it again checks every row loaded
    ("gen_random_uuid()", "sku || '-x'", "ForeignKeyViolation", "fk_product_variants_product_id_products"),
])
def test_a_load_without_its_indexes_and_keys_still_cannot_leave_a_bad_row(temp_storage, product_id, sku, refused, by):
    """What the load sets aside checks the loaded rows when it comes back, before anything commits."""
    import psycopg2.errors

    from marketplace.seed.bench import built_after_loading
    from tests.factories import make_product

    variant = make_product().variants[0]
    db.session.flush()
    cursor = db.session.connection().connection.driver_connection.cursor()
    with pytest.raises(getattr(psycopg2.errors, refused), match=by):
        with built_after_loading(cursor, ("product_variants",)):
            cursor.execute(f"""INSERT INTO product_variants (id, product_id, shop_id, sku, options, name, price, stock,
                                                             position, created_at)
                               SELECT gen_random_uuid(), {product_id}, shop_id, {sku}, options, name || ' again',
                                      price, stock, position + 1, created_at FROM product_variants WHERE id = %s""",
                           (variant.id,))


def test_copy_ahead_generates_the_next_batch_in_a_thread_and_copies_in_order():
    """seed-bench's orders: each chunk is generated while the one before is copied; the rows arrive
    as a plain loop would copy them, and a generator's error reaches the caller."""
    import threading

    from sqlalchemy import text

    from marketplace.seed.copying import copy_ahead

    cursor = db.session.connection().connection.driver_connection.cursor()
    cursor.execute("CREATE TEMP TABLE copied (n int, note text, seen serial)")
    made_in = []

    def batches():
        for start in range(0, 9, 3):
            made_in.append(threading.current_thread().name)
            yield [("copied", ("n", "note"), [(n, f"tab\there {n}") for n in range(start, start + 3)])]

    assert list(copy_ahead(cursor, batches())) == [{"copied": 3}] * 3
    assert db.session.execute(text("SELECT n, note FROM copied ORDER BY seen")).all() == [
        (n, f"tab\there {n}") for n in range(9)]
    assert all(name.startswith("seed-rows") for name in made_in)

    def failing():
        yield [("copied", ("n",), [(1,)])]
        raise RuntimeError("generator broke")

    with pytest.raises(RuntimeError, match="generator broke"):
        list(copy_ahead(cursor, failing()))


def test_demo_ratings_and_sold_counts_come_from_real_orders_and_reviews(temp_storage):
    from sqlalchemy import text

    from marketplace.models import Order, OrderStatus, Review
    from marketplace.seed.demo import seed_demo

    assert seed_demo(only_if_empty=False)
    mismatched = db.session.execute(text("""
        SELECT p.id FROM products p
        LEFT JOIN (SELECT product_id, count(*) AS n, sum(rating) AS total FROM reviews
                   WHERE NOT is_hidden GROUP BY product_id) r ON r.product_id = p.id
        LEFT JOIN (SELECT i.product_id, sum(i.quantity) AS units FROM order_items i JOIN orders o ON o.id = i.order_id
                   WHERE o.status IN ('DELIVERED', 'COMPLETED') GROUP BY i.product_id) s ON s.product_id = p.id
        WHERE p.review_count <> coalesce(r.n, 0) OR p.rating_sum <> coalesce(r.total, 0)
           OR p.sold_count <> coalesce(s.units, 0)
    """)).all()
    assert mismatched == []
    assert count(Review) > 100 and count(Order) > 100
    assert {status for (status,) in db.session.execute(select(Order.status).distinct())} >= {
        OrderStatus.PENDING, OrderStatus.SHIPPING, OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.CANCELLED}
    buyer = db.session.scalar(select(User).where(User.email == "buyer@demo.marketplace"))
    assert count(Order, Order.buyer_id == buyer.id, Order.status == OrderStatus.DELIVERED) == 1

    # every timeline starts when its order was placed, moves forward, and is over by now (the clock's:
    # now() is when this test's transaction began, before the seed read the time)
    inconsistent = db.session.execute(text("""
        SELECT o.number FROM orders o JOIN order_events e ON e.order_id = o.id
        GROUP BY o.id HAVING min(e.created_at) <> o.created_at OR max(e.created_at) > clock_timestamp()
            OR bool_or(e.to_status::text = 'DELIVERED' AND e.created_at <> o.delivered_at)
    """)).all()
    assert inconsistent == [] and count(Review, Review.created_at > func.clock_timestamp()) == 0

    # vouchers in several shops, an expired one among them
    from marketplace.models import Voucher

    assert db.session.scalar(select(func.count(Voucher.shop_id.distinct()))) > 3
    assert count(Voucher, Voucher.ends_at < func.now()) >= 1


def test_seed_demo_command_fills_an_empty_database(app, temp_storage):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "buyer@demo.marketplace" in result.output and count(Product) > 450 and count(Shop) == 21
    again = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and count(Shop) == 21  # a second start loads nothing more


def test_seed_bench_ledger_posts_the_big_shops_history_once_and_it_adds_up(temp_storage):
    from datetime import datetime, timezone

    from flask import current_app

    from marketplace.models import LedgerTransaction, Order, OrderItem, Payout
    from marketplace.seed.bench import seed_bench
    from marketplace.seed.bench_ledger import BIG_SHOP, has_ledger, seed_bench_ledger
    from marketplace.services.ledger.commission import commission_of
    from marketplace.services.ledger import balance_queries
    from marketplace.services.ledger import trial_balance_queries as tb

    seed_bench(products=300, shops=5, buyers=30, orders=400, password_hash="x", echo=lambda *_: None)
    assert not has_ledger()
    made = seed_bench_ledger(db.session.flush, echo=lambda *_: None)
    assert has_ledger() and made["delivered"] > 10 and made["settled"] > 0 and made["payouts"] >= 1
    shop = db.session.scalar(select(Shop).where(Shop.slug == BIG_SHOP))
    # only the big shop has a ledger (the other shops' COPY-loaded orders have none)
    [check] = tb.shop_checks(shop.id)
    assert check.agrees and check.ledger > 0 and tb.currency_sums(tb.account_totals()) == {"USD": 0}
    # each replayed line's commission frozen at the platform rate, as checkout freezes it
    rate = current_app.config["COMMISSION_RATE_BP"]
    lines = db.session.execute(select(OrderItem.line_total - OrderItem.discount_share, OrderItem.commission_rate_bp,
                                      OrderItem.commission).join(Order).where(Order.shop_id == shop.id,
                                                                              OrderItem.commission_rate_bp > 0)).all()
    assert len(lines) >= made["delivered"]
    assert all(bp == rate and paid_commission == commission_of(paid, rate) for paid, bp, paid_commission in lines)
    assert count(Payout, Payout.shop_id == shop.id, Payout.status == "PAID") >= 1
    transactions = count(LedgerTransaction)
    again = seed_bench_ledger(db.session.flush, echo=lambda *_: None)
    assert count(LedgerTransaction) == transactions and again["payouts"] == 0 and again["settled"] == 0
    today = datetime.now(timezone.utc).date()
    statement = balance_queries.statement(shop.id, "USD", today.replace(day=1), "UTC")
    figures = balance_queries.figures(shop.id, "USD")
    assert (statement.closing_pending, statement.closing_available) == (figures.pending, figures.available)


def test_seed_bench_ledger_replays_only_the_big_shops_latest_orders(temp_storage, monkeypatch):
    """At a million products the big shop has 100,000 orders: its history is bounded (seed-bench's time)."""
    from marketplace.models import Order, OrderItem
    from marketplace.seed import bench_ledger
    from marketplace.seed.bench import seed_bench

    seed_bench(products=300, shops=5, buyers=30, orders=400, password_hash="x", echo=lambda *_: None)
    monkeypatch.setattr(bench_ledger, "HISTORY_ORDERS", 5)
    made = bench_ledger.seed_bench_ledger(db.session.flush, echo=lambda *_: None)
    shop = db.session.scalar(select(Shop).where(Shop.slug == bench_ledger.BIG_SHOP))
    latest = db.session.scalars(select(Order.id).where(Order.shop_id == shop.id, Order.delivered_at.is_not(None),
                                                       Order.status.in_(bench_ledger.DELIVERED))
                                .order_by(Order.delivered_at.desc(), Order.id.desc()).limit(5)).all()
    assert made["delivered"] == 5
    frozen = set(db.session.scalars(select(OrderItem.order_id).join(Order).where(
        Order.shop_id == shop.id, OrderItem.commission_rate_bp > 0)))
    assert frozen == set(latest)
