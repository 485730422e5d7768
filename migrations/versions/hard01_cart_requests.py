"""cart_requests: the API's idempotent cart adds (a retried POST /cart/items adds once)

Revision ID: hard01
Revises: vchr01
Create Date: 2026-12-06

The mobile app retries an add to the cart after a timeout. Without a key the retry added
the quantity a second time. With an Idempotency-Key header the add claims
(user_id, idempotency_key) first; a second request with the same key finds it taken
and answers the cart without adding (services/cart/cart_requests.py). Each claim deletes that
user's keys older than a day, so the table holds about a day of adds per active user.
"""
import sqlalchemy as sa
from alembic import op

revision = "hard01"
down_revision = "vchr01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cart_requests",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_cart_requests_quantity_positive")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_cart_requests_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "idempotency_key", name=op.f("pk_cart_requests")),
    )


def downgrade():
    op.drop_table("cart_requests")
