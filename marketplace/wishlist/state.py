"""What the hearts and the Follow button of a page show for the person asking, computed per request
and never memoized with the shared markup (catalog/cards.py product_cards caches cards across
users; web/page_cache.py serves anonymous pages to everyone).

A visitor's heart is a link to log in and come back (what the toggle would answer them anyway):
no form and no CSRF token (a listing of 24 cards is 8 KB smaller), no statement, and the page
stays cacheable. A signed-in shopper's hearts are read ONCE per request
(wishlist_queries.saved_product_ids), whatever the number of cards and shelves on the page.
"""
from __future__ import annotations

import re
import uuid
from itertools import count

from flask import current_app, g, get_template_attribute, request, url_for
from flask_wtf.csrf import generate_csrf
from flask_login import current_user
from markupsafe import Markup, escape

from marketplace.services.wishlist import follow_queries, wishlist_queries
from marketplace.services.wishlist.follow_queries import FollowState
from marketplace.web.fast_urls import fast_url
from marketplace.web.i18n import locale_code
from marketplace.wishlist import bp

SAVE_REASON = "save"  # the login form's `why`: it says that saving needs an account (account/views.py)
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
    return f"{kind}-{next(_slots())}"


def _slots():
    counter = g.get("wishlist_slots")
    if counter is None:
        counter = g.wishlist_slots = count(1)
    return counter


def heart_html(product_id: uuid.UUID, title: str, saved: bool, slot_id: str, back: str, error: str | None = None,
               macro=None) -> Markup:
    """A signed-in shopper's heart: the toggle's form (wishlist/partials/_heart.html)."""
    macro = macro or get_template_attribute("wishlist/partials/_heart.html", "heart")
    return Markup(macro(action=fast_url("wishlist.toggle_saved", product_id=product_id), title=title, saved=saved,
                        slot=slot_id, back=back, error=error))


_ANY_PRODUCT = uuid.UUID(int=0)
_SHAPES = "wishlist_heart_shapes"


def _heart_shape(macro_name: str, **fixed) -> str:
    """The heart macro `macro_name` rendered once per process for each language and `fixed` (the saved
    state), as a format string with every other argument left as a field: what differs from card to card
    and page to page (the toggle's URL, the title, the slot, the CSRF token, the page to come back to; a
    visitor's link). Filled with values escaped as Jinja escapes them, it gives exactly what the macro
    gives, for a fraction of its cost (on a listing of 48 cards, most of a millisecond)."""
    cache = current_app.extensions.setdefault(_SHAPES, {})
    key = (macro_name, locale_code(), *sorted(fixed.items()))
    shape = cache.get(key)
    if shape is None:
        macro = get_template_attribute("wishlist/partials/_heart.html", macro_name)
        fields = [name for name in macro.arguments if name not in fixed]
        shape = str(macro(**fixed, **{name: f"\x00{name}\x00" for name in fields})).replace("{", "{{").replace("}", "}}")
        for name in fields:
            shape = shape.replace(f"\x00{name}\x00", "{%s}" % name)
        cache[key] = shape
    return shape


def login_url(back: str) -> str:
    """Where a visitor's heart goes: the login form, which says why and comes back to `back`."""
    return url_for("account.login", next=back, why=SAVE_REASON)


def card_hearts(cards) -> list[str]:
    """The HTML of each listing card's heart (escaped, as plain str: product_cards joins it to the
    memoized card in one Markup), for this request's shopper: one str.format per card (the toggle's
    URL is the same around each id, and the slots are counted here); a visitor's, the same link
    around each title."""
    if not cards:
        return []
    back = back_path()
    if not current_user.is_authenticated:
        shape, href = _heart_shape("visitor_heart", slot=""), escape(login_url(back))
        return [shape.format(href=href, title=escape(card.title)) for card in cards]
    saved, token, back = saved_ids(), generate_csrf(), escape(back)
    shapes = {state: _heart_shape("heart", saved=state, error=None) for state in (False, True)}
    before, after = fast_url("wishlist.toggle_saved", product_id=_ANY_PRODUCT).split(str(_ANY_PRODUCT))
    counter = _slots()
    return [shapes[card.id in saved].format(action=f"{before}{card.id}{after}", title=escape(card.title),
                                            slot=f"heart-{next(counter)}", token=token, back=back) for card in cards]


def _visitor_heart(title: str, back: str, slot_id: str) -> Markup:
    return Markup(get_template_attribute("wishlist/partials/_heart.html", "visitor_heart")(
        href=login_url(back), title=title, slot=slot_id))


@bp.app_template_global()
def product_heart(product_id: uuid.UUID, title: str) -> Markup:
    """The product page's heart: the toggle for a signed-in shopper, the link to log in for a visitor."""
    if not current_user.is_authenticated:
        return _visitor_heart(title, back_path(), "heart-product")
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
