"""Money after the sale: returns, refunds, commission, a double-entry ledger, payouts

Revision ID: led01
Revises: pay01
Create Date: 2026-12-07

Issue 18. What the database itself guarantees here (models/ledger.py says why):
- ledger_entries and ledger_transactions are append-only (a trigger refuses UPDATE and DELETE);
- every ledger transaction's entries sum to zero (a constraint trigger deferred to COMMIT);
- a shop account's running balance is the sum of its entries (a trigger adds each one), and its
  available balance can't be overdrawn (a CHECK);
- per order line, commission and refunds never exceed what the buyer paid for it; shipping refunds
  never exceed the fee; return units never exceed the units bought (CHECKs on order_items/orders).

Orders placed before this migration get their voucher discount shared out over their lines (the
largest lines take the odd units) and a commission rate of 0: they were sold before there was one.
"""
import sqlalchemy as sa
from alembic import op

revision = "led01"
down_revision = "pay01"
branch_labels = None
depends_on = None

ORDER_ITEM_CHECKS = {
    "discount_share_within_line": "discount_share BETWEEN 0 AND line_total",
    "commission_rate_in_range": "commission_rate_bp BETWEEN 0 AND 10000",
    "commission_within_paid": "commission BETWEEN 0 AND line_total - discount_share",
    "commission_refund_within_commission": "commission_refunded BETWEEN 0 AND commission",
    "refund_within_paid": "refunded_amount BETWEEN 0 AND line_total - discount_share",
    "refunded_units_within_quantity": "refunded_quantity BETWEEN 0 AND quantity",
    "returned_units_within_quantity": "return_quantity BETWEEN 0 AND quantity",
}

SHARE_OUT_OLD_DISCOUNTS = """
WITH shares AS (
    SELECT oi.id,
           floor(o.discount::numeric * oi.line_total / o.subtotal) AS base,
           row_number() OVER (PARTITION BY oi.order_id ORDER BY oi.line_total DESC, oi.id) AS rank,
           o.discount - sum(floor(o.discount::numeric * oi.line_total / o.subtotal))
               OVER (PARTITION BY oi.order_id) AS odd_units
    FROM order_items oi JOIN orders o ON o.id = oi.order_id
    WHERE o.discount > 0 AND o.subtotal > 0
)
UPDATE order_items SET discount_share = shares.base + CASE WHEN shares.rank <= shares.odd_units THEN 1 ELSE 0 END
FROM shares WHERE shares.id = order_items.id
"""

LEDGER_RULES = """
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: post a correcting transaction instead', TG_TABLE_NAME;
END $$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

CREATE FUNCTION ledger_transaction_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total bigint;
BEGIN
  SELECT sum(amount) INTO total FROM ledger_entries WHERE transaction_id = NEW.transaction_id;
  IF total <> 0 THEN
    RAISE EXCEPTION 'ledger transaction % does not balance: its entries sum to %', NEW.transaction_id, total;
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_balance AFTER INSERT ON ledger_entries
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balances();

CREATE FUNCTION ledger_shop_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ledger_accounts SET balance = balance + NEW.amount
  WHERE id = NEW.account_id AND kind IN ('SHOP_PENDING', 'SHOP_AVAILABLE');
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_entries_shop_balance AFTER INSERT ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION ledger_shop_balance();
"""

DROP_LEDGER_RULES = """
DROP TRIGGER ledger_entries_shop_balance ON ledger_entries;
DROP FUNCTION ledger_shop_balance();
DROP TRIGGER ledger_entries_balance ON ledger_entries;
DROP FUNCTION ledger_transaction_balances();
DROP TRIGGER ledger_transactions_append_only ON ledger_transactions;
DROP TRIGGER ledger_entries_append_only ON ledger_entries;
DROP FUNCTION ledger_append_only();
"""


def upgrade():
    op.create_table('commission_rates',
    sa.Column('shop_id', sa.Uuid(), nullable=True),
    sa.Column('category_id', sa.Uuid(), nullable=True),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('(shop_id IS NULL) <> (category_id IS NULL)', name=op.f('ck_commission_rates_one_scope')),
    sa.CheckConstraint('rate_bp BETWEEN 0 AND 10000', name=op.f('ck_commission_rates_rate_in_range')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_commission_rates_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_commission_rates_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_commission_rates_updated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_rates')),
    sa.UniqueConstraint('category_id', name=op.f('uq_commission_rates_category_id')),
    sa.UniqueConstraint('shop_id', name=op.f('uq_commission_rates_shop_id'))
    )
    op.create_table('ledger_accounts',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('shop_id', sa.Uuid(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('balance', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("(shop_id IS NOT NULL) = (kind IN ('SHOP_PENDING', 'SHOP_AVAILABLE'))", name=op.f('ck_ledger_accounts_shop_iff_shop_kind')),
    sa.CheckConstraint("kind <> 'SHOP_AVAILABLE' OR balance <= 0", name=op.f('ck_ledger_accounts_available_not_overdrawn')),
    sa.CheckConstraint("kind IN ('CASH', 'BUYER_FUNDS', 'SHOP_PENDING', 'SHOP_AVAILABLE', 'COMMISSION', 'REFUNDS_OWED', 'PAYOUTS_IN_TRANSIT')", name=op.f('ck_ledger_accounts_kind_known')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_ledger_accounts_shop_id_shops'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_accounts'))
    )
    with op.batch_alter_table('ledger_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_accounts_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('uq_ledger_accounts_kind_shop_currency', ['kind', 'shop_id', 'currency'], unique=True, postgresql_nulls_not_distinct=True)

    op.create_table('payouts',
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('bank_name', sa.String(length=120), nullable=False),
    sa.Column('bank_account_name', sa.String(length=120), nullable=False),
    sa.Column('bank_account_number', sa.String(length=40), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('refuse_reason', sa.Text(), nullable=True),
    sa.Column('requested_by', sa.Uuid(), nullable=True),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status <> 'PAID' OR (reference IS NOT NULL AND paid_at IS NOT NULL)", name=op.f('ck_payouts_paid_has_reference')),
    sa.CheckConstraint("status <> 'REFUSED' OR refuse_reason IS NOT NULL", name=op.f('ck_payouts_refused_has_reason')),
    sa.CheckConstraint("status IN ('REQUESTED', 'APPROVED', 'PAID', 'REFUSED')", name=op.f('ck_payouts_status_known')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payouts_amount_positive')),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_payouts_decided_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_payouts_requested_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_payouts_shop_id_shops'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payouts'))
    )
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.create_index('ix_payouts_open', ['created_at'], unique=False, postgresql_where=sa.text("status IN ('REQUESTED', 'APPROVED')"))
        batch_op.create_index('ix_payouts_shop_created', ['shop_id', 'created_at', 'id'], unique=False)

    op.create_table('returns',
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('buyer_id', sa.Uuid(), nullable=False),
    sa.Column('shop_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=15), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('respond_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('refuse_reason', sa.Text(), nullable=True),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.Column('restock', sa.Boolean(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("reason IN ('DAMAGED', 'WRONG_ITEM', 'NOT_AS_DESCRIBED', 'MISSING_PARTS', 'CHANGED_MIND', 'OTHER')", name=op.f('ck_returns_reason_known')),
    sa.CheckConstraint("status <> 'REFUSED' OR refuse_reason IS NOT NULL", name=op.f('ck_returns_refused_has_reason')),
    sa.CheckConstraint("status <> 'SHIPPED_BACK' OR tracking_number IS NOT NULL", name=op.f('ck_returns_shipped_has_tracking')),
    sa.CheckConstraint("status IN ('REQUESTED', 'ACCEPTED', 'REFUSED', 'DISPUTED', 'SHIPPED_BACK', 'RECEIVED', 'REFUNDED', 'CLOSED', 'CANCELLED')", name=op.f('ck_returns_status_known')),
    sa.ForeignKeyConstraint(['buyer_id'], ['users.id'], name=op.f('fk_returns_buyer_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_returns_order_id_orders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_returns_shop_id_shops'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_returns')),
    sa.UniqueConstraint('number', name=op.f('uq_returns_number'))
    )
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.create_index('ix_returns_buyer_created', ['buyer_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_returns_requested_respond_by', ['respond_by'], unique=False, postgresql_where=sa.text("status = 'REQUESTED'"))
        batch_op.create_index('ix_returns_shop_status_created', ['shop_id', 'status', 'created_at', 'id'], unique=False)
        batch_op.create_index('uq_returns_open_order', ['order_id'], unique=True, postgresql_where=sa.text("status IN ('REQUESTED', 'ACCEPTED', 'DISPUTED', 'SHIPPED_BACK', 'RECEIVED')"))

    op.create_table('refunds',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('return_id', sa.Uuid(), nullable=True),
    sa.Column('payment_id', sa.Uuid(), nullable=True),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('items_amount', sa.BigInteger(), nullable=False),
    sa.Column('shipping_amount', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('provider_refund_id', sa.String(length=255), nullable=True),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('failure', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('paid_by', sa.Uuid(), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("method IN ('ONLINE', 'COD')", name=op.f('ck_refunds_method_known')),
    sa.CheckConstraint("status <> 'PAID' OR paid_at IS NOT NULL", name=op.f('ck_refunds_paid_has_date')),
    sa.CheckConstraint("status IN ('OWED', 'PAID', 'FAILED')", name=op.f('ck_refunds_status_known')),
    sa.CheckConstraint('amount = items_amount + shipping_amount AND amount > 0', name=op.f('ck_refunds_amount_adds_up')),
    sa.CheckConstraint('items_amount >= 0 AND shipping_amount >= 0', name=op.f('ck_refunds_parts_not_negative')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_refunds_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['paid_by'], ['users.id'], name=op.f('fk_refunds_paid_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['payment_id'], ['checkout_payments.id'], name=op.f('fk_refunds_payment_id_checkout_payments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['return_id'], ['returns.id'], name=op.f('fk_refunds_return_id_returns'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_refunds_owed', ['created_at'], unique=False, postgresql_where=sa.text("status <> 'PAID'"))
        batch_op.create_index(batch_op.f('ix_refunds_payment_id'), ['payment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_return_id'), ['return_id'], unique=False)

    op.create_table('return_events',
    sa.Column('return_id', sa.Uuid(), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('from_status', sa.String(length=15), nullable=True),
    sa.Column('to_status', sa.String(length=15), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_return_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['return_id'], ['returns.id'], name=op.f('fk_return_events_return_id_returns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_events'))
    )
    with op.batch_alter_table('return_events', schema=None) as batch_op:
        batch_op.create_index('ix_return_events_return_created', ['return_id', 'created_at'], unique=False)

    op.create_table('return_images',
    sa.Column('return_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('position BETWEEN 0 AND 4', name=op.f('ck_return_images_at_most_five')),
    sa.ForeignKeyConstraint(['return_id'], ['returns.id'], name=op.f('fk_return_images_return_id_returns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_images')),
    sa.UniqueConstraint('return_id', 'position', name='uq_return_images_return_position')
    )
    op.create_table('ledger_transactions',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=True),
    sa.Column('memo', sa.String(length=200), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('order_id', sa.Uuid(), nullable=True),
    sa.Column('refund_id', sa.Uuid(), nullable=True),
    sa.Column('payout_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("kind IN ('PAYMENT_CAPTURED', 'SALE_EARNED', 'SETTLED', 'REFUND', 'REFUND_PAID', 'PAYOUT_REQUESTED', 'PAYOUT_PAID', 'PAYOUT_REFUSED', 'ADJUSTMENT')", name=op.f('ck_ledger_transactions_kind_known')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ledger_transactions_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_ledger_transactions_order_id_orders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['payout_id'], ['payouts.id'], name=op.f('fk_ledger_transactions_payout_id_payouts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_ledger_transactions_refund_id_refunds'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_transactions')),
    sa.UniqueConstraint('key', name=op.f('uq_ledger_transactions_key'))
    )
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_transactions_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_transactions_payout_id'), ['payout_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_transactions_refund_id'), ['refund_id'], unique=False)

    op.create_table('refund_items',
    sa.Column('refund_id', sa.Uuid(), nullable=False),
    sa.Column('order_item_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_refund_items_amount_positive')),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_refund_items_quantity_not_negative')),
    sa.ForeignKeyConstraint(['order_item_id'], ['order_items.id'], name=op.f('fk_refund_items_order_item_id_order_items'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_refund_items_refund_id_refunds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_items')),
    sa.UniqueConstraint('refund_id', 'order_item_id', name='uq_refund_items_refund_line')
    )
    with op.batch_alter_table('refund_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_items_order_item_id'), ['order_item_id'], unique=False)

    op.create_table('return_items',
    sa.Column('return_id', sa.Uuid(), nullable=False),
    sa.Column('order_item_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_return_items_quantity_positive')),
    sa.ForeignKeyConstraint(['order_item_id'], ['order_items.id'], name=op.f('fk_return_items_order_item_id_order_items'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['return_id'], ['returns.id'], name=op.f('fk_return_items_return_id_returns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_items')),
    sa.UniqueConstraint('return_id', 'order_item_id', name='uq_return_items_return_line')
    )
    with op.batch_alter_table('return_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_items_order_item_id'), ['order_item_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('transaction_id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=True),
    sa.Column('order_item_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_ledger_entries_amount_not_zero')),
    sa.ForeignKeyConstraint(['account_id'], ['ledger_accounts.id'], name=op.f('fk_ledger_entries_account_id_ledger_accounts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_ledger_entries_order_id_orders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['order_item_id'], ['order_items.id'], name=op.f('fk_ledger_entries_order_item_id_order_items'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_ledger_entries_transaction_id_ledger_transactions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_account_created', ['account_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_order_item_id'), ['order_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_transaction_id'), ['transaction_id'], unique=False)

    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_share', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('commission_rate_bp', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('commission', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('commission_refunded', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('refunded_amount', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('refunded_quantity', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('return_quantity', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipping_refunded', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_orders_unsettled_delivered', ['delivered_at'], unique=False, postgresql_where=sa.text('delivered_at IS NOT NULL AND settled_at IS NULL'))

    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('bank_account_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('bank_account_number', sa.String(length=40), nullable=True))

    op.execute(SHARE_OUT_OLD_DISCOUNTS)
    for name, condition in ORDER_ITEM_CHECKS.items():
        op.create_check_constraint(op.f(f"ck_order_items_{name}"), "order_items", condition)
    op.create_check_constraint(op.f("ck_orders_shipping_refund_within_fee"), "orders",
                               "shipping_refunded BETWEEN 0 AND shipping_fee")
    op.execute(LEDGER_RULES)


def downgrade():
    op.execute(DROP_LEDGER_RULES)
    op.drop_constraint(op.f("ck_orders_shipping_refund_within_fee"), "orders", type_="check")
    for name in ORDER_ITEM_CHECKS:
        op.drop_constraint(op.f(f"ck_order_items_{name}"), "order_items", type_="check")
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.drop_column('bank_account_number')
        batch_op.drop_column('bank_account_name')
        batch_op.drop_column('bank_name')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_unsettled_delivered', postgresql_where=sa.text('delivered_at IS NOT NULL AND settled_at IS NULL'))
        batch_op.drop_column('settled_at')
        batch_op.drop_column('shipping_refunded')

    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.drop_column('settled_at')
        batch_op.drop_column('return_quantity')
        batch_op.drop_column('refunded_quantity')
        batch_op.drop_column('refunded_amount')
        batch_op.drop_column('commission_refunded')
        batch_op.drop_column('commission')
        batch_op.drop_column('commission_rate_bp')
        batch_op.drop_column('discount_share')

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_order_item_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_order_id'))
        batch_op.drop_index('ix_ledger_entries_account_created')

    op.drop_table('ledger_entries')
    with op.batch_alter_table('return_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_items_order_item_id'))

    op.drop_table('return_items')
    with op.batch_alter_table('refund_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_items_order_item_id'))

    op.drop_table('refund_items')
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_transactions_refund_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_transactions_payout_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_transactions_order_id'))

    op.drop_table('ledger_transactions')
    op.drop_table('return_images')
    with op.batch_alter_table('return_events', schema=None) as batch_op:
        batch_op.drop_index('ix_return_events_return_created')

    op.drop_table('return_events')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_return_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_payment_id'))
        batch_op.drop_index('ix_refunds_owed', postgresql_where=sa.text("status <> 'PAID'"))
        batch_op.drop_index(batch_op.f('ix_refunds_order_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_index('uq_returns_open_order', postgresql_where=sa.text("status IN ('REQUESTED', 'ACCEPTED', 'DISPUTED', 'SHIPPED_BACK', 'RECEIVED')"))
        batch_op.drop_index('ix_returns_shop_status_created')
        batch_op.drop_index('ix_returns_requested_respond_by', postgresql_where=sa.text("status = 'REQUESTED'"))
        batch_op.drop_index(batch_op.f('ix_returns_order_id'))
        batch_op.drop_index('ix_returns_buyer_created')

    op.drop_table('returns')
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_index('ix_payouts_shop_created')
        batch_op.drop_index('ix_payouts_open', postgresql_where=sa.text("status IN ('REQUESTED', 'APPROVED')"))

    op.drop_table('payouts')
    with op.batch_alter_table('ledger_accounts', schema=None) as batch_op:
        batch_op.drop_index('uq_ledger_accounts_kind_shop_currency', postgresql_nulls_not_distinct=True)
        batch_op.drop_index(batch_op.f('ix_ledger_accounts_shop_id'))

    op.drop_table('ledger_accounts')
    op.drop_table('commission_rates')
