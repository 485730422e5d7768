"""The admin's product counts come from product_counts, kept by statement triggers (migration perf06).

Checked against counting the table itself after every kind of change, and counted, not timed:
a statement that changes thousands of products writes one row per status it touches.
"""
from sqlalchemy import text

from marketplace.extensions import db
from marketplace.models import ProductStatus
from marketplace.services.admin import admin_figures
from tests.factories import make_category, make_product, make_shop

KEPT = text("SELECT status::text, sum(products) FROM product_counts GROUP BY status HAVING sum(products) <> 0")
COUNTED = text("SELECT status::text, count(*) FROM products GROUP BY status")
WRITES = text("SELECT coalesce(n_tup_ins + n_tup_upd, 0) FROM pg_stat_xact_user_tables "
              "WHERE relname = 'product_counts'")
BULK = text("""
    INSERT INTO products (id, shop_id, category_id, title, description, status, min_price, rating_sum,
                          review_count, average_rating, sold_count)
    SELECT gen_random_uuid(), :shop_id, :category_id, 'Bulk ' || n, '', 'ACTIVE', 1000, 0, 0, 0, 0
      FROM generate_series(1, :rows) n""")


def kept_equals_counted():
    assert dict(db.session.execute(KEPT).all()) == dict(db.session.execute(COUNTED).all())


def test_the_kept_counts_follow_inserts_status_changes_and_deletes(app):
    shop, category = make_shop(), make_category()
    products = [make_product(shop=shop, category=category, status=status)
                for status in (ProductStatus.ACTIVE, ProductStatus.ACTIVE, ProductStatus.DRAFT, ProductStatus.HIDDEN)]
    kept_equals_counted()
    products[0].status = ProductStatus.HIDDEN
    products[2].status = ProductStatus.ACTIVE
    db.session.flush()
    kept_equals_counted()
    db.session.execute(text("UPDATE products SET status = 'DELETED' WHERE id = :id"), {"id": products[1].id})
    db.session.execute(text("UPDATE products SET title = 'Renamed' WHERE id = :id"), {"id": products[3].id})
    kept_equals_counted()
    db.session.execute(text("DELETE FROM product_variants WHERE product_id = :id"), {"id": products[1].id})
    db.session.execute(text("DELETE FROM products WHERE id = :id"), {"id": products[1].id})
    kept_equals_counted()
    figures = admin_figures.platform_counts()
    live = db.session.scalar(text("SELECT count(*) FROM products WHERE status <> 'DELETED'"))
    hidden = db.session.scalar(text("SELECT count(*) FROM products WHERE status = 'HIDDEN'"))
    assert (figures.products, figures.hidden_products) == (live, hidden) == (3, 2)


def test_a_statement_of_thousands_of_products_writes_one_row_per_status(app):
    shop, category = make_shop(), make_category()
    db.session.flush()
    before = db.session.scalar(WRITES) or 0
    db.session.execute(BULK, {"shop_id": shop.id, "category_id": category.id, "rows": 3000})
    assert (db.session.scalar(WRITES) or 0) - before == 1  # ACTIVE, once
    db.session.execute(text("UPDATE products SET status = 'HIDDEN' WHERE title LIKE 'Bulk %' AND title < 'Bulk 2'"))
    assert (db.session.scalar(WRITES) or 0) - before == 3  # ACTIVE down, HIDDEN up
    db.session.execute(text("UPDATE products SET sold_count = sold_count + 1 WHERE title LIKE 'Bulk %'"))
    assert (db.session.scalar(WRITES) or 0) - before == 3  # no status changed: nothing written
    kept_equals_counted()
