"""Online payment: checkout_payments, their attempts, provider events and refunds; AWAITING_PAYMENT; ONLINE

Revision ID: pay01
Revises: tz01
Create Date: 2026-12-07

One payment per checkout (issue 17). payment_events' unique (provider, event_id) is what makes a
provider's notification count once however often it is sent. The order status PENDING_PAYMENT,
never used until now, takes the name the spec gives it.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "pay01"
down_revision = "tz01"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TYPE order_status RENAME VALUE 'PENDING_PAYMENT' TO 'AWAITING_PAYMENT'")
    op.execute("ALTER TYPE payment_method ADD VALUE IF NOT EXISTS 'ONLINE'")
    op.create_table(
        "checkout_payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("buyer_id", sa.Uuid(), nullable=False),
        sa.Column("checkout_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("hold_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("provider_reference", sa.String(length=255), nullable=True),
        sa.Column("last_outcome", sa.String(length=10), nullable=True),
        sa.Column("paid_reference", sa.String(length=255), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("status IN ('PENDING', 'PAID', 'EXPIRED', 'REFUNDED')",
                           name=op.f("ck_checkout_payments_status_known")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_checkout_payments_amount_positive")),
        sa.CheckConstraint("attempt >= 0", name=op.f("ck_checkout_payments_attempt_not_negative")),
        sa.ForeignKeyConstraint(["buyer_id"], ["users.id"], name=op.f("fk_checkout_payments_buyer_id_users"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["checkout_id"], ["checkout_requests.id"],
                                name=op.f("fk_checkout_payments_checkout_id_checkout_requests"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_payments")),
        sa.UniqueConstraint("checkout_id", name=op.f("uq_checkout_payments_checkout_id")),
    )
    op.create_index(op.f("ix_checkout_payments_buyer_id"), "checkout_payments", ["buyer_id"])
    op.create_index("ix_checkout_payments_pending_hold", "checkout_payments", ["hold_until"],
                    postgresql_where=sa.text("status = 'PENDING'"))
    op.create_table(
        "payment_attempts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["checkout_payments.id"],
                                name=op.f("fk_payment_attempts_payment_id_checkout_payments"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_attempts")),
        sa.UniqueConstraint("provider", "reference", name="uq_payment_attempts_provider_reference"),
    )
    op.create_index(op.f("ix_payment_attempts_payment_id"), "payment_attempts", ["payment_id"])
    op.create_table(
        "payment_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["checkout_payments.id"],
                                name=op.f("fk_payment_events_payment_id_checkout_payments"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_events")),
        sa.UniqueConstraint("provider", "event_id", name="uq_payment_events_provider_event"),
    )
    op.create_index(op.f("ix_payment_events_payment_id"), "payment_events", ["payment_id"])
    op.create_table(
        "payment_refunds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("provider_refund_id", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_refunds_amount_positive")),
        sa.ForeignKeyConstraint(["payment_id"], ["checkout_payments.id"],
                                name=op.f("fk_payment_refunds_payment_id_checkout_payments"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_refunds")),
    )
    op.create_index(op.f("ix_payment_refunds_payment_id"), "payment_refunds", ["payment_id"])


def downgrade():
    op.drop_table("payment_refunds")
    op.drop_table("payment_events")
    op.drop_table("payment_attempts")
    op.drop_table("checkout_payments")
    # PostgreSQL cannot drop an enum value: the type is rebuilt without ONLINE (those orders become COD,
    # the only method the older code knows).
    op.execute("ALTER TABLE orders ALTER COLUMN payment_method DROP DEFAULT")
    op.execute("ALTER TYPE payment_method RENAME TO payment_method_old")
    op.execute("CREATE TYPE payment_method AS ENUM ('COD')")
    op.execute("ALTER TABLE orders ALTER COLUMN payment_method TYPE payment_method "
               "USING (CASE WHEN payment_method::text = 'ONLINE' THEN 'COD' ELSE payment_method::text END)::payment_method")
    op.execute("DROP TYPE payment_method_old")
    op.execute("ALTER TYPE order_status RENAME VALUE 'AWAITING_PAYMENT' TO 'PENDING_PAYMENT'")
