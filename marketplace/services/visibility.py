"""The one rule of what shoppers may see and buy: ACTIVE products of ACTIVE shops.

Every listing, search, product page, cart check and checkout uses these helpers,
so hiding a product or suspending a shop takes effect everywhere at once.
"""
from sqlalchemy import Select, and_, select

from marketplace.models import Product, ProductStatus, ProductVariant, Shop, ShopStatus


def visible_products() -> Select:
    """SELECT Product rows a shopper may see (joined to their shop)."""
    return (
        select(Product)
        .join(Shop, Shop.id == Product.shop_id)
        .where(Product.status == ProductStatus.ACTIVE, Shop.status == ShopStatus.ACTIVE)
    )


def visible_condition():
    """The same rule as a boolean SQL expression, for queries that already join Product and Shop."""
    return and_(Product.status == ProductStatus.ACTIVE, Shop.status == ShopStatus.ACTIVE)


def is_purchasable(variant: ProductVariant, product: Product, shop: Shop) -> bool:
    """True when the variant still exists and its product and shop are visible."""
    return (
        variant.deleted_at is None
        and product.status == ProductStatus.ACTIVE
        and shop.status == ShopStatus.ACTIVE
    )
