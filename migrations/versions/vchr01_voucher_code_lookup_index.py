"""an index on lower(vouchers.code) alone, for "that code belongs to another shop"

Revision ID: vchr01
Revises: catdel01
Create Date: 2026-11-26

A code typed in one shop's checkout is looked up in that shop first (the unique index
(shop_id, lower(code)) answers), then, when it isn't there, in every shop, to tell the
buyer it is another shop's voucher (services/ordering/vouchers.py _find). That second lookup has
no leading shop_id, so the unique index can't serve it and PostgreSQL read every voucher
for each mistyped code.
"""
import sqlalchemy as sa
from alembic import op

revision = "vchr01"
down_revision = "catdel01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_vouchers_lower_code", "vouchers", [sa.text("lower(code)")])


def downgrade():
    op.drop_index("ix_vouchers_lower_code", table_name="vouchers")
