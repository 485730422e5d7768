"""The seller's product list: keyset pages with price range, stock and a thumbnail per row.

Three statements per page whatever its length: the page of products, the aggregates of
their live variants, their first images. Aggregates are computed for the page's ids
only, never for the whole variants table.
"""
from dataclasses import dataclass

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Product, ProductImage, ProductStatus, ProductVariant, Shop
from marketplace.services.core import paging
from marketplace.services.core.paging import Page

PAGE_SIZE = 20
TABS = ("ALL", "ACTIVE", "DRAFT", "HIDDEN")


@dataclass
class ProductRow:
    product: Product
    min_price: int
    max_price: int
    total_stock: int
    variant_count: int
    thumb_key: str | None


def status_counts(shop: Shop) -> dict[str, int]:
    """Products per status tab (deleted ones are gone for the seller)."""
    rows = db.session.execute(
        select(Product.status, func.count()).where(Product.shop_id == shop.id, Product.status != ProductStatus.DELETED)
        .group_by(Product.status)
    ).all()
    counts = {status.value: n for status, n in rows}
    return {tab: (sum(counts.values()) if tab == "ALL" else counts.get(tab, 0)) for tab in TABS}


def seller_products(shop: Shop, status: str = "ALL", q: str = "", cursor: str | None = None,
                    limit: int = PAGE_SIZE) -> Page[ProductRow]:
    """One page of `shop`'s products, newest first, optionally one status and a title search (accents ignored)."""
    stmt = select(Product).where(Product.shop_id == shop.id, Product.status != ProductStatus.DELETED)
    if status in TABS and status != "ALL":
        stmt = stmt.where(Product.status == ProductStatus(status))
    if q.strip():
        stmt = stmt.where(func.strpos(func.fold_search_text(Product.title), func.fold_search_text(q.strip())) > 0)
    page = paging.newest_first_page(stmt, Product.created_at, Product.id, cursor, limit)
    return Page(items=_rows(page.items), next_cursor=page.next_cursor)


def _rows(products: list[Product]) -> list[ProductRow]:
    if not products:
        return []
    ids = [p.id for p in products]
    aggregates = {
        row.product_id: row for row in db.session.execute(
            select(ProductVariant.product_id, func.min(ProductVariant.price).label("low"),
                   func.max(ProductVariant.price).label("high"), func.sum(ProductVariant.stock).label("stock"),
                   func.count().label("n"))
            .where(ProductVariant.product_id.in_(ids), ProductVariant.deleted_at.is_(None))
            .group_by(ProductVariant.product_id)
        )
    }
    thumbs = dict(db.session.execute(
        select(ProductImage.product_id, ProductImage.thumb_key)
        .where(ProductImage.product_id.in_(ids))
        .order_by(ProductImage.product_id, ProductImage.position)
        .distinct(ProductImage.product_id)
    ).all())
    rows = []
    for product in products:
        agg = aggregates.get(product.id)
        rows.append(ProductRow(product, agg.low if agg else 0, agg.high if agg else 0,
                               int(agg.stock or 0) if agg else 0, agg.n if agg else 0, thumbs.get(product.id)))
    return rows
