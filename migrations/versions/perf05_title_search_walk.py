"""performance: a broad search finds its best-selling title matches in one index, without the table

Revision ID: perf05
Revises: perf04
Create Date: 2026-12-06

A search sorted by relevance ranks a bounded set of candidates (services/catalog/
listing_queries.py). Measured at 1,000,000 products (bench/README.md, "Ten times the
catalogue"), the cost was reading product rows to test the words: walking the best
sellers and reading each row's search_vector cost 7-100 ms per broad query, and a two-word
query the planner thinks rare ("ca phe": estimated 971 matches, 31,492 real) took the bitmap of
every match instead.

products.title_vector, generated from the title like search_vector's weight-A part, is carried
in ix_products_active_sold_title: (sold_count, id) INCLUDE (title_vector, shop_id) for ACTIVE
products. Walking that index from the best seller down answers "the best-selling title matches"
with an index-only scan (no table row read while the visibility map is set, which autovacuum
keeps): at 1,000,000 products 5.6 ms for "ao", 7.4 ms for "ca phe", 18 ms for a walk of the
full 50,000 entries the query allows. A title's vector is small (a 200-character title), well
under the 2,700-byte limit of a B-tree entry.

Adding a stored generated column rewrites the table (34 s at 1,000,000 products on the
benchmark machine, under an exclusive lock): plan it for a quiet moment on a large catalogue.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "perf05"
down_revision = "perf04"
branch_labels = None
depends_on = None

TITLE_VECTOR_SQL = "to_tsvector('simple'::regconfig, fold_search_text(title))"


def upgrade():
    op.add_column("products", sa.Column("title_vector", postgresql.TSVECTOR(),
                                        sa.Computed(TITLE_VECTOR_SQL, persisted=True), nullable=False))
    op.create_index("ix_products_active_sold_title", "products", ["sold_count", "id"],
                    postgresql_include=["title_vector", "shop_id"], postgresql_where=sa.text("status = 'ACTIVE'"))
    # The rewritten table starts with an empty visibility map: until a VACUUM marks its pages
    # all-visible, every entry the walk reads would also read its table row (at 100,000 products
    # the cold broad search fell from 176 to 14 requests/s). VACUUM cannot run in a transaction.
    with op.get_context().autocommit_block():
        op.execute("VACUUM ANALYZE products")


def downgrade():
    op.drop_index("ix_products_active_sold_title", table_name="products")
    op.drop_column("products", "title_vector")
