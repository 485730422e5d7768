"""performance: a version per product page, so one product's change leaves every other page cached

Revision ID: perf04
Revises: perf03
Create Date: 2026-12-06

The anonymous page cache (web/page_cache.py) kept every page under every cache version, and
the 'reviews' and 'catalog' versions are single rows for the whole shop: one review, or one
variant selling out, emptied every cached product page of every shop at once (issue 20, "one
hot row"). A product page shows one product: its row, variants, images and reviews (with
their pictures and the seller's replies), its shop and its category's breadcrumbs. So:

1. products.page_version, a value from cache_versions_seq that moves with any change of
   that page's own data:
   * a BEFORE UPDATE row trigger on products (any column: title, prices, rating counters,
     status...) sets a fresh value in the same write, no extra row touched (no WHEN: a BEFORE
     trigger's condition cannot read the generated search_vector, and an UPDATE that changes
     nothing only costs one needless miss);
   * statement-level triggers with transition tables on product_variants, product_images,
     reviews and review_images set it on the products they changed, once per product per
     statement (never per row: a bulk edit of 10,000 variants of one product writes that
     product once). A variant update that changes nothing but the stock is left out: a
     sale touches no product row (no new lock for checkout), and stock is the page's live
     part anyway (read on every request).
   The product page's cache key carries page_version and the stock, read together in one
   primary-key statement (services/catalog/storefront_cache.py live_state), plus the global
   versions the page also shows: 'categories' (breadcrumbs), 'shops' (the shop's name and
   status) and 'reviews'.
2. 'reviews' now moves only when a reviewer's name changes (users.full_name: their reviews
   show on many products); a review, its pictures and replies move their product's page
   version instead. The 'catalog' version (listing cards, home shelves) ignores a change of
   page_version alone, so a review picture or a seller's reply no longer empties every
   listing either; a review that moves the product's rating still does (cards show it).

Nothing here is deferred: the product rows are locked by the statement that changes their
variants, images or reviews, which those writers lock or update anyway (the catalog
service edits a product with its variants; a review updates its product's rating).
"""
import sqlalchemy as sa
from alembic import op

revision = "perf04"
down_revision = "perf03"
branch_labels = None
depends_on = None

# (table, how a changed row names its product): the children a product page shows.
CHILDREN = {
    "product_variants": "product_id",
    "product_images": "product_id",
    "reviews": "product_id",
    "review_images": "(SELECT r.product_id FROM reviews r WHERE r.id = c.review_id)",
}
# perf03's per-row 'reviews' bumps and their rearming triggers, replaced by the page versions.
REVIEW_BUMPS = [("reviews_reviews_version", "reviews", "INSERT OR UPDATE OR DELETE"),
                ("review_images_reviews_version", "review_images", "INSERT OR UPDATE OR DELETE")]


def _touch_function(table: str, product: str) -> str:
    """One function per child table: set a fresh page_version on the products its statement changed."""
    changed_variants = ("SELECT n.product_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
                        "WHERE (to_jsonb(n) - 'stock') IS DISTINCT FROM (to_jsonb(o) - 'stock') "
                        "UNION SELECT o.product_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
                        "WHERE n.product_id IS DISTINCT FROM o.product_id")
    update_ids = changed_variants if table == "product_variants" else (
        f"SELECT {product} FROM new_rows c UNION SELECT {product} FROM old_rows c")
    return f"""
CREATE FUNCTION touch_product_pages_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE products SET page_version = nextval('cache_versions_seq')
     WHERE id IN (SELECT {product} FROM new_rows c);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE products SET page_version = nextval('cache_versions_seq')
     WHERE id IN (SELECT {product} FROM old_rows c);
  ELSE
    UPDATE products SET page_version = nextval('cache_versions_seq') WHERE id IN ({update_ids});
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER {table}_page_version_insert AFTER INSERT ON {table}
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION touch_product_pages_{table}();
CREATE TRIGGER {table}_page_version_update AFTER UPDATE ON {table}
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
EXECUTE FUNCTION touch_product_pages_{table}();
CREATE TRIGGER {table}_page_version_delete AFTER DELETE ON {table}
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION touch_product_pages_{table}();
"""


UPGRADE = """
CREATE FUNCTION product_page_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.page_version := nextval('cache_versions_seq');
  RETURN NEW;
END $$;
CREATE TRIGGER products_page_version BEFORE UPDATE ON products
FOR EACH ROW EXECUTE FUNCTION product_page_version();

-- 'catalog' (listing cards): not for a change of page_version alone.
DROP TRIGGER products_catalog_version ON products;
CREATE CONSTRAINT TRIGGER products_catalog_version AFTER INSERT OR DELETE ON products
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cache_version_once('catalog');
CREATE CONSTRAINT TRIGGER products_catalog_version_change AFTER UPDATE ON products
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN ((to_jsonb(OLD) - 'page_version' - 'updated_at') IS DISTINCT FROM (to_jsonb(NEW) - 'page_version' - 'updated_at'))
EXECUTE FUNCTION bump_cache_version_once('catalog');
"""

DOWNGRADE = """
DROP TRIGGER products_catalog_version_change ON products;
DROP TRIGGER products_catalog_version ON products;
CREATE CONSTRAINT TRIGGER products_catalog_version AFTER INSERT OR UPDATE OR DELETE ON products
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cache_version_once('catalog');
DROP TRIGGER products_page_version ON products;
DROP FUNCTION product_page_version();
"""


def upgrade():
    op.add_column("products", sa.Column("page_version", sa.BigInteger(), server_default="0", nullable=False))
    op.execute(UPGRADE)
    for table, product in CHILDREN.items():
        op.execute(_touch_function(table, product))
    for trigger, table, _ in REVIEW_BUMPS:
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
        op.execute(f"DROP TRIGGER {table}_reviews_version_rearm ON {table}")


def downgrade():
    for trigger, table, events in REVIEW_BUMPS:
        op.execute(f"CREATE CONSTRAINT TRIGGER {trigger} AFTER {events} ON {table}\n"
                   f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cache_version_once('reviews')")
        op.execute(f"CREATE TRIGGER {table}_reviews_version_rearm AFTER {events} ON {table}\n"
                   f"FOR EACH STATEMENT EXECUTE FUNCTION rearm_cache_version('reviews')")
    for table in CHILDREN:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {table}_page_version_{event} ON {table}")
        op.execute(f"DROP FUNCTION touch_product_pages_{table}()")
    op.execute(DOWNGRADE)
    op.drop_column("products", "page_version")
