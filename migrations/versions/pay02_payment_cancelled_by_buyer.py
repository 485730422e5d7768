"""A checkout's payment may be CANCELLED: its buyer gave up before paying

Revision ID: pay02
Revises: led01
Create Date: 2026-12-09

The buyer cancels an unpaid checkout (all its orders, issue 17); the payment says so, and a payment
the provider still confirms afterwards is refunded, as after an expired hold.
"""
from alembic import op

revision = "pay02"
down_revision = "led01"
branch_labels = None
depends_on = None

CHECK = "ck_checkout_payments_status_known"


def upgrade():
    op.drop_constraint(op.f(CHECK), "checkout_payments", type_="check")
    op.create_check_constraint(op.f(CHECK), "checkout_payments",
                               "status IN ('PENDING', 'PAID', 'EXPIRED', 'REFUNDED', 'CANCELLED')")


def downgrade():
    # A cancelled checkout's orders are cancelled like an expired one's: the older schema says EXPIRED.
    op.execute("UPDATE checkout_payments SET status = 'EXPIRED' WHERE status = 'CANCELLED'")
    op.drop_constraint(op.f(CHECK), "checkout_payments", type_="check")
    op.create_check_constraint(op.f(CHECK), "checkout_payments",
                               "status IN ('PENDING', 'PAID', 'EXPIRED', 'REFUNDED')")
