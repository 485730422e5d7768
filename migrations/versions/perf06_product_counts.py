"""performance: product counts per status kept by the database, for the admin dashboard

Revision ID: perf06
Revises: perf05
Create Date: 2026-12-06

The admin dashboard counted the live and the hidden products on every view: an index-only
scan of every product, 11 ms at 100,000 products and 113 ms at 1,000,000, which made it the
one benchmarked page that grew with the catalogue (bench/README.md, "Ten times the
catalogue"). product_counts holds the count per status in four shards (backend pid % 4, as
the sales rollups, so concurrent writers rarely share a row), kept by statement-level triggers
with transition tables in the changing transaction: one upsert per status a statement
touched, whatever its number of rows (a COPY of 10,000 products is one). Only a change of
status writes it: an update of anything else (a delivery's sold_count, a page version) runs
the trigger, which finds no status moved and writes nothing (a trigger with transition tables
cannot be limited to UPDATE OF status).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "perf06"
down_revision = "perf05"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE FUNCTION product_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s smallint := (pg_backend_pid() % 4)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO product_counts AS t (status, shard, products)
    SELECT status, s, count(*) FROM new_rows GROUP BY status ORDER BY status
    ON CONFLICT (status, shard) DO UPDATE SET products = t.products + EXCLUDED.products;
  ELSE
    INSERT INTO product_counts AS t (status, shard, products)
    SELECT status, s, -count(*) FROM old_rows GROUP BY status ORDER BY status
    ON CONFLICT (status, shard) DO UPDATE SET products = t.products + EXCLUDED.products;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION product_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s smallint := (pg_backend_pid() % 4)::smallint;
BEGIN
  INSERT INTO product_counts AS t (status, shard, products)
  SELECT status, s, sum(change) FROM (
      SELECT o.status, -1 AS change FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status <> o.status
      UNION ALL
      SELECT n.status, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.status <> o.status
  ) c GROUP BY status HAVING sum(change) <> 0 ORDER BY status
  ON CONFLICT (status, shard) DO UPDATE SET products = t.products + EXCLUDED.products;
  RETURN NULL;
END $$;

CREATE TRIGGER products_counts_insert AFTER INSERT ON products
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_counts_apply();
CREATE TRIGGER products_counts_delete AFTER DELETE ON products
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION product_counts_apply();
CREATE TRIGGER products_counts_update AFTER UPDATE ON products
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_counts_move();

INSERT INTO product_counts (status, shard, products) SELECT status, 0, count(*) FROM products GROUP BY status;
"""


def upgrade():
    op.create_table(
        "product_counts",
        sa.Column("status", postgresql.ENUM(name="product_status", create_type=False), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("products", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("status", "shard", name="pk_product_counts"),
    )
    op.execute(UPGRADE)


def downgrade():
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER products_counts_{event} ON products")
    op.execute("DROP FUNCTION product_counts_move()")
    op.execute("DROP FUNCTION product_counts_apply()")
    op.drop_table("product_counts")
