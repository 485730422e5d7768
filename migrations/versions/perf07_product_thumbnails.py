"""performance: each product's card thumbnail on its own row, kept by the database

Revision ID: perf07
Revises: fold01
Create Date: 2026-12-08

Every listing card (category, search, shop and home pages) showed its product's first picture,
found by a correlated subquery per card: an index probe and a table row of product_images for
each of a page's 25 cards. At a million products those pages are rarely in PostgreSQL's
buffers: 50 of the 75 blocks a category page read were the pictures', 1 to 2 ms of the
database's CPU per page (bench/README.md, session 14). products.thumb_key now holds the first
picture's thumbnail (by position, then id; NULL without pictures), and a card reads nothing
beyond its product and shop rows.

The database keeps it: the statement-level triggers perf04 put on product_images, which already
give each product a statement changed a new page version, set its thumbnail in the same UPDATE
(one write per product per statement, whatever the number of pictures). No service writes it.
"""
import sqlalchemy as sa
from alembic import op

revision = "perf07"
down_revision = "fold01"
branch_labels = None
depends_on = None

FIRST_THUMB = """
CREATE FUNCTION product_first_thumb(product uuid) RETURNS varchar LANGUAGE sql STABLE AS $$
  SELECT thumb_key FROM product_images WHERE product_id = product ORDER BY position, id LIMIT 1
$$;
"""


def _touch_images(thumb: bool) -> str:
    """perf04's trigger function on product_images, with the thumbnail set in the same UPDATE (or without)."""
    changes = ("page_version = nextval('cache_versions_seq'), thumb_key = product_first_thumb(id)" if thumb
               else "page_version = nextval('cache_versions_seq')")
    return f"""
CREATE OR REPLACE FUNCTION touch_product_pages_product_images() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE products SET {changes} WHERE id IN (SELECT product_id FROM new_rows c);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE products SET {changes} WHERE id IN (SELECT product_id FROM old_rows c);
  ELSE
    UPDATE products SET {changes}
     WHERE id IN (SELECT product_id FROM new_rows c UNION SELECT product_id FROM old_rows c);
  END IF;
  RETURN NULL;
END $$;
"""


# Every product with pictures gets its thumbnail at once, without the per-row triggers of products
# (a fresh page version each, a deferred 'catalog' bump each: a million queued events at a million
# products); the 'catalog' version moves once after.
BACKFILL = """
ALTER TABLE products DISABLE TRIGGER USER;
UPDATE products p SET thumb_key = f.thumb_key
  FROM (SELECT DISTINCT ON (product_id) product_id, thumb_key FROM product_images
         ORDER BY product_id, position, id) f
 WHERE p.id = f.product_id;
ALTER TABLE products ENABLE TRIGGER USER;
UPDATE cache_versions SET version = nextval('cache_versions_seq') WHERE name = 'catalog';
"""


def upgrade():
    op.add_column("products", sa.Column("thumb_key", sa.String(200), nullable=True))
    op.execute(FIRST_THUMB)
    op.execute(_touch_images(thumb=True))
    op.execute(BACKFILL)
    # The UPDATE rewrote every row with a picture: as perf05 found, the best sellers' title walk reads
    # table rows until a VACUUM marks the pages all-visible again. VACUUM cannot run in a transaction.
    with op.get_context().autocommit_block():
        op.execute("VACUUM ANALYZE products")


def downgrade():
    op.execute(_touch_images(thumb=False))
    op.execute("DROP FUNCTION product_first_thumb(uuid)")
    op.drop_column("products", "thumb_key")
