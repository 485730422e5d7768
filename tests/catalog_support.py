"""Helpers for the catalog tests: a small category tree, products with images, timestamps."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from marketplace.extensions import db
from marketplace.models import ProductImage
from tests.factories import make_category, make_product

BASE_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)


def htmx(target: str) -> dict:
    return {"HX-Request": "true", "HX-Target": target}


def make_tree():
    """Thời trang > Áo > Áo thun, plus Điện tử; returns the nodes by short name."""
    fashion = make_category(name="Thời trang", slug="thoi-trang")
    tops = make_category(parent=fashion, name="Áo", slug="ao")
    tees = make_category(parent=tops, name="Áo thun", slug="ao-thun")
    electronics = make_category(name="Điện tử", slug="dien-tu")
    return {"fashion": fashion, "tops": tops, "tees": tees, "electronics": electronics}


def add_image(product, position: int = 0, key: str | None = None) -> ProductImage:
    key = key or f"products/{product.id.hex}-{position}"
    image = ProductImage(product_id=product.id, storage_key=f"{key}.webp", thumb_key=f"{key}-thumb.webp",
                         position=position, width=400, height=400)
    db.session.add(image)
    db.session.flush()
    return image


def product_at(minutes: int, price: int = 1000, stock: int = 10, rating: str = "0", sold: int = 0, **fields):
    """A product created `minutes` after BASE_TIME with one variant at `price`."""
    product = make_product(variants=[{"price": price, "stock": stock}], **fields)
    product.created_at = BASE_TIME + timedelta(minutes=minutes)
    product.average_rating = Decimal(rating)
    product.sold_count = sold
    db.session.flush()
    return product


def walk_pages(list_page, first_cursor=None, limit=7):
    """Follow next_cursor to the end; returns every id in order and the number of pages."""
    ids, cursor, pages = [], first_cursor, 0
    while True:
        page = list_page(cursor, limit)
        pages += 1
        ids.extend(card.id for card in page.items)
        if not page.next_cursor:
            return ids, pages
        cursor = page.next_cursor
        assert pages < 100, "pagination does not end"
