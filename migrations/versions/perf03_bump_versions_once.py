"""performance: one cache-version bump and one rollup write per key per trigger firing, not one per row

Revision ID: perf03
Revises: hard02
Create Date: 2026-12-06

perf01/perf02's deferred row triggers did their whole work once per changed row at COMMIT:
a transaction that changed N products upserted the 'catalog' row of cache_versions N
times, and N orders of one shop and day rewrote the same rollup rows N times. Each update
of a row already updated by the same open transaction first walks that row's chain of
earlier (still live to others) versions, so the commit grew quadratically: 10,000 rows
0.43 s, 20,000 3.1 s, 40,000 14.5 s, and seed-bench's final COMMIT ran for minutes while
holding the version row lock every other catalogue commit waits for.

Cache versions. The deferred row triggers keep their names, tables, WHEN conditions and
timing (at COMMIT, the version row locked last, a fresh sequence value), but now call
bump_cache_version_once(name): it returns at once when a transaction-local marker
(`marketplace.bumped_<name>`, set_config(..., is_local => true)) says the version was
already bumped and nothing of that name changed since. A non-deferred statement-level
trigger on each watched table (`*_rearm`) clears that marker whenever a statement writes
the table. So the marker is set only while "the version was moved after the last change
of its data in this transaction", and:

* a plain transaction bumps each name once, at COMMIT, however many rows it changed;
* `SET CONSTRAINTS ... IMMEDIATE` (services/core/rollups.py include_pending(): a transaction
  that writes and then reads through a cache) bumps at that point; a later write in the
  same transaction rearms, so its events bump again at the next firing. One bump per
  transaction would be enough for other transactions (they see the version and every
  change at once, at COMMIT, and the value is new), but not for the writing transaction
  itself: a page it cached between the early bump and its later writes would be keyed
  under the final version and show the older state. Rearming costs one bump per firing,
  which is bounded by the statements, not the rows; under IMMEDIATE constraints that is
  one bump per statement.
* savepoints: a marker set or cleared inside a savepoint that is rolled back goes back
  with it (GUCs are restored at subtransaction abort), just like the bump itself and the
  trigger events (PostgreSQL re-queues events fired in an aborted subtransaction).
* a statement that changes nothing the WHEN conditions watch (a sale that leaves stock)
  clears the marker but queues no event, so it causes no bump.

Statement-level triggers with transition tables could do the bump once per statement, but
a statement trigger cannot be a deferred constraint trigger: the version row would be
locked from the statement to the end of the transaction (behind checkout's stock locks),
which is what perf01 set out to avoid. 'categories' and 'shops' keep their statement-level
bump_cache_version() triggers (immediate, once per statement: admin edits of a few rows).

Sales rollups. The deferred row triggers orders_sales_rollup(_change) keep their names,
events, WHEN condition and timing, so services/core/rollups.py still folds them in with SET
CONSTRAINTS. What the rows contribute is now recorded by statement-level triggers with
transition tables (orders_sales_rollup_stage_*: one INSERT ... SELECT per statement into
sales_rollup_pending, an UNLOGGED table) and the first deferred event of a firing applies
everything staged, summed per rollup key and in key order (a fixed lock order), then
deletes it; the other events of that firing see the `marketplace.sales_rollup_applied`
marker and return (without it each would scan the dead staged rows again: quadratic).
Staging clears the marker, as for the versions. Nothing is ever committed in
sales_rollup_pending (the rows are deleted by the transaction that inserted them), so a
transaction only sees its own staged rows, and the table needs no WAL (UNLOGGED). Rollup
rows are upserted in key order, one write per key (keys whose sums net to zero are left
alone). Disable the staging triggers together with the deferred ones (seed/bench_people.py
does), or staged rows would be committed and counted by the next transaction.

Measured (2 shared cores): one transaction inserting N products and N delivered orders of one
shop and day committed in 0.88 s / 2.33 s / 8.50 s for N = 5,000 / 10,000 / 20,000 before,
17 ms / 29 ms / 57 ms after.
"""
from alembic import op

revision = "perf03"
down_revision = "hard02"
branch_labels = None
depends_on = None

SOLD = "('DELIVERED', 'COMPLETED')"
NO_PRODUCT = "'00000000-0000-0000-0000-000000000000'::uuid"

# (trigger, table, version name, events, WHEN or None): perf01 + perf02's deferred version triggers.
VERSION_TRIGGERS = [
    ("products_catalog_version", "products", "catalog", "INSERT OR UPDATE OR DELETE", None),
    ("product_images_catalog_version", "product_images", "catalog", "INSERT OR UPDATE OR DELETE", None),
    ("shops_catalog_version", "shops", "catalog", "INSERT OR UPDATE OR DELETE", None),
    ("variants_catalog_version", "product_variants", "catalog", "INSERT OR DELETE", None),
    ("variants_catalog_version_change", "product_variants", "catalog", "UPDATE",
     "(OLD.stock > 0) IS DISTINCT FROM (NEW.stock > 0) OR (to_jsonb(OLD) - 'stock') IS DISTINCT FROM (to_jsonb(NEW) - 'stock')"),
    ("reviews_reviews_version", "reviews", "reviews", "INSERT OR UPDATE OR DELETE", None),
    ("review_images_reviews_version", "review_images", "reviews", "INSERT OR UPDATE OR DELETE", None),
    ("users_reviews_version", "users", "reviews", "UPDATE OF full_name", "OLD.full_name IS DISTINCT FROM NEW.full_name"),
]
# (table, version name, events): one rearming statement trigger per watched table.
REARM = [("products", "catalog", "INSERT OR UPDATE OR DELETE"),
         ("product_images", "catalog", "INSERT OR UPDATE OR DELETE"),
         ("shops", "catalog", "INSERT OR UPDATE OR DELETE"),
         ("product_variants", "catalog", "INSERT OR UPDATE OR DELETE"),
         ("reviews", "reviews", "INSERT OR UPDATE OR DELETE"),
         ("review_images", "reviews", "INSERT OR UPDATE OR DELETE"),
         ("users", "reviews", "UPDATE OF full_name")]


def _version_trigger(trigger, table, name, events, when, function):
    condition = f"WHEN ({when})\n" if when else ""
    return (f"CREATE CONSTRAINT TRIGGER {trigger} AFTER {events} ON {table}\n"
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW\n{condition}EXECUTE FUNCTION {function}('{name}');\n")


VERSION_FUNCTIONS = """
CREATE FUNCTION bump_cache_version_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Set: this transaction moved the version after its last write of the name's tables.
  IF current_setting('marketplace.bumped_' || TG_ARGV[0], true) = '1' THEN RETURN NULL; END IF;
  PERFORM set_config('marketplace.bumped_' || TG_ARGV[0], '1', true);
  INSERT INTO cache_versions (name, version) VALUES (TG_ARGV[0], nextval('cache_versions_seq'))
  ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END $$;

CREATE FUNCTION rearm_cache_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('marketplace.bumped_' || TG_ARGV[0], true) = '1' THEN
    PERFORM set_config('marketplace.bumped_' || TG_ARGV[0], '', true);
  END IF;
  RETURN NULL;
END $$;
"""

ROLLUP_UPGRADE = f"""
CREATE UNLOGGED TABLE sales_rollup_pending (
  order_id uuid NOT NULL, shop_id uuid NOT NULL, day date NOT NULL, status order_status NOT NULL,
  total integer NOT NULL, sign smallint NOT NULL
);

CREATE FUNCTION sales_rollup_stage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('marketplace.sales_rollup_applied', true) = '1' THEN
    PERFORM set_config('marketplace.sales_rollup_applied', '', true);
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sales_rollup_pending
    SELECT n.id, n.shop_id, (n.created_at AT TIME ZONE 'UTC')::date, n.status, n.total, 1 FROM new_orders n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO sales_rollup_pending
    SELECT o.id, o.shop_id, (o.created_at AT TIME ZONE 'UTC')::date, o.status, o.total, -1 FROM old_orders o;
  ELSE  -- the WHEN of orders_sales_rollup_change, row by row
    INSERT INTO sales_rollup_pending
    SELECT c.id, c.shop_id, (c.created_at AT TIME ZONE 'UTC')::date, c.status, c.total, c.sign
      FROM old_orders o JOIN new_orders n ON n.id = o.id,
           LATERAL (VALUES (o.id, o.shop_id, o.created_at, o.status, o.total, -1),
                           (n.id, n.shop_id, n.created_at, n.status, n.total, 1))
             AS c (id, shop_id, created_at, status, total, sign)
     WHERE o.shop_id IS DISTINCT FROM n.shop_id OR o.status IS DISTINCT FROM n.status
        OR o.total IS DISTINCT FROM n.total OR o.created_at IS DISTINCT FROM n.created_at;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER orders_sales_rollup_stage_insert AFTER INSERT ON orders
REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION sales_rollup_stage();
CREATE TRIGGER orders_sales_rollup_stage_update AFTER UPDATE ON orders
REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION sales_rollup_stage();
CREATE TRIGGER orders_sales_rollup_stage_delete AFTER DELETE ON orders
REFERENCING OLD TABLE AS old_orders FOR EACH STATEMENT EXECUTE FUNCTION sales_rollup_stage();

CREATE FUNCTION sales_rollup_apply_pending() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s smallint := (pg_backend_pid() % 4)::smallint;
BEGIN
  IF current_setting('marketplace.sales_rollup_applied', true) = '1' THEN RETURN NULL; END IF;
  PERFORM set_config('marketplace.sales_rollup_applied', '1', true);
  -- One statement: data-modifying CTEs all run to completion, each reading the same moved rows.
  WITH moved AS (DELETE FROM sales_rollup_pending RETURNING *),
  platform AS (
    INSERT INTO sales_daily AS t (day, status, shard, orders, total)
    SELECT day, status, s, sum(sign), sum(sign * total) FROM moved
     GROUP BY 1, 2 HAVING sum(sign) <> 0 OR sum(sign * total) <> 0 ORDER BY 1, 2
    ON CONFLICT (day, status, shard) DO UPDATE SET orders = t.orders + EXCLUDED.orders, total = t.total + EXCLUDED.total),
  per_shop AS (
    INSERT INTO shop_sales_daily AS t (shop_id, day, status, shard, orders, total)
    SELECT shop_id, day, status, s, sum(sign), sum(sign * total) FROM moved
     GROUP BY 1, 2, 3 HAVING sum(sign) <> 0 OR sum(sign * total) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (shop_id, day, status, shard)
    DO UPDATE SET orders = t.orders + EXCLUDED.orders, total = t.total + EXCLUDED.total)
  INSERT INTO product_sales_daily AS t (shop_id, day, product_key, title, shard, units, revenue)
  SELECT m.shop_id, m.day, coalesce(i.product_id, {NO_PRODUCT}), i.product_title, s, sum(m.sign * i.quantity),
         sum(m.sign * i.line_total)
    FROM moved m JOIN order_items i ON i.order_id = m.order_id
   WHERE m.status IN {SOLD}
   GROUP BY 1, 2, 3, 4 HAVING sum(m.sign * i.quantity) <> 0 OR sum(m.sign * i.line_total) <> 0 ORDER BY 1, 2, 3, 4
  ON CONFLICT (shop_id, day, product_key, title, shard)
  DO UPDATE SET units = t.units + EXCLUDED.units, revenue = t.revenue + EXCLUDED.revenue;
  RETURN NULL;
END $$;

DROP TRIGGER orders_sales_rollup ON orders;
DROP TRIGGER orders_sales_rollup_change ON orders;
CREATE CONSTRAINT TRIGGER orders_sales_rollup AFTER INSERT OR DELETE ON orders
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sales_rollup_apply_pending();
CREATE CONSTRAINT TRIGGER orders_sales_rollup_change AFTER UPDATE OF shop_id, status, total, created_at ON orders
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD.shop_id IS DISTINCT FROM NEW.shop_id OR OLD.status IS DISTINCT FROM NEW.status
      OR OLD.total IS DISTINCT FROM NEW.total OR OLD.created_at IS DISTINCT FROM NEW.created_at)
EXECUTE FUNCTION sales_rollup_apply_pending();
DROP FUNCTION sales_rollup();
DROP FUNCTION sales_rollup_apply(orders, integer);
"""

# perf01's functions and triggers, as they were.
ROLLUP_DOWNGRADE = f"""
DROP TRIGGER orders_sales_rollup ON orders;
DROP TRIGGER orders_sales_rollup_change ON orders;
DROP TRIGGER orders_sales_rollup_stage_insert ON orders;
DROP TRIGGER orders_sales_rollup_stage_update ON orders;
DROP TRIGGER orders_sales_rollup_stage_delete ON orders;
DROP FUNCTION sales_rollup_apply_pending();
DROP FUNCTION sales_rollup_stage();
DROP TABLE sales_rollup_pending;

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
"""


def upgrade():
    op.execute(VERSION_FUNCTIONS)
    for trigger, table, name, events, when in VERSION_TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
        op.execute(_version_trigger(trigger, table, name, events, when, "bump_cache_version_once"))
    for table, name, events in REARM:
        op.execute(f"CREATE TRIGGER {table}_{name}_version_rearm AFTER {events} ON {table}\n"
                   f"FOR EACH STATEMENT EXECUTE FUNCTION rearm_cache_version('{name}')")
    op.execute(ROLLUP_UPGRADE)


def downgrade():
    op.execute(ROLLUP_DOWNGRADE)
    for table, name, _ in REARM:
        op.execute(f"DROP TRIGGER {table}_{name}_version_rearm ON {table}")
    for trigger, table, name, events, when in VERSION_TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
        op.execute(_version_trigger(trigger, table, name, events, when, "bump_cache_version"))
    op.execute("DROP FUNCTION rearm_cache_version()")
    op.execute("DROP FUNCTION bump_cache_version_once()")
