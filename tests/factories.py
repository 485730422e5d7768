"""Small factory functions: each makes one valid row (and what it needs) and flushes.

Keyword arguments override any column. Areas add factories for their own models here.
"""
import itertools
import uuid

from marketplace.extensions import db
from marketplace.models import (
    Address, Category, Product, ProductStatus, ProductVariant, Role, Shop, ShopStatus, User,
)
from marketplace.services.passwords import hash_password

PASSWORD = "correct horse 1"
_seq = itertools.count(1)
_hashes: dict[str, str] = {}


def _hash(password: str) -> str:
    # bcrypt is slow on purpose; tests reuse one hash per password.
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]


def make_user(password: str = PASSWORD, **fields) -> User:
    n = next(_seq)
    values = {
        "email": f"user{n}-{uuid.uuid4().hex[:6]}@example.com",
        "full_name": f"Test User {n}",
        "is_verified": True,
        "role": Role.BUYER,
    }
    values.update(fields)
    user = User(password_hash=_hash(password), **values)
    db.session.add(user)
    db.session.flush()
    return user


def make_address(user: User, **fields) -> Address:
    values = {
        "recipient_name": user.full_name, "phone": "+84901234567", "line1": "12 Lê Lợi",
        "ward": "Bến Nghé", "district": "Quận 1", "city": "Hồ Chí Minh", "postal_code": "700000",
        "is_default": False,
    }
    values.update(fields)
    address = Address(user_id=user.id, **values)
    db.session.add(address)
    db.session.flush()
    return address


def make_shop(owner: User | None = None, status: ShopStatus = ShopStatus.ACTIVE, **fields) -> Shop:
    owner = owner or make_user(role=Role.SELLER)
    if owner.role == Role.BUYER:
        owner.role = Role.SELLER
    n = next(_seq)
    values = {"name": f"Shop {n}", "slug": f"shop-{n}-{uuid.uuid4().hex[:6]}", "description": "A test shop"}
    values.update(fields)
    shop = Shop(owner_id=owner.id, status=status, **values)
    db.session.add(shop)
    db.session.flush()
    return shop


def make_category(parent: Category | None = None, **fields) -> Category:
    n = next(_seq)
    values = {"name": f"Category {n}", "slug": f"category-{n}-{uuid.uuid4().hex[:6]}"}
    values.update(fields)
    category = Category(parent_id=parent.id if parent else None, **values)
    db.session.add(category)
    db.session.flush()
    return category


def make_product(
    shop: Shop | None = None,
    category: Category | None = None,
    variants: list[dict] | None = None,
    status: ProductStatus = ProductStatus.ACTIVE,
    **fields,
) -> Product:
    """A product with its variants; `variants` is a list of column dicts (default: one, price 1000, stock 10)."""
    shop = shop or make_shop()
    category = category or make_category()
    n = next(_seq)
    values = {"title": f"Product {n}", "description": "A fine product."}
    values.update(fields)
    product = Product(shop_id=shop.id, category_id=category.id, status=status, **values)
    db.session.add(product)
    db.session.flush()
    for position, spec in enumerate(variants or [{}]):
        variant_values = {"sku": f"SKU-{n}-{position}", "price": 1000, "stock": 10, "name": f"Variant {position + 1}"}
        variant_values.update(spec)
        db.session.add(ProductVariant(product_id=product.id, shop_id=shop.id, position=position, **variant_values))
    db.session.flush()
    product.min_price = min(v.price for v in product.variants) if product.variants else 0
    db.session.flush()
    return product
