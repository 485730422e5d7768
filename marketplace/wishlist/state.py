"""What the hearts and the Follow button of a page show for the person asking, computed per request
and never memoized with the shared markup (catalog/views.py product_cards caches cards across
users; web/page_cache.py serves anonymous pages to everyone).

A visitor's hearts are all unsaved: no statement, and the page stays cacheable. A signed-in
shopper's are read ONCE per request (wishlist_queries.saved_product_ids), whatever the number
of cards and shelves on the page.
"""
from __future__ import annotations

import re
import uuid
from itertools import count

from flask import g, get_template_attribute, request
from flask_login import current_user
from markupsafe import Markup

from marketplace.services.wishlist import follow_queries, wishlist_queries
from marketplace.services.wishlist.follow_queries import FollowState
from marketplace.web.fast_urls import fast_url
from marketplace.wishlist import bp

_SLOT = re.compile(r"(heart|follow)-[a-z0-9]{1,40}\Z")


def saved_ids() -> frozenset[uuid.UUID]:
    """The products the signed-in shopper saved (empty for a visitor), read once per request."""
    if not current_user.is_authenticated:
        return frozenset()
    ids = g.get("wishlist_saved_ids")
    if ids is None:
        ids = g.wishlist_saved_ids = wishlist_queries.saved_product_ids(current_user.id)
    return ids


def saved_already(product_ids) -> None:
    """The "Saved" page: every card it shows is saved, and it shows nothing else with a heart,
    so its hearts need no read of their own."""
    g.wishlist_saved_ids = frozenset(product_ids)


def back_path() -> str:
    """Where a heart's or Follow button's plain form post returns: this page."""
    return request.full_path.rstrip("?")


def slot(kind: str, given: str | None = None) -> str:
    """An id for a heart or Follow form, unique in the page: htmx puts the focus back on the button
    with the same id after swapping the form. `given` (the HX-Trigger of a toggle) is kept when
    it is one of ours."""
    if given and _SLOT.match(given) and given.startswith(kind + "-"):
        return given
    counter = g.get("wishlist_slots")
    if counter is None:
        counter = g.wishlist_slots = count(1)
    return f"{kind}-{next(counter)}"


def heart_html(product_id: uuid.UUID, title: str, saved: bool, slot_id: str, back: str, error: str | None = None,
               macro=None) -> Markup:
    macro = macro or get_template_attribute("wishlist/partials/_heart.html", "heart")
    return Markup(macro(action=fast_url("wishlist.toggle_saved", product_id=product_id), title=title, saved=saved,
                        slot=slot_id, back=back, error=error))


def card_hearts(cards) -> list[Markup]:
    """The heart of each listing card, for this request's shopper (product_cards puts it beside the
    memoized card)."""
    saved, back = saved_ids(), back_path()
    macro = get_template_attribute("wishlist/partials/_heart.html", "heart")
    return [heart_html(card.id, card.title, card.id in saved, slot("heart"), back, macro=macro) for card in cards]


@bp.app_template_global()
def product_heart(product_id: uuid.UUID, title: str) -> Markup:
    """The product page's heart."""
    return heart_html(product_id, title, product_id in saved_ids(), "heart-product", back_path())


def shop_followers(slug: str) -> int:
    """The shop page's follower count, read fresh for its page cache key (shop/views.py) and kept
    for the page's Follow button, which then reads nothing more."""
    followers = follow_queries.follower_count_by_slug(slug)
    g.wishlist_shop_followers = (slug, followers)
    return followers


@bp.app_template_global()
def shop_follow_state(shop) -> FollowState:
    """Whether the signed-in shopper follows `shop` and its follower count (one statement, or none
    for a visitor whose page key has just counted)."""
    if not current_user.is_authenticated:
        known = g.get("wishlist_shop_followers")
        if known is not None and known[0] == shop.slug:
            return FollowState(following=False, followers=known[1])
        return follow_queries.follow_state(None, shop.id)
    return follow_queries.follow_state(current_user.id, shop.id)
