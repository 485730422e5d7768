"""deleted products no longer keep a category alive (products.category_id NULL only when DELETED)

Revision ID: catdel01
Revises: perf02
Create Date: 2026-11-27

An admin could never delete a category that had once held a product the seller later
deleted: the soft-deleted row still pointed at it, and no screen can move a deleted
product. Now deleting a category detaches its DELETED products (category_id = NULL,
services/catalog/categories.py delete_category); live products (ACTIVE, DRAFT, HIDDEN) still
block it. The database keeps the rule: a CHECK lets only a DELETED product have no
category, so a product can never be undeleted or created without one.

Downgrade: the old schema requires a category for every product. Detached deleted
products are put back under one top-level category made for them ("Deleted products",
slug deleted-products-archive), created only when there are such rows; an admin can
look at it and move on. Deleting them is not an option: orders and reviews point at them.
"""
from alembic import op

revision = "catdel01"
down_revision = "perf02"
branch_labels = None
depends_on = None

CHECK_NAME = "ck_products_category_unless_deleted"
ARCHIVE_SLUG = "deleted-products-archive"

REATTACH = f"""
INSERT INTO categories (id, parent_id, name, slug, position, created_at)
SELECT gen_random_uuid(), NULL, 'Deleted products', '{ARCHIVE_SLUG}',
       COALESCE((SELECT max(position) + 1 FROM categories WHERE parent_id IS NULL), 0), now()
WHERE EXISTS (SELECT 1 FROM products WHERE category_id IS NULL)
ON CONFLICT (slug) DO NOTHING;
UPDATE products SET category_id = (SELECT id FROM categories WHERE slug = '{ARCHIVE_SLUG}')
WHERE category_id IS NULL;
-- The UPDATE queued the deferred catalog-version trigger; PostgreSQL refuses ALTER TABLE
-- while trigger events are pending, so fire them now.
SET CONSTRAINTS ALL IMMEDIATE;
"""


def upgrade():
    op.alter_column("products", "category_id", nullable=True)
    op.create_check_constraint(op.f(CHECK_NAME), "products", "status = 'DELETED' OR category_id IS NOT NULL")


def downgrade():
    op.drop_constraint(op.f(CHECK_NAME), "products", type_="check")
    op.execute(REATTACH)
    op.alter_column("products", "category_id", nullable=False)
