"""ledger_shop_hours: each shop's ledger activity per UTC hour and kind, for monthly statements

Revision ID: led02
Revises: seo01
Create Date: 2027-01-12

A month's statement showed one line per transaction (20,000 for a busy shop): it now shows one
line per day and kind, summed from these hourly rows (at most 24 x 31 per kind), with the balance
before the month summed from them too. An AFTER INSERT statement trigger on ledger_entries adds
each posting's shop-account entries in the same transaction (post() inserts a transaction's entries
in one statement, so its count is exact); existing entries are summed once here.
"""
import sqlalchemy as sa
from alembic import op

revision = "led02"
down_revision = "seo01"
branch_labels = None
depends_on = None

# The shop-account entries of `source`, one row per shop, currency, hour and transaction kind.
HOURS = """
SELECT shop_id, currency, hour, kind, count(*) AS transactions, sum(pending) AS pending,
       sum(available) AS available
FROM (SELECT a.shop_id, a.currency, t.kind,
             date_trunc('hour', min(e.created_at), 'UTC') AS hour,
             coalesce(sum(e.amount) FILTER (WHERE a.kind = 'SHOP_PENDING'), 0) AS pending,
             coalesce(sum(e.amount) FILTER (WHERE a.kind = 'SHOP_AVAILABLE'), 0) AS available
      FROM {source} e
      JOIN ledger_accounts a ON a.id = e.account_id AND a.kind IN ('SHOP_PENDING', 'SHOP_AVAILABLE')
      JOIN ledger_transactions t ON t.id = e.transaction_id
      GROUP BY a.shop_id, a.currency, e.transaction_id, t.kind) per_transaction
GROUP BY shop_id, currency, hour, kind
"""

TRIGGER = """
CREATE FUNCTION ledger_shop_hours_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_shop_hours AS h (shop_id, currency, hour, kind, transactions, pending, available)
  """ + HOURS.format(source="new_entries") + """
  ON CONFLICT (shop_id, currency, hour, kind) DO UPDATE
     SET transactions = h.transactions + EXCLUDED.transactions, pending = h.pending + EXCLUDED.pending,
         available = h.available + EXCLUDED.available;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_entries_shop_hours AFTER INSERT ON ledger_entries
REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_shop_hours_add();
"""


def upgrade():
    op.create_table('ledger_shop_hours',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('transactions', sa.Integer(), nullable=False),
    sa.Column('pending', sa.BigInteger(), nullable=False),
    sa.Column('available', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_ledger_shop_hours_shop_id_shops'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('shop_id', 'currency', 'hour', 'kind', name=op.f('pk_ledger_shop_hours'))
    )
    op.execute("INSERT INTO ledger_shop_hours (shop_id, currency, hour, kind, transactions, pending, available) "
               + HOURS.format(source="ledger_entries"))
    op.execute(TRIGGER)


def downgrade():
    op.execute("DROP TRIGGER ledger_entries_shop_hours ON ledger_entries")
    op.execute("DROP FUNCTION ledger_shop_hours_add()")
    op.drop_table('ledger_shop_hours')
