"""users.locale and users.timezone: the language and time zone a user chose

Revision ID: i18n01
Revises: sell01
Create Date: 2026-12-07

The interface speaks Vietnamese and English and shows times in the viewer's zone (issue 16). A
signed-in user's choice is kept on their account, so it follows them to every device; NULL
means "not chosen": the browser's language and DEFAULT_TIMEZONE.
"""
import sqlalchemy as sa
from alembic import op

revision = "i18n01"
down_revision = "sell01"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("locale", sa.String(length=5), nullable=True))
    op.add_column("users", sa.Column("timezone", sa.String(length=64), nullable=True))
    op.create_check_constraint(op.f("ck_users_locale_known"), "users", "locale IN ('vi', 'en')")


def downgrade():
    op.drop_constraint(op.f("ck_users_locale_known"), "users", type_="check")
    op.drop_column("users", "timezone")
    op.drop_column("users", "locale")
