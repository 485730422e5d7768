"""Category edits made in the admin console: the catalog's category rules plus an audit entry.

The rules (names, slugs, no cycles, delete only when empty, the tree lock) live in
services/catalog/categories.py; this module only adds who did it, in the same transaction.
"""
import uuid

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Category, Product, User
from marketplace.services.catalog import categories
from marketplace.services.core import audit


def create(actor: User, name: str, parent_id: uuid.UUID | None) -> Category:
    category = categories.create_category(name, parent_id=parent_id)
    audit.record(actor, "category.create", "category", category.id, name=category.name, slug=category.slug,
                 parent_id=category.parent_id or "")
    return category


def rename(actor: User, category: Category, name: str) -> Category:
    old = category.name
    categories.rename_category(category, name)
    audit.record(actor, "category.rename", "category", category.id, name=category.name, old_name=old)
    return category


def move(actor: User, category: Category, parent_id: uuid.UUID | None) -> Category:
    old_parent = category.parent_id
    categories.move_category(category, parent_id)
    audit.record(actor, "category.move", "category", category.id, name=category.name,
                 old_parent_id=old_parent or "", parent_id=category.parent_id or "")
    return category


def delete(actor: User, category: Category) -> int:
    """Delete the category; the audit entry says how many of the sellers' deleted products it let go."""
    category_id, name, slug = category.id, category.name, category.slug
    detached = categories.delete_category(category)
    audit.record(actor, "category.delete", "category", category_id, name=name, slug=slug,
                 detached_deleted_products=detached)
    return detached


def product_counts() -> dict[uuid.UUID, int]:
    """Live products per category (what the delete rule counts: deleted ones don't), one GROUP BY."""
    rows = db.session.execute(
        select(Product.category_id, func.count()).where(categories.live_products_condition())
        .group_by(Product.category_id)
    ).all()
    return dict(rows)
