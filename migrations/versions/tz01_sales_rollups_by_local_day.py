"""sales rollups by the marketplace's local day (DEFAULT_TIMEZONE), not the UTC day

Revision ID: tz01
Revises: srch01
Create Date: 2026-12-07

The seller and admin dashboards count "today", 7 and 30 days and draw a bar per day from the
sales rollups (perf01, perf03), which grouped orders by UTC day: a sale at 06:30 in Hồ Chí Minh
City counted for the day before. Now every rollup day is the day in one zone, the marketplace's:

* sales_rollup_zone() returns it (DEFAULT_TIMEZONE of the app that runs the migration). A
  STABLE SQL function of a constant, inlined into every query that calls it: the triggers pay
  nothing for it, and it lives in the schema (no table for tests to truncate). Changing it
  rewrites the function and rebuilds the rollups (`flask sales-rollups --time-zone`,
  services/core/rollups.py), and the dashboards read the zone from it, so their "today" and the
  rows always agree.
* sales_rollup_stage() (perf03's staging trigger function) and refresh_sales_rollups() (perf01)
  take the day `AT TIME ZONE sales_rollup_zone()` instead of 'UTC'; the triggers keep their
  names and timing.
* The existing rows are rebuilt from the orders. Downgrading puts the UTC versions back and
  rebuilds again.

One zone for every shop: the shops are Vietnamese, and a platform-wide day (the admin's figures)
needs one zone anyway. A shop in another zone would need shops.timezone and the shop rollups
keyed by it.
"""
from alembic import op

revision = "tz01"
down_revision = "srch01"
branch_labels = None
depends_on = None

SOLD = "('DELIVERED', 'COMPLETED')"
NO_PRODUCT = "'00000000-0000-0000-0000-000000000000'::uuid"
FALLBACK_ZONE = "Asia/Ho_Chi_Minh"


def zone_function(zone: str) -> str:
    """sales_rollup_zone() returning `zone` (checked by PostgreSQL first: an unknown zone fails here)."""
    quoted = zone.replace("'", "''")
    return (f"SELECT now() AT TIME ZONE '{quoted}';\n"
            "CREATE OR REPLACE FUNCTION sales_rollup_zone() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE\n"
            f"AS $$ SELECT text '{quoted}' $$;")


def _stage(day_of: str) -> str:
    """perf03's sales_rollup_stage(), the day of an order being `day_of` % created_at."""
    new, old, changed = (day_of % f"{alias}.created_at" for alias in ("n", "o", "c"))
    return f"""
CREATE OR REPLACE FUNCTION sales_rollup_stage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('marketplace.sales_rollup_applied', true) = '1' THEN
    PERFORM set_config('marketplace.sales_rollup_applied', '', true);
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sales_rollup_pending
    SELECT n.id, n.shop_id, {new}, n.status, n.total, 1 FROM new_orders n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO sales_rollup_pending
    SELECT o.id, o.shop_id, {old}, o.status, o.total, -1 FROM old_orders o;
  ELSE  -- the WHEN of orders_sales_rollup_change, row by row
    INSERT INTO sales_rollup_pending
    SELECT c.id, c.shop_id, {changed}, c.status, c.total, c.sign
      FROM old_orders o JOIN new_orders n ON n.id = o.id,
           LATERAL (VALUES (o.id, o.shop_id, o.created_at, o.status, o.total, -1),
                           (n.id, n.shop_id, n.created_at, n.status, n.total, 1))
             AS c (id, shop_id, created_at, status, total, sign)
     WHERE o.shop_id IS DISTINCT FROM n.shop_id OR o.status IS DISTINCT FROM n.status
        OR o.total IS DISTINCT FROM n.total OR o.created_at IS DISTINCT FROM n.created_at;
  END IF;
  RETURN NULL;
END $$;
"""


def _refresh(day_of: str) -> str:
    """perf01's refresh_sales_rollups(), the day of an order being `day_of` % created_at."""
    day, order_day = day_of % "created_at", day_of % "o.created_at"
    return f"""
CREATE OR REPLACE FUNCTION refresh_sales_rollups() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM sales_daily;
  DELETE FROM shop_sales_daily;
  DELETE FROM product_sales_daily;
  INSERT INTO sales_daily (day, status, shard, orders, total)
  SELECT {day}, status, 0, count(*), sum(total) FROM orders GROUP BY 1, 2;
  INSERT INTO shop_sales_daily (shop_id, day, status, shard, orders, total)
  SELECT shop_id, {day}, status, 0, count(*), sum(total) FROM orders GROUP BY 1, 2, 3;
  INSERT INTO product_sales_daily (shop_id, day, product_key, title, shard, units, revenue)
  SELECT o.shop_id, {order_day}, coalesce(i.product_id, {NO_PRODUCT}), i.product_title, 0,
         sum(i.quantity), sum(i.line_total)
    FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.status IN {SOLD} GROUP BY 1, 2, 3, 4;
END $$;
"""


LOCAL_DAY = "(%s AT TIME ZONE sales_rollup_zone())::date"
UTC_DAY = "(%s AT TIME ZONE 'UTC')::date"


def _configured_zone() -> str:
    from flask import current_app, has_app_context

    return current_app.config.get("DEFAULT_TIMEZONE") or FALLBACK_ZONE if has_app_context() else FALLBACK_ZONE


def upgrade():
    op.execute(zone_function(_configured_zone()))
    op.execute(_stage(LOCAL_DAY))
    op.execute(_refresh(LOCAL_DAY))
    op.execute("SELECT refresh_sales_rollups()")


def downgrade():
    op.execute(_stage(UTC_DAY))
    op.execute(_refresh(UTC_DAY))
    op.execute("DROP FUNCTION sales_rollup_zone()")
    op.execute("SELECT refresh_sales_rollups()")
