"""The category tree: reading it (cached per process), its descendants and breadcrumbs, and admin edits.

Caching. The tree is small (hundreds of rows) and read on nearly every storefront page,
so each process keeps it as immutable `CategoryNode`s. Before using the cached copy we
read the categories' version (cache_versions, one primary-key read shared with the shop
filter: services/rollups.py). A statement-level trigger gives it a new sequence value on
every change of the table, in the changing transaction, so a change made by any gunicorn
worker on any host shows on the very next request, and a rolled-back change never
matches a cached copy (sequence values are never reused). A TTL would let workers
disagree for its whole lifetime (a renamed category, or a link to a deleted one). The
write functions also drop their own process's copy at once.

Locking. Writes take one transaction-scoped advisory lock, so two admins moving
categories at the same time cannot build a cycle together (each check sees the other's
committed move).
"""
from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select, text, update

from marketplace.extensions import db
from marketplace.models import Category, Product, ProductStatus
from marketplace.services import rollups
from marketplace.services.errors import NotFound, ValidationFailed
from marketplace.services.text import slugify

NAME_MAX = 100
SLUG_MAX = 80
_CACHE_KEY = "category_tree_cache"
_TREE_LOCK = 0x43415447  # "CATG": pg_advisory_xact_lock key for tree writes


@dataclass(frozen=True)
class CategoryNode:
    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    slug: str
    position: int
    depth: int
    child_ids: tuple[uuid.UUID, ...] = field(default=())


class CategoryTree:
    """An immutable snapshot of the whole tree; safe to share between threads and requests."""

    def __init__(self, rows: list[tuple]):
        children: dict[uuid.UUID | None, list[tuple]] = {}
        for row in sorted(rows, key=lambda r: (r[4], r[2].lower(), str(r[0]))):
            children.setdefault(row[1], []).append(row)
        self.by_id: dict[uuid.UUID, CategoryNode] = {}

        def build(parent_id, depth):
            for cid, pid, name, slug, position in children.get(parent_id, []):
                kids = tuple(r[0] for r in children.get(cid, []))
                self.by_id[cid] = CategoryNode(cid, pid, name, slug, position, depth, kids)
                build(cid, depth + 1)

        build(None, 0)
        self.by_slug = {node.slug: node for node in self.by_id.values()}
        self.root_ids = tuple(r[0] for r in children.get(None, []))

    @property
    def roots(self) -> list[CategoryNode]:
        return [self.by_id[i] for i in self.root_ids]

    def get(self, category_id: uuid.UUID) -> CategoryNode | None:
        return self.by_id.get(category_id)

    def get_by_slug(self, slug: str) -> CategoryNode | None:
        return self.by_slug.get(slug)

    def children(self, node: CategoryNode) -> list[CategoryNode]:
        return [self.by_id[i] for i in node.child_ids]

    def subtree_ids(self, category_id: uuid.UUID) -> list[uuid.UUID]:
        """The category and all its descendants (what a category page lists)."""
        out, stack = [], [category_id]
        while stack:
            current = stack.pop()
            if current in self.by_id:
                out.append(current)
                stack.extend(self.by_id[current].child_ids)
        return out

    def ancestors(self, category_id: uuid.UUID) -> list[CategoryNode]:
        """Breadcrumbs: root first, the category itself last."""
        trail, node = [], self.by_id.get(category_id)
        while node is not None:
            trail.append(node)
            node = self.by_id.get(node.parent_id) if node.parent_id else None
        return trail[::-1]

    def walk(self) -> list[CategoryNode]:
        """Every node depth-first, in display order (for indented selects)."""
        out: list[CategoryNode] = []

        def visit(ids):
            for i in ids:
                out.append(self.by_id[i])
                visit(self.by_id[i].child_ids)

        visit(self.root_ids)
        return out

    def as_dicts(self, ids: tuple[uuid.UUID, ...] | None = None) -> list[dict]:
        """Nested plain dicts (for the JSON API)."""
        return [
            {"id": n.id, "parent_id": n.parent_id, "name": n.name, "slug": n.slug, "position": n.position,
             "children": self.as_dicts(n.child_ids)}
            for n in (self.by_id[i] for i in (self.root_ids if ids is None else ids))
        ]


# ---- reading -------------------------------------------------------------------------------

def get_tree() -> CategoryTree:
    """The current tree: the process's cached copy while the categories' version is unchanged."""
    version = rollups.cache_versions().get("categories")
    cache = current_app.extensions.get(_CACHE_KEY)
    if cache is not None and version is not None and cache[0] == version:
        return cache[1]
    rows = db.session.execute(
        select(Category.id, Category.parent_id, Category.name, Category.slug, Category.position)
    ).all()
    tree = CategoryTree([tuple(r) for r in rows])
    current_app.extensions[_CACHE_KEY] = (version, tree)
    return tree


def invalidate_tree_cache() -> None:
    current_app.extensions.pop(_CACHE_KEY, None)


def descendant_ids(category_id: uuid.UUID, include_self: bool = True) -> list[uuid.UUID]:
    """Every category below this one, read straight from the database (one recursive CTE)."""
    below = select(Category.id).where(Category.id == category_id).cte("below", recursive=True)
    below = below.union_all(select(Category.id).where(Category.parent_id == below.c.id))
    ids = list(db.session.scalars(select(below.c.id)))
    return ids if include_self else [i for i in ids if i != category_id]


def breadcrumbs(category_id: uuid.UUID, tree: CategoryTree | None = None) -> list[CategoryNode]:
    return (tree or get_tree()).ancestors(category_id)


def get_category(category_id: uuid.UUID) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound("That category does not exist.", code="category_not_found")
    return category


# ---- writing (admin console) ---------------------------------------------------------------

def _lock_tree() -> None:
    db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _TREE_LOCK})


def _clean_name(name: str | None) -> str:
    cleaned = " ".join(unicodedata.normalize("NFC", name or "").split())
    if not cleaned:
        raise ValidationFailed("Enter a name for the category.", field="name", code="name_required")
    if len(cleaned) > NAME_MAX:
        raise ValidationFailed(f"Keep the name under {NAME_MAX} characters.", field="name", code="name_too_long")
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
        raise ValidationFailed("Use lower-case letters, digits and dashes for the address.", field="slug",
                               code="slug_invalid")
    if _slug_taken(cleaned, exclude_id):
        raise ValidationFailed(f"Another category already uses the address “{cleaned}”.", field="slug",
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
        raise ValidationFailed("The parent category does not exist.", field="parent_id", code="parent_not_found")
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
            raise ValidationFailed("The new parent category does not exist.", field="parent_id",
                                   code="parent_not_found")
        if new_parent_id == category.id:
            raise ValidationFailed("A category cannot be its own parent.", field="parent_id", code="category_cycle")
        if new_parent_id in descendant_ids(category.id):
            raise ValidationFailed(f"“{parent.name}” is inside “{category.name}”: moving it there would make a loop.",
                                   field="parent_id", code="category_cycle")
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
        raise ValidationFailed(
            f"“{category.name}” still has {children} subcategor{'y' if children == 1 else 'ies'}: "
            "move or delete them first.", code="category_has_children")
    products = db.session.scalar(
        select(func.count()).where(Product.category_id == category.id, live_products_condition()))
    if products:
        raise ValidationFailed(
            f"“{category.name}” still has {products} product{'' if products == 1 else 's'}: "
            "move them to another category first.", code="category_has_products")
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
