"""shops.banner_key: the wide picture at the top of a shop's page

Revision ID: shop01_shop_banner
Revises: perf06
Create Date: 2026-12-07

Sellers upload a banner on their edit-shop page, the same way as the logo (a stored WebP,
services/core/images.py); the shop page shows it behind its header. Nullable: a shop without
one gets a plain colour band.
"""
import sqlalchemy as sa
from alembic import op

revision = "shop01_shop_banner"
down_revision = "perf06"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("shops", sa.Column("banner_key", sa.String(length=200), nullable=True))


def downgrade():
    op.drop_column("shops", "banner_key")
