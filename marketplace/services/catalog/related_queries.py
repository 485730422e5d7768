"""What a product page suggests around the product: more from its shop, similar products, and the
shopper's recently viewed ones.

The first two are listing pages (storefront_cache.cached_listing, so cached per 'catalog' version
like every listing): the shop's best sellers, and the best sellers of the same category at a close
price (half to twice this one's). Recently viewed are cards by id, in the order viewed.
"""
from __future__ import annotations

import uuid

from flask_babel import gettext as _

from marketplace.services.catalog import storefront_cache
from marketplace.services.catalog.listing_queries import ListingQuery, ProductCard, Sort, cards_by_ids
from marketplace.services.core.errors import NotFound

SHELF = 6
RECENT_KEPT = 12  # ids the recently-viewed cookie keeps


def _others(query: ListingQuery, product_id: uuid.UUID) -> list[ProductCard]:
    return [card for card in storefront_cache.cached_listing(query).items if card.id != product_id][:SHELF]


def more_from_shop(product_id: uuid.UUID, shop_id: uuid.UUID) -> list[ProductCard]:
    """The shop's best sellers but this product (one statement, or none when cached)."""
    return _others(ListingQuery(shop_id=shop_id, sort=Sort.BEST_SELLING, limit=SHELF + 1), product_id)


def similar(product_id: uuid.UUID, category_id: uuid.UUID | None, price: int) -> list[ProductCard]:
    """Best sellers of the same category priced between half and twice this product's price."""
    if category_id is None:
        return []
    return _others(ListingQuery(category_ids=[category_id], min_price=price // 2, max_price=price * 2,
                                sort=Sort.BEST_SELLING, limit=SHELF + 1), product_id)


def parse_recent(value: str | None) -> list[uuid.UUID]:
    """The product ids of a recently-viewed cookie ("id.id.…", newest first); junk is dropped."""
    ids: list[uuid.UUID] = []
    for part in (value or "").split(".")[:RECENT_KEPT]:
        try:
            product_id = uuid.UUID(part)
        except ValueError:
            continue
        if product_id not in ids:
            ids.append(product_id)
    return ids


def remember_viewed(ids: list[uuid.UUID], product_id: uuid.UUID) -> str:
    """The cookie's next value: this product first, then the others, at most RECENT_KEPT (dots: a cookie
    value needs no quoting for them)."""
    kept = [product_id, *(i for i in ids if i != product_id)][:RECENT_KEPT]
    return ".".join(str(i) for i in kept)


def recently_viewed(ids: list[uuid.UUID], viewing: uuid.UUID) -> list[ProductCard]:
    """The visible ones of these products but the one being viewed, newest first (one statement that reads
    the viewed one too: NotFound when it is not visible, so a hidden product is never remembered)."""
    cards = cards_by_ids([viewing, *(i for i in ids if i != viewing)][:SHELF + 1])
    if not cards or cards[0].id != viewing:
        raise NotFound(_("That product is not available."), code="product_not_found")
    return cards[1:]
