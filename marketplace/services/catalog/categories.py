"""Category edits (the admin console's): names, slugs, moves without cycles, deletes only when empty.
The tree as pages read it is category_queries.py.

Locking. Every edit takes one transaction-scoped advisory lock, so two admins moving
categories at the same time cannot build a cycle together (each check sees the other's
committed move).
"""
from __future__ import annotations

import unicodedata
import uuid

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, text, update

from marketplace.extensions import db
from marketplace.models import Category, Product, ProductStatus
from marketplace.services.catalog.category_queries import descendant_ids, invalidate_tree_cache
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.core.text import slugify

NAME_MAX = 100
SLUG_MAX = 80
_TREE_LOCK = 0x43415447  # "CATG": pg_advisory_xact_lock key for tree writes


def _lock_tree() -> None:
    db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _TREE_LOCK})


def _clean_name(name: str | None) -> str:
    cleaned = " ".join(unicodedata.normalize("NFC", name or "").split())
    if not cleaned:
        raise ValidationFailed(_("Enter a name for the category."), field="name", code="name_required")
    if len(cleaned) > NAME_MAX:
        raise ValidationFailed(_("Keep the name under %(max)d characters.", max=NAME_MAX), field="name",
                               code="name_too_long")
    return cleaned


def _slug_taken(slug: str, exclude_id: uuid.UUID | None = None) -> bool:
    query = select(Category.id).where(Category.slug == slug)
    if exclude_id is not None:
        query = query.where(Category.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def unique_slug(name: str, exclude_id: uuid.UUID | None = None) -> str:
    """"Điện thoại" -> "dien-thoai", or "dien-thoai-2", "-3"... when taken."""
    base = slugify(name, SLUG_MAX) or "category"
    candidate, n = base, 1
    while _slug_taken(candidate, exclude_id):
        n += 1
        candidate = f"{base[:SLUG_MAX - len(str(n)) - 1]}-{n}"
    return candidate


def _check_slug(slug: str, exclude_id: uuid.UUID | None) -> str:
    cleaned = slugify(slug, SLUG_MAX)
    if not cleaned or cleaned != slug.strip().lower():
        raise ValidationFailed(_("Use lower-case letters, digits and dashes for the address."), field="slug",
                               code="slug_invalid")
    if _slug_taken(cleaned, exclude_id):
        raise ValidationFailed(_("Another category already uses the address “%(slug)s”.", slug=cleaned), field="slug",
                               code="slug_taken")
    return cleaned


def _next_position(parent_id: uuid.UUID | None) -> int:
    same_parent = Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id
    last = db.session.scalar(select(func.max(Category.position)).where(same_parent))
    return 0 if last is None else last + 1


def create_category(name: str, parent_id: uuid.UUID | None = None, slug: str | None = None,
                    position: int | None = None) -> Category:
    """Add a category (under `parent_id`, or at the top); the slug comes from the name unless given."""
    _lock_tree()
    name = _clean_name(name)
    if parent_id is not None and db.session.get(Category, parent_id) is None:
        raise ValidationFailed(_("The parent category does not exist."), field="parent_id", code="parent_not_found")
    slug = _check_slug(slug, None) if slug else unique_slug(name)
    category = Category(name=name, slug=slug, parent_id=parent_id,
                        position=_next_position(parent_id) if position is None else position)
    db.session.add(category)
    db.session.flush()
    invalidate_tree_cache()
    return category


def rename_category(category: Category, name: str, slug: str | None = None) -> Category:
    """Change the name (and the slug only when one is given: links to the old address keep working otherwise)."""
    _lock_tree()
    category.name = _clean_name(name)
    if slug is not None and slug != category.slug:
        category.slug = _check_slug(slug, category.id)
    db.session.flush()
    invalidate_tree_cache()
    return category


def move_category(category: Category, new_parent_id: uuid.UUID | None, position: int | None = None) -> Category:
    """Put the category (with its subtree) under another parent, or at the top; refuses cycles."""
    _lock_tree()
    if new_parent_id is not None:
        parent = db.session.get(Category, new_parent_id)
        if parent is None:
            raise ValidationFailed(_("The new parent category does not exist."), field="parent_id",
                                   code="parent_not_found")
        if new_parent_id == category.id:
            raise ValidationFailed(_("A category cannot be its own parent."), field="parent_id", code="category_cycle")
        if new_parent_id in descendant_ids(category.id):
            raise ValidationFailed(_("“%(parent)s” is inside “%(name)s”: moving it there would make a loop.",
                                     parent=parent.name, name=category.name), field="parent_id", code="category_cycle")
    if new_parent_id != category.parent_id or position is not None:
        category.parent_id = new_parent_id
        category.position = _next_position(new_parent_id) if position is None else position
    db.session.flush()
    invalidate_tree_cache()
    return category


def live_products_condition():
    """Products that keep a category alive: every one the seller has not deleted.

    A DELETED product is never shown or sold again and no screen can move it, so it must
    not block the delete; the category is detached from it instead (CHECK
    category_unless_deleted lets only DELETED products have none). Its orders keep copies
    of the title, so nothing readable is lost.
    """
    return Product.status != ProductStatus.DELETED


def delete_category(category: Category) -> int:
    """Delete a category without subcategories or live products; returns how many deleted products it let go.

    Refuses while it has subcategories or ACTIVE, DRAFT or HIDDEN products (they must be
    moved first); the seller's DELETED products only lose their category (NULL).
    """
    _lock_tree()
    children = db.session.scalar(select(func.count()).where(Category.parent_id == category.id))
    if children:
        raise ValidationFailed(ngettext("“%(name)s” still has %(num)d subcategory: move or delete it first.",
                                        "“%(name)s” still has %(num)d subcategories: move or delete them first.",
                                        children, name=category.name), code="category_has_children")
    products = db.session.scalar(
        select(func.count()).where(Product.category_id == category.id, live_products_condition()))
    if products:
        raise ValidationFailed(ngettext("“%(name)s” still has %(num)d product: move it to another category first.",
                                        "“%(name)s” still has %(num)d products: move them to another category first.",
                                        products, name=category.name), code="category_has_products")
    # Only DELETED rows are detached (the CHECK would refuse any other); a product a seller
    # adds here meanwhile still stops the delete itself (foreign key RESTRICT).
    detached = db.session.execute(
        update(Product).where(Product.category_id == category.id, Product.status == ProductStatus.DELETED)
        .values(category_id=None).execution_options(synchronize_session="fetch")
    ).rowcount
    db.session.delete(category)
    db.session.flush()
    invalidate_tree_cache()
    return detached
