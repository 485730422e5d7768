"""Listing cards (catalog/cards.py): a card filled into the shape of its kind is byte for byte what the
macro renders, in both languages, for every plural form and for values that need escaping."""
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from marketplace.catalog.cards import CardWriter, product_cards
from marketplace.money import format_money
from marketplace.services.catalog.listing_queries import ProductCard

TITLES = ('Bình <trà> & "ấm" {x}', "Cốc's {0} %(num)s", "Áo thun \x00count\x00 nam", "Plain")
COUNTS = (0, 1, 2, 5, 21, 101)


def card(title: str, reviews: int, thumb: str | None = "products/ab/cd-thumb.webp", shop: str = "Tiệm <Bình>") -> ProductCard:
    return ProductCard(id=uuid.uuid4(), title=title, min_price=1_250_000, average_rating=Decimal("4.35"),
                       review_count=reviews, sold_count=1234, created_at=datetime.now(timezone.utc),
                       shop_id=uuid.uuid4(), shop_name=shop, shop_slug="tiem-binh", thumb_key=thumb)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_card_from_its_shape_is_what_the_macro_renders(app, lang):
    cards = [card(title, reviews, thumb) for title in TITLES for reviews in COUNTS for thumb in ("k/t.webp", None)]
    with app.app_context(), app.test_request_context(f"/c/x?lang={lang}"):
        writer = CardWriter()
        for each in cards:
            assert writer.card(each) == str(writer.by_macro(each)), each
        # the memo and the hearts around it
        html = product_cards(cards[:3])
        assert len(html) == 3 and all(str(writer.card(c)) in str(h) for c, h in zip(cards, html))


def test_the_card_says_its_numbers_in_the_viewers_language(app):
    one = card("Ấm", 1)
    with app.app_context(), app.test_request_context("/c/x?lang=en"):
        english = CardWriter().card(one)
    with app.app_context(), app.test_request_context("/c/x?lang=vi"):
        vietnamese = CardWriter().card(one)
        price = format_money(one.min_price, locale="vi")
    assert "1,234 sold" in english and "review</span>)" in english
    assert "Đã bán 1.234" in vietnamese and f">{price}<" in vietnamese and "," in price
    assert "&lt;Bình&gt;" in english and "<Bình>" not in english


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_cards_grouping_is_the_number_filters(app, lang):
    from babel.numbers import format_decimal

    with app.app_context(), app.test_request_context(f"/c/x?lang={lang}"):
        writer = CardWriter()
        for sold in (0, 7, 999, 1000, 1234567, 10**9):
            html = writer.card(card("Ấm", 0)._replace(sold_count=sold))
            assert f"{format_decimal(sold, locale=lang)}</span>" in html or f"<span>{format_decimal(sold, locale=lang)} " in html


def test_the_card_memo_keeps_the_cards_shown_lately_when_it_is_full(app, monkeypatch):
    """A full memo lets the least recently shown card go, not every card: on a million-product catalogue
    the cards a new page shows come half from it (bench/README.md)."""
    from marketplace.catalog import cards as cards_module

    monkeypatch.setattr(cards_module, "CARD_CACHE_SIZE", 3)
    app.extensions.pop("rendered_cards", None)
    rendered = []
    monkeypatch.setattr(CardWriter, "card", lambda self, c: rendered.append(c.title) or f"<p>{c.title}</p>")
    a, b, c, d = (card(title, 0) for title in "abcd")
    try:
        with app.app_context(), app.test_request_context("/c/x?lang=en"):
            product_cards([a, b, c])
            product_cards([a])  # shown again: now the most recent
            product_cards([d])  # the memo is full: b, the least recently shown, goes
            product_cards([a, c, d, b])
    finally:
        app.extensions.pop("rendered_cards", None)
    assert rendered == ["a", "b", "c", "d", "b"]
