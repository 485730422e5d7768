"""login_sessions: one row per login, so logging out kills a copied session cookie

Revision ID: hard02
Revises: hard01
Create Date: 2026-12-06

Session cookies are signed, not stored: logging out cleared the browser's copy, but a
copy taken before (another machine, a proxy log) still signed its holder in. Each
login now gets a row whose id is part of the cookie's user id (User.get_id); logout
deletes it and the loader refuses an id whose row is gone. Sessions from before this
migration carry no login id and end: everyone signs in once more.
"""
from alembic import op
import sqlalchemy as sa

revision = "hard02"
down_revision = "hard01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_sessions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_login_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
    )
    op.create_index(op.f("ix_login_sessions_user_id"), "login_sessions", ["user_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_login_sessions_user_id"), table_name="login_sessions")
    op.drop_table("login_sessions")
