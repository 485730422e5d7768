"""product_images.share_key, pending_images.share_key: the link-preview picture

Revision ID: seo01
Revises: pay02
Create Date: 2027-01-10

Chat apps and social networks show a shared link with one wide picture (Open Graph's
og:image; 1200x630 is the size they all accept). It is made once per product picture, beside
the full picture and the thumbnail, when the picture is stored (services/core/images.py);
`flask seo share-pictures` makes it for pictures stored before this revision. Nullable: until
then a page offers the full picture instead.
"""
import sqlalchemy as sa
from alembic import op

revision = "seo01"
down_revision = "pay02"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("product_images", sa.Column("share_key", sa.String(length=200), nullable=True))
    op.add_column("pending_images", sa.Column("share_key", sa.String(length=200), nullable=True))


def downgrade():
    op.drop_column("pending_images", "share_key")
    op.drop_column("product_images", "share_key")
