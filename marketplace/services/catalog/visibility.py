"""The one rule of what shoppers may see and buy: ACTIVE products of ACTIVE shops.

Every listing, search, product page, cart check and checkout uses these helpers,
so hiding a product or suspending a shop takes effect everywhere at once.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, select

from marketplace.models import Product, ProductStatus, ProductVariant, Shop, ShopStatus


def visible_products() -> Select:
    """SELECT Product rows a shopper may see (joined to their shop)."""
    return (
        select(Product)
        .join(Shop, Shop.id == Product.shop_id)
        .where(Product.status == ProductStatus.ACTIVE, Shop.status == ShopStatus.ACTIVE)
    )


def shop_visible_condition():
    """Half of the rule as a boolean SQL expression: shoppers may see the shop (its public page)."""
    return Shop.status == ShopStatus.ACTIVE


def visible_condition():
    """The same rule as a boolean SQL expression, for queries that already join Product and Shop."""
    return and_(Product.status == ProductStatus.ACTIVE, shop_visible_condition())


def is_purchasable(variant: ProductVariant, product: Product, shop: Shop) -> bool:
    """True when the variant still exists and its product and shop are visible."""
    return (
        variant.deleted_at is None
        and product.status == ProductStatus.ACTIVE
        and shop.status == ShopStatus.ACTIVE
    )


_PRODUCT_REASONS = {ProductStatus.DRAFT: _l("Draft"), ProductStatus.HIDDEN: _l("hidden by an administrator"),
                    ProductStatus.DELETED: _l("deleted")}
_SHOP_REASONS = {ShopStatus.PENDING: _l("shop pending approval"), ShopStatus.REJECTED: _l("shop not approved"),
                 ShopStatus.SUSPENDED: _l("shop suspended")}


def not_public_reason(product_status: ProductStatus, shop_status: ShopStatus) -> str | None:
    """Why shoppers can't see a product (the rule above, told to its seller: "Draft; shop pending
    approval"), or None when they can."""
    reasons = []
    if product_status != ProductStatus.ACTIVE:
        reasons.append(str(_PRODUCT_REASONS.get(product_status, product_status.value.lower())))
    if shop_status != ShopStatus.ACTIVE:
        reasons.append(str(_SHOP_REASONS.get(shop_status, _l("shop not open"))))
    return "; ".join(reasons) or None
