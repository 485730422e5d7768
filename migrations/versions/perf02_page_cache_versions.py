"""performance: versions for the anonymous page cache (reviews; every variant edit)

Revision ID: perf02
Revises: perf01
Create Date: 2026-11-26

The page cache (marketplace/web/page_cache.py) keeps whole anonymous pages under the
cache versions they were built from, so every input of a cached page must move a version:

1. 'reviews': a product page shows its published reviews, their photos and their
   authors' names (first name + initial). Deferred row triggers on reviews and
   review_images, and on users when full_name changes, set it at COMMIT (like 'catalog':
   the writing transaction takes its product and review locks first, the version row
   last, only for the commit).
2. 'catalog' on every variant edit: perf01 moved it only when a variant's availability
   changed (all a listing card shows). A product page shows every variant's name,
   options, price and picture too, so now any change of a variant other than its stock
   moves it. A sale that leaves units in stock still doesn't: the page cache reads stock
   live.
"""
from alembic import op

revision = "perf02"
down_revision = "perf01"
branch_labels = None
depends_on = None

REVIEW_TRIGGERS = ("reviews_reviews_version ON reviews", "review_images_reviews_version ON review_images",
                   "users_reviews_version ON users")

UPGRADE = """
INSERT INTO cache_versions (name, version) VALUES ('reviews', nextval('cache_versions_seq'));
CREATE CONSTRAINT TRIGGER reviews_reviews_version AFTER INSERT OR UPDATE OR DELETE ON reviews
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cache_version('reviews');
CREATE CONSTRAINT TRIGGER review_images_reviews_version AFTER INSERT OR UPDATE OR DELETE ON review_images
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cache_version('reviews');
CREATE CONSTRAINT TRIGGER users_reviews_version AFTER UPDATE OF full_name ON users
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name)
EXECUTE FUNCTION bump_cache_version('reviews');

DROP TRIGGER variants_catalog_version_change ON product_variants;
-- Availability changed, or anything but the stock did (the row without its stock).
CREATE CONSTRAINT TRIGGER variants_catalog_version_change AFTER UPDATE ON product_variants
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN ((OLD.stock > 0) IS DISTINCT FROM (NEW.stock > 0)
      OR (to_jsonb(OLD) - 'stock') IS DISTINCT FROM (to_jsonb(NEW) - 'stock'))
EXECUTE FUNCTION bump_cache_version('catalog');
"""

DOWNGRADE = """
DROP TRIGGER variants_catalog_version_change ON product_variants;
CREATE CONSTRAINT TRIGGER variants_catalog_version_change AFTER UPDATE ON product_variants
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN ((OLD.stock > 0) IS DISTINCT FROM (NEW.stock > 0) OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
      OR OLD.product_id IS DISTINCT FROM NEW.product_id)
EXECUTE FUNCTION bump_cache_version('catalog');
DELETE FROM cache_versions WHERE name = 'reviews';
"""


def upgrade():
    op.execute(UPGRADE)


def downgrade():
    for trigger in REVIEW_TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute(DOWNGRADE)
