"""A transaction that changes thousands of rows writes each cache version, and each sales rollup row,
once (migration perf03), not once per changed row: PostgreSQL counts the writes itself
(pg_stat_xact_user_tables), no clock involved. Versions still move after every later change."""
from sqlalchemy import text

from marketplace.extensions import db
from marketplace.models import Product
from marketplace.services.core import rollups
from tests.factories import make_category, make_product, make_shop, make_user

ROWS = 2_000
WRITES = text("SELECT n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = :table")
ROLLUP_TABLES = ("sales_daily", "shop_sales_daily", "product_sales_daily")

BULK_CATALOG = """
INSERT INTO products (id, shop_id, category_id, title, description, status, min_price, rating_sum, review_count,
                      average_rating, sold_count)
SELECT gen_random_uuid(), :shop_id, :category_id, 'Bulk ' || n, '', 'ACTIVE', 1000, 0, 0, 0, 0
  FROM generate_series(1, :rows) n;
INSERT INTO product_variants (id, product_id, shop_id, sku, options, name, price, stock, position)
SELECT gen_random_uuid(), p.id, p.shop_id, 'BULK-' || p.title, '{}', 'One', 1000, 5, 0
  FROM products p WHERE p.title LIKE 'Bulk %';
INSERT INTO product_images (id, product_id, storage_key, thumb_key, position, width, height)
SELECT gen_random_uuid(), p.id, p.id || '.webp', p.id || '-thumb.webp', 0, 400, 400
  FROM products p WHERE p.title LIKE 'Bulk %';
UPDATE products SET title = title || ' (edited)' WHERE title LIKE 'Bulk %';
UPDATE product_variants SET name = 'Only' WHERE sku LIKE 'BULK-%';
"""

# `rows` orders of one shop on one day, each with one line of :product_id.
BULK_ORDERS = """
INSERT INTO checkout_requests (id, user_id, idempotency_key)
SELECT gen_random_uuid(), :buyer_id, 'bulk-' || n FROM generate_series(1, :rows) n;
INSERT INTO orders (id, number, checkout_id, buyer_id, shop_id, status, payment_method, currency, subtotal,
                    shipping_fee, discount, total, ship_recipient_name, ship_phone, ship_line1, ship_city, created_at)
SELECT gen_random_uuid(), 'BULK-' || c.idempotency_key, c.id, :buyer_id, :shop_id, :status, 'COD', 'USD', 1000, 0, 0,
       1000, 'Buyer', '+84900000000', '1 Lê Lợi', 'Hà Nội', '2026-11-30 10:00+00'
  FROM checkout_requests c WHERE c.idempotency_key LIKE 'bulk-%';
INSERT INTO order_items (id, order_id, product_id, variant_id, product_title, variant_name, sku, unit_price, quantity,
                         line_total)
SELECT gen_random_uuid(), o.id, :product_id, NULL, 'Kettle', 'One', 'K-1', 1000, 1, 1000
  FROM orders o WHERE o.number LIKE 'BULK-%';
"""

BULK_REVIEWS = """
INSERT INTO reviews (id, product_id, order_item_id, user_id, rating, body, has_images, is_hidden)
SELECT gen_random_uuid(), i.product_id, i.id, :buyer_id, 5, 'Fine', false, false
  FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.number LIKE 'BULK-%';
UPDATE reviews SET body = 'Fine indeed' WHERE body = 'Fine';
"""


def run(sql: str, **params) -> None:
    for statement in filter(str.strip, sql.split(";")):
        db.session.execute(text(statement), params)


def written(table: str) -> int:
    """Rows this transaction has inserted or updated in `table`, once the pending triggers have fired
    (services/core/rollups.include_pending: SET CONSTRAINTS ... IMMEDIATE, as COMMIT would)."""
    rollups.include_pending()
    return db.session.scalar(WRITES, {"table": table}) or 0


def versions() -> dict[str, int]:
    return dict(db.session.execute(text("SELECT name, version FROM cache_versions")).all())


def test_thousands_of_products_variants_images_and_reviews_write_each_version_once(client):
    shop, category, buyer = make_shop(), make_category(), make_user()
    kettle = make_product(shop=shop, category=category, title="Kettle")
    before, start = written("cache_versions"), versions()

    run(BULK_CATALOG, shop_id=shop.id, category_id=category.id, rows=ROWS)
    run(BULK_ORDERS, buyer_id=buyer.id, shop_id=shop.id, product_id=kettle.id, status="DELIVERED", rows=ROWS)
    run(BULK_REVIEWS, buyer_id=buyer.id)
    assert db.session.scalar(text("SELECT count(*) FROM reviews")) == ROWS

    # 'catalog' once; the reviews move their products' page versions instead (migration perf04).
    assert written("cache_versions") - before == 1
    after = versions()
    # (a name's row may be missing at first: committed tests leave cache_versions truncated)
    assert {name for name in after if after[name] != start.get(name)} == {"catalog"}

    # The bulk has moved the versions already in this transaction; one more row must move them again.
    url = f"/p/{kettle.id}"
    assert client.get(url).headers["X-Cache"] == "MISS"
    assert client.get(url).headers["X-Cache"] == "HIT"
    db.session.get(Product, kettle.id).title = "Kettle, renamed"
    db.session.flush()
    assert written("cache_versions") - before == 2
    response = client.get(url)
    assert response.headers["X-Cache"] == "MISS" and "Kettle, renamed" in response.get_data(as_text=True)
    assert versions()["catalog"] != after["catalog"]


def test_thousands_of_orders_of_one_shop_and_day_write_each_rollup_row_once():
    shop, buyer = make_shop(), make_user()
    kettle = make_product(shop=shop, title="Kettle")
    before = {table: written(table) for table in ROLLUP_TABLES}

    run(BULK_ORDERS, buyer_id=buyer.id, shop_id=shop.id, product_id=kettle.id, status="DELIVERED", rows=ROWS)
    inserted = {table: written(table) - before[table] for table in ROLLUP_TABLES}
    assert inserted == {"sales_daily": 1, "shop_sales_daily": 1, "product_sales_daily": 1}

    run("UPDATE orders SET status = 'COMPLETED' WHERE number LIKE 'BULK-%'")
    completed = {table: written(table) - before[table] - inserted[table] for table in ROLLUP_TABLES}
    # DELIVERED loses them all, COMPLETED gains them; both count as sold, so the product row nets out.
    assert completed == {"sales_daily": 2, "shop_sales_daily": 2, "product_sales_daily": 0}

    kept = _rollups()
    savepoint = db.session.begin_nested()
    db.session.execute(text("SELECT refresh_sales_rollups()"))
    rebuilt = _rollups()
    savepoint.rollback()
    assert kept == rebuilt
    assert kept["sales_daily"] == {("2026-11-30", "COMPLETED"): (ROWS, ROWS * 1000)}
    assert kept["product_sales_daily"] == {(str(shop.id), "2026-11-30", str(kettle.id), "Kettle"): (ROWS, ROWS * 1000)}
    assert db.session.scalar(text("SELECT count(*) FROM sales_rollup_pending")) == 0


def _rollups() -> dict:
    """Every rollup row summed over its shards, zero rows left out, keys as text."""
    out = {}
    for table, keys in (("sales_daily", "day, status"), ("shop_sales_daily", "shop_id, day, status"),
                        ("product_sales_daily", "shop_id, day, product_key, title")):
        measures = "sum(units), sum(revenue)" if table == "product_sales_daily" else "sum(orders), sum(total)"
        rows = db.session.execute(text(f"SELECT {keys}, {measures} FROM {table} GROUP BY {keys}")).all()
        out[table] = {tuple(str(getattr(k, "value", k)) for k in r[:-2]): (int(r[-2]), int(r[-1]))
                      for r in rows if r[-2] or r[-1]}
    return out
