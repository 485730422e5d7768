"""What the admin's review page of one shop reads besides the shop and its owner
(admin_queries.get_shop): a bounded list of its products with their first pictures, its
figures, and its history in the audit log. Read-only; each is one statement, whatever the
size of the shop (the products by ix_products_shop_status, the orders from the shop's sales
rollup, the history by ix_audit_log_target)."""
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from marketplace.extensions import db
from marketplace.models import AuditLog, OrderStatus, Product, ProductStatus, ShopSalesDaily
from marketplace.services.core import rollups

REVIEW_PRODUCTS = 24
HISTORY = 20


class ReviewProduct(NamedTuple):
    id: uuid.UUID
    title: str
    min_price: int
    status: ProductStatus
    created_at: datetime
    thumb_key: str | None


@dataclass(frozen=True)
class ShopFigures:
    products: int         # not deleted by the seller
    active_products: int  # on sale (when the shop is open)
    hidden_products: int  # hidden by an admin
    orders: int           # every order ever placed, cancelled ones included
    revenue: int          # totals of the orders not cancelled, in minor units


def shop_products(shop_id: uuid.UUID, limit: int = REVIEW_PRODUCTS) -> list[ReviewProduct]:
    """The shop's newest products (any status but the seller's deleted ones) with their first thumbnails."""
    rows = db.session.execute(
        select(Product.id, Product.title, Product.min_price, Product.status, Product.created_at,
               Product.thumb_key)
        .where(Product.shop_id == shop_id, Product.status != ProductStatus.DELETED)
        .order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
    )
    return [ReviewProduct(*row) for row in rows]


def _products(shop_id: uuid.UUID, *conditions):
    return (select(func.count()).select_from(Product)
            .where(Product.shop_id == shop_id, *conditions).scalar_subquery())


def _sales(column, shop_id: uuid.UUID, *conditions):
    return (select(func.coalesce(func.sum(column), 0))
            .where(ShopSalesDaily.shop_id == shop_id, *conditions).scalar_subquery())


def shop_figures(shop_id: uuid.UUID) -> ShopFigures:
    """Product counts and all-time orders and revenue, in one statement (orders from the rollup)."""
    rollups.include_pending()
    row = db.session.execute(select(
        _products(shop_id, Product.status != ProductStatus.DELETED).label("products"),
        _products(shop_id, Product.status == ProductStatus.ACTIVE).label("active_products"),
        _products(shop_id, Product.status == ProductStatus.HIDDEN).label("hidden_products"),
        _sales(ShopSalesDaily.orders, shop_id).label("orders"),
        _sales(ShopSalesDaily.total, shop_id,
               ShopSalesDaily.status.notin_((OrderStatus.CANCELLED, OrderStatus.AWAITING_PAYMENT))).label("revenue"),
    )).one()
    return ShopFigures(**{key: int(value) for key, value in row._asdict().items()})


def shop_history(shop_id: uuid.UUID, limit: int = HISTORY) -> list[AuditLog]:
    """What admins did to the shop, newest first, with who did it."""
    return list(db.session.scalars(
        select(AuditLog).where(AuditLog.target_type == "shop", AuditLog.target_id == shop_id)
        .options(joinedload(AuditLog.actor))
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc()).limit(limit)
    ))
