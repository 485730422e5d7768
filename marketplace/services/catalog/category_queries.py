"""The category tree as every page reads it: cached per process, with descendants and breadcrumbs.

Caching. The tree is small (hundreds of rows) and read on nearly every storefront page,
so each process keeps it as immutable `CategoryNode`s. Before using the cached copy we
read the categories' version (cache_versions, one primary-key read shared with the shop
filter: services/core/rollups.py). A statement-level trigger gives it a new sequence value on
every change of the table, in the changing transaction, so a change made by any gunicorn
worker on any host shows on the very next request, and a rolled-back change never
matches a cached copy (sequence values are never reused). A TTL would let workers
disagree for its whole lifetime (a renamed category, or a link to a deleted one). The
write functions also drop their own process's copy at once.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, true

from marketplace.extensions import db
from marketplace.models import Category, Product, Shop
from marketplace.services.catalog.visibility import visible_condition
from marketplace.services.core import rollups
from marketplace.services.core.errors import NotFound

_CACHE_KEY = "category_tree_cache"
_STOCKED_KEY = "stocked_categories_cache"


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
    current_app.extensions.pop(_STOCKED_KEY, None)


def stocked_ids(tree: CategoryTree | None = None) -> frozenset[uuid.UUID]:
    """Categories with a visible product in them or in one of their descendants.

    What the storefront's menus show (home tiles, subcategory links): an empty category is
    hidden there, though its own page still answers. Cached per process like the tree, under
    the categories' and the catalog's versions (a product published, hidden or sold out of its
    shop's visibility changes the latter), so a process reads it again once after each catalog
    change: one statement, a probe per category that stops at its first visible product.

    The probe is a LATERAL subquery with LIMIT 1, not EXISTS: for EXISTS the planner built a bitmap of
    every product of each category before reading the first one (0.5 ms a category, 200-400 ms in
    all at a million products, paid by every process after every catalog change); LIMIT 1 walks an
    index of the category and stops at once (8 ms in all; tests/integration/test_empty_categories.py
    checks the plan).
    """
    versions = rollups.cache_versions()
    key = (versions.get("categories"), versions.get("catalog"))
    cached = current_app.extensions.get(_STOCKED_KEY)
    if cached is not None and None not in key and cached[0] == key:
        return cached[1]
    tree = tree or get_tree()
    stocked: set[uuid.UUID] = set()
    for category_id in db.session.scalars(_stocked_statement()):
        stocked.update(node.id for node in tree.ancestors(category_id))
    result = frozenset(stocked)
    current_app.extensions[_STOCKED_KEY] = (key, result)
    return result


def _stocked_statement():
    """The categories with a visible product of their own (see stocked_ids)."""
    first_visible = (select(Product.id).join(Shop, Shop.id == Product.shop_id)
                     .where(Product.category_id == Category.id, visible_condition()).limit(1).lateral("first_visible"))
    return select(Category.id).join(first_visible, true())


def storefront_roots() -> list[CategoryNode]:
    """The top-level categories a shopper is offered: those with something to buy."""
    tree = get_tree()
    stocked = stocked_ids(tree)
    return [node for node in tree.roots if node.id in stocked]


def storefront_children(node: CategoryNode, tree: CategoryTree | None = None) -> list[CategoryNode]:
    """`node`'s subcategories with something to buy."""
    tree = tree or get_tree()
    stocked = stocked_ids(tree)
    return [child for child in tree.children(node) if child.id in stocked]


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
        raise NotFound(_("That category does not exist."), code="category_not_found")
    return category
