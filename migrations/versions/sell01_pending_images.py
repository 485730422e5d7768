"""pending_images: pictures a seller chose on a refused product form, kept until it is saved

Revision ID: sell01
Revises: perf06
Create Date: 2026-12-07

Browsers can't refill a file input, so every refused round of the seller's product form made
the seller pick the pictures again (issue 15). The form now stores each chosen picture at once
and carries its id; the row says which shop may use it, and lets a sweep find the files of
forms that were never saved (storage can't be listed, so without a row they would be lost).
"""
import sqlalchemy as sa
from alembic import op

revision = "sell01"
down_revision = "save01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_images",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("thumb_key", sa.String(length=200), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name=op.f("fk_pending_images_shop_id_shops"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_images")),
    )
    op.create_index(op.f("ix_pending_images_shop_id"), "pending_images", ["shop_id"], unique=False)
    op.create_index("ix_pending_images_created_at", "pending_images", ["created_at"], unique=False)


def downgrade():
    op.drop_index("ix_pending_images_created_at", table_name="pending_images")
    op.drop_index(op.f("ix_pending_images_shop_id"), table_name="pending_images")
    op.drop_table("pending_images")
