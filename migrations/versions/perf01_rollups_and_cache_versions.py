"""performance: sales rollups kept by the database, cache versions, reviews by shop

Revision ID: perf01
Revises: 0001
Create Date: 2026-11-26

Three things the benchmark (bench/README.md) showed the dashboards and storefront need:

1. Sales rollups. The admin and seller dashboards summed every order of the last 30 days
   on each view (100,000 rows for the admin on the benchmark data, 150-700 ms). Now
   `sales_daily` (platform), `shop_sales_daily` and `product_sales_daily` (delivered units
   per product) hold per-day sums that triggers on `orders` keep exact in the same
   transaction. The triggers are DEFERRABLE INITIALLY DEFERRED constraint triggers: they
   run at COMMIT, after checkout and cancellation have taken their stock and voucher row
   locks, so the rollup rows are locked last and only for the commit itself (never a
   deadlock with those locks, never a long wait for a hot row). Rows are split over four
   shards (backend pid % 4) so concurrent commits rarely touch the same row. A reader that
   runs in the same transaction as the writes first asks for the pending rows with
   `SET CONSTRAINTS ... IMMEDIATE` (services/core/rollups.py). refresh_sales_rollups() rebuilds
   all three from the orders (used here and by `flask seed-bench`).
2. cache_versions: one row per cached storefront object, set to a new value from a
   sequence (never reused, even after a rollback) by triggers in the changing transaction,
   so every process checks its cached copies with one primary-key read instead of hashing
   tables on each request: 'categories' (the tree) and 'shops' (the shop filter) by
   statement-level triggers; 'catalog' (the home page shelves) by deferred row triggers on
   products, images, shops and variants (only when a variant's availability changes).
3. reviews.shop_id, set by a trigger from the product, with (shop_id, created_at, id): the
   seller dashboard's "latest reviews" no longer sorts every review of the shop.
4. (category_id, sort key, id) indexes for the price, rating and best-selling sorts of
   category pages (newest had one already).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "perf01"
down_revision = "0001"
branch_labels = None
depends_on = None

SOLD = "('DELIVERED', 'COMPLETED')"
NO_PRODUCT = "'00000000-0000-0000-0000-000000000000'::uuid"  # order lines whose product row was deleted

ROLLUP_FUNCTIONS = f"""
CREATE FUNCTION sales_rollup_apply(o orders, sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  d date := (o.created_at AT TIME ZONE 'UTC')::date;
  s smallint := (pg_backend_pid() % 4)::smallint;
BEGIN
  INSERT INTO sales_daily AS t (day, status, shard, orders, total)
  VALUES (d, o.status, s, sign, sign * o.total)
  ON CONFLICT (day, status, shard) DO UPDATE SET orders = t.orders + EXCLUDED.orders, total = t.total + EXCLUDED.total;
  INSERT INTO shop_sales_daily AS t (shop_id, day, status, shard, orders, total)
  VALUES (o.shop_id, d, o.status, s, sign, sign * o.total)
  ON CONFLICT (shop_id, day, status, shard)
  DO UPDATE SET orders = t.orders + EXCLUDED.orders, total = t.total + EXCLUDED.total;
  IF o.status IN {SOLD} THEN
    INSERT INTO product_sales_daily AS t (shop_id, day, product_key, title, shard, units, revenue)
    SELECT o.shop_id, d, coalesce(i.product_id, {NO_PRODUCT}), i.product_title, s, sign * sum(i.quantity),
           sign * sum(i.line_total)
      FROM order_items i WHERE i.order_id = o.id GROUP BY 3, 4
    ON CONFLICT (shop_id, day, product_key, title, shard)
    DO UPDATE SET units = t.units + EXCLUDED.units, revenue = t.revenue + EXCLUDED.revenue;
  END IF;
END $$;

CREATE FUNCTION sales_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM sales_rollup_apply(OLD, -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM sales_rollup_apply(NEW, 1); END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER orders_sales_rollup AFTER INSERT OR DELETE ON orders
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sales_rollup();

CREATE CONSTRAINT TRIGGER orders_sales_rollup_change AFTER UPDATE OF shop_id, status, total, created_at ON orders
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD.shop_id IS DISTINCT FROM NEW.shop_id OR OLD.status IS DISTINCT FROM NEW.status
      OR OLD.total IS DISTINCT FROM NEW.total OR OLD.created_at IS DISTINCT FROM NEW.created_at)
EXECUTE FUNCTION sales_rollup();

CREATE FUNCTION refresh_sales_rollups() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM sales_daily;
  DELETE FROM shop_sales_daily;
  DELETE FROM product_sales_daily;
  INSERT INTO sales_daily (day, status, shard, orders, total)
  SELECT (created_at AT TIME ZONE 'UTC')::date, status, 0, count(*), sum(total) FROM orders GROUP BY 1, 2;
  INSERT INTO shop_sales_daily (shop_id, day, status, shard, orders, total)
  SELECT shop_id, (created_at AT TIME ZONE 'UTC')::date, status, 0, count(*), sum(total) FROM orders GROUP BY 1, 2, 3;
  INSERT INTO product_sales_daily (shop_id, day, product_key, title, shard, units, revenue)
  SELECT o.shop_id, (o.created_at AT TIME ZONE 'UTC')::date, coalesce(i.product_id, {NO_PRODUCT}), i.product_title, 0,
         sum(i.quantity), sum(i.line_total)
    FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.status IN {SOLD} GROUP BY 1, 2, 3, 4;
END $$;
"""

CACHE_VERSION_FUNCTIONS = """
CREATE SEQUENCE cache_versions_seq;
CREATE FUNCTION bump_cache_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO cache_versions (name, version) VALUES (TG_ARGV[0], nextval('cache_versions_seq'))
  ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END $$;
CREATE TRIGGER categories_cache_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('categories');
CREATE TRIGGER shops_cache_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON shops
FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('shops');
INSERT INTO cache_versions (name, version) VALUES ('categories', nextval('cache_versions_seq')),
                                                   ('shops', nextval('cache_versions_seq')),
                                                   ('catalog', nextval('cache_versions_seq'));

-- 'catalog': what product cards show or filter on. Deferred to COMMIT like the sales
-- rollups: checkout, deliveries and reviews lock variants and products first, the version
-- row last, only for the commit.
CREATE CONSTRAINT TRIGGER products_catalog_version AFTER INSERT OR UPDATE OR DELETE ON products
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cache_version('catalog');
CREATE CONSTRAINT TRIGGER product_images_catalog_version AFTER INSERT OR UPDATE OR DELETE ON product_images
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cache_version('catalog');
CREATE CONSTRAINT TRIGGER shops_catalog_version AFTER INSERT OR UPDATE OR DELETE ON shops
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cache_version('catalog');
CREATE CONSTRAINT TRIGGER variants_catalog_version AFTER INSERT OR DELETE ON product_variants
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cache_version('catalog');
-- A sale changes a card only when it takes the last unit ("in stock" filter).
CREATE CONSTRAINT TRIGGER variants_catalog_version_change AFTER UPDATE ON product_variants
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN ((OLD.stock > 0) IS DISTINCT FROM (NEW.stock > 0) OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
      OR OLD.product_id IS DISTINCT FROM NEW.product_id)
EXECUTE FUNCTION bump_cache_version('catalog');
"""
CATALOG_TRIGGERS = ("products_catalog_version ON products", "product_images_catalog_version ON product_images",
                    "shops_catalog_version ON shops", "variants_catalog_version ON product_variants",
                    "variants_catalog_version_change ON product_variants")

REVIEW_SHOP = """
CREATE FUNCTION review_shop_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.shop_id := (SELECT shop_id FROM products WHERE id = NEW.product_id);
  RETURN NEW;
END $$;
CREATE TRIGGER reviews_shop_id BEFORE INSERT OR UPDATE OF product_id ON reviews
FOR EACH ROW EXECUTE FUNCTION review_shop_id();
UPDATE reviews r SET shop_id = p.shop_id FROM products p WHERE p.id = r.product_id;
"""


LEAF_SORTS = [("ix_products_category_price", "min_price"), ("ix_products_category_rating", "average_rating"),
              ("ix_products_category_sold", "sold_count")]


def _status():
    return postgresql.ENUM(name="order_status", create_type=False)


def upgrade():
    op.create_table(
        "sales_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", _status(), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "status", "shard", name="pk_sales_daily"),
    )
    op.create_table(
        "shop_sales_daily",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", _status(), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_shop_sales_daily_shop_id_shops", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("shop_id", "day", "status", "shard", name="pk_shop_sales_daily"),
    )
    op.create_table(
        "product_sales_daily",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("product_key", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_product_sales_daily_shop_id_shops",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("shop_id", "day", "product_key", "title", "shard", name="pk_product_sales_daily"),
    )
    op.create_table(
        "cache_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_cache_versions"),
    )
    op.execute(ROLLUP_FUNCTIONS)
    op.execute("SELECT refresh_sales_rollups()")
    op.execute(CACHE_VERSION_FUNCTIONS)

    op.add_column("reviews", sa.Column("shop_id", sa.Uuid(), nullable=True))
    op.create_foreign_key("fk_reviews_shop_id_shops", "reviews", "shops", ["shop_id"], ["id"], ondelete="CASCADE")
    op.execute(REVIEW_SHOP)
    op.create_index("ix_reviews_shop_created", "reviews", ["shop_id", "created_at", "id"])
    # Admin head counts: hidden reviews are few, so a partial index answers their count at once.
    op.create_index("ix_reviews_hidden", "reviews", ["product_id"], postgresql_where=sa.text("is_hidden"))
    # A leaf category page sorted by price, rating or sales walks its category in sort order
    # and stops after a page, instead of walking the whole catalog's sort index filtering by
    # category (7.5 ms -> 0.3 ms on the benchmark data; newest already had its index).
    for name, column in LEAF_SORTS:
        op.create_index(name, "products", ["category_id", column, "id"], postgresql_where=sa.text("status = 'ACTIVE'"))


def downgrade():
    for name, _ in LEAF_SORTS:
        op.drop_index(name, table_name="products")
    op.drop_index("ix_reviews_hidden", table_name="reviews")
    op.drop_index("ix_reviews_shop_created", table_name="reviews")
    op.execute("DROP TRIGGER reviews_shop_id ON reviews")
    op.execute("DROP FUNCTION review_shop_id()")
    op.drop_constraint("fk_reviews_shop_id_shops", "reviews", type_="foreignkey")
    op.drop_column("reviews", "shop_id")
    for trigger in CATALOG_TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TRIGGER shops_cache_version ON shops")
    op.execute("DROP TRIGGER categories_cache_version ON categories")
    op.execute("DROP FUNCTION bump_cache_version()")
    op.execute("DROP SEQUENCE cache_versions_seq")
    op.execute("DROP TRIGGER orders_sales_rollup_change ON orders")
    op.execute("DROP TRIGGER orders_sales_rollup ON orders")
    op.execute("DROP FUNCTION refresh_sales_rollups()")
    op.execute("DROP FUNCTION sales_rollup()")
    op.execute("DROP FUNCTION sales_rollup_apply(orders, integer)")
    for table in ("cache_versions", "product_sales_daily", "shop_sales_daily", "sales_daily"):
        op.drop_table(table)
