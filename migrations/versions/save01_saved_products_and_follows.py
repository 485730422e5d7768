"""saved products (wishlist_items) and followed shops (shop_follows)

Revision ID: save01
Revises: perf06
Create Date: 2026-12-07

A shopper keeps products for later on a "Saved" page and follows shops. One row per pair
(a unique constraint: a second tap saves nothing more), both gone with the user, the product
or the shop (ON DELETE CASCADE). Each list pages newest first on (user_id, created_at, id).
A shop's follower count is a COUNT over ix_shop_follows_shop_id rather than a counter column:
any write to `shops` bumps the storefront's cache versions (perf01), so a counter there would
empty every cached page at each follow.
"""
import sqlalchemy as sa
from alembic import op

revision = "save01"
down_revision = "shop01_shop_banner"
branch_labels = None
depends_on = None


def _pair_table(name: str, other: str, other_table: str, unique: str):
    op.create_table(
        name,
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(other, sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=f"fk_{name}_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint([other], [f"{other_table}.id"], name=f"fk_{name}_{other}_{other_table}",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
        sa.UniqueConstraint("user_id", other, name=unique),
    )
    op.create_index(f"ix_{name}_user_created", name, ["user_id", "created_at", "id"])
    op.create_index(f"ix_{name}_{other}", name, [other])


def upgrade():
    _pair_table("wishlist_items", "product_id", "products", "uq_wishlist_items_user_product")
    _pair_table("shop_follows", "shop_id", "shops", "uq_shop_follows_user_shop")


def downgrade():
    op.drop_table("shop_follows")
    op.drop_table("wishlist_items")
