"""Shops as shoppers find them: an open shop by its slug, and the open shops for the listing's filter."""
from __future__ import annotations

import uuid

from flask import current_app
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Shop, ShopStatus
from marketplace.services.core import rollups
from marketplace.services.core.errors import NotFound


def get_visible_shop(slug: str) -> Shop:
    """An ACTIVE shop by its slug; pending, rejected and suspended shops are NotFound."""
    shop = None
    if "\x00" not in slug:  # PostgreSQL refuses NUL in text: such a slug simply matches nothing
        shop = db.session.scalar(select(Shop).where(Shop.slug == slug, Shop.status == ShopStatus.ACTIVE))
    if shop is None:
        raise NotFound("That shop is not open.", code="shop_not_found")
    return shop


_SHOP_CHOICES = "shop_choices_cache"


def list_shop_choices(limit: int = 100) -> tuple[tuple[uuid.UUID, str], ...]:
    """ACTIVE shops by name, for the listing's shop filter.

    Cached per process while the shops' version (cache_versions, bumped by a trigger on
    every change of `shops`) is unchanged, like the category tree.
    """
    version = rollups.cache_versions().get("shops")
    cached = current_app.extensions.get(_SHOP_CHOICES)
    if cached is not None and version is not None and cached[0] == (version, limit):
        return cached[1]
    choices = tuple(tuple(row) for row in db.session.execute(
        select(Shop.id, Shop.name).where(Shop.status == ShopStatus.ACTIVE).order_by(Shop.name, Shop.id).limit(limit)
    ))
    current_app.extensions[_SHOP_CHOICES] = ((version, limit), choices)
    return choices
