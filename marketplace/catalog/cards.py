"""Listing cards' HTML: the macro product_card (catalog/partials/_product_card.html), made cheap.

Listings, search, the home shelves and the product page's shelves show cards by the dozen. Through
the macro a card costs about 70 µs (its Jinja calls, the review count's plural, the money format),
so a page of 24 unseen cards cost 2 ms, most of a cold listing or search. Two things keep it down:

- the macro is rendered once per process for each language and shape of card (without reviews, or
  with the plural form its review count takes) with stand-ins for the card's values, and kept as a
  format string; a card is that string filled with its own values, escaped as Jinja escapes them.
  The result is the macro's, byte for byte (tests/integration/test_product_cards.py), for a third
  of the cost;
- each card's HTML is memoized (a least-recently-used cache of CARD_CACHE_SIZE): a ProductCard is an
  immutable value holding everything the card shows, and the same popular products come back page
  after page.

The heart beside each card belongs to the person asking and is added per request (wishlist/state.py).
"""
from __future__ import annotations

from babel.numbers import get_group_symbol
from flask import current_app, get_template_attribute, request
from markupsafe import Markup, escape

from marketplace.catalog import bp
from marketplace.catalog.views import product_url
from marketplace.money import current_currency, format_money
from marketplace.services.catalog.storefront_cache import Lru
from marketplace.storage import get_storage
from marketplace.web.i18n import gettext_catalog, locale_code
from marketplace.web.templating import static_url
from marketplace.wishlist.state import card_hearts

_CARDS = "rendered_cards"
# Cards kept per process, least recently shown out first. A million-product catalogue's category pages
# show tens of thousands of different cards; at about 2 KB each (the HTML and the card it was made from)
# this many is some 60 MB a process, and half the cards of a new page come from it (bench/README.md).
CARD_CACHE_SIZE = 32_768
_SHAPES = "product_card_shapes"
_FIELDS = ("href", "image", "title", "price", "rating", "sold", "shop")  # the macro's arguments but the count


@bp.app_template_global()
def product_cards(cards) -> list[Markup]:
    """The HTML of a list of listing cards (services.catalog ProductCard), each with its heart."""
    cache = current_app.extensions.get(_CARDS)
    if cache is None:
        cache = current_app.extensions[_CARDS] = Lru(CARD_CACHE_SIZE)
    root, locale, writer, rendered = request.script_root, locale_code(), None, []
    for card in cards:
        key = (card, root, locale)
        html = cache.get(key)
        if html is None:
            writer = writer or CardWriter()
            html = writer.card(card)
            cache.put(key, html)
        rendered.append(html)
    return [Markup(f'<div class="product-card-slot">{html}{heart}</div>') for html, heart in zip(rendered, card_hearts(cards))]


class CardWriter:
    """Writes the cards of one request: what every card shares (the language, its shapes and plural rule,
    the currency, the storage) is looked up once."""

    def __init__(self):
        self.locale, self.currency, self.storage = locale_code(), current_currency(), get_storage()
        self.placeholder = static_url("img/placeholder.svg")
        self.plural = getattr(gettext_catalog(), "plural", None) or _english_plural
        self.group = get_group_symbol(self.locale)  # "1.234" (vi), "1,234" (en): the number filter's grouping
        self.shapes = current_app.extensions.setdefault(_SHAPES, {})

    def card(self, card) -> str:
        """One card's HTML (escaped: a str ready to join into Markup), from the shape of its kind."""
        count = card.review_count
        return self.shape(count).format(count=count, **self.values(card, escape))

    def by_macro(self, card) -> Markup:
        """The same card through the macro itself (what the shapes must give: tests)."""
        macro = get_template_attribute("catalog/partials/_product_card.html", "product_card")
        return Markup(macro(count=card.review_count, **self.values(card, str)))

    def values(self, card, written) -> dict[str, str]:
        """What the card shows, as the macro's arguments, each passed through `written`."""
        image = self.storage.url(card.thumb_key) if card.thumb_key else self.placeholder
        return {"href": written(product_url(card.id, card.title)), "image": written(image), "title": written(card.title),
                "price": written(format_money(card.min_price, self.currency, self.locale)),
                "rating": "%.1f" % card.average_rating, "sold": f"{card.sold_count:,}".replace(",", self.group),
                "shop": written(card.shop_name)}

    def shape(self, count: int) -> str:
        """The card as a format string, with or without reviews and in `count`'s plural form."""
        key = (self.locale, self.plural(count) if count else None)
        shape = self.shapes.get(key)
        if shape is None:
            macro = get_template_attribute("catalog/partials/_product_card.html", "product_card")
            html = str(macro(count=_StandInCount(count), **{name: f"\x00{name}\x00" for name in _FIELDS}))
            shape = html.replace("{", "{{").replace("}", "}}")
            for name in (*_FIELDS, "count"):
                shape = shape.replace(f"\x00{name}\x00", "{%s}" % name)
            self.shapes[key] = shape
        return shape


class _StandInCount(int):
    """A review count that picks the plural form by its value and prints as the shape's field."""

    def __str__(self) -> str:
        return "\x00count\x00"


def _english_plural(count: int) -> int:
    """ngettext's rule without a catalog (the source language)."""
    return int(count != 1)
