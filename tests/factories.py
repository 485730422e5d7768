"""Small factory functions: each makes one valid row (and what it needs) and flushes.

Keyword arguments override any column. Areas add factories for their own models here.
"""
import itertools
import uuid
from datetime import datetime, timedelta, timezone

from marketplace.extensions import db
from marketplace.models import (
    Address, Category, CheckoutRequest, Order, OrderEvent, OrderItem, OrderStatus, Product, ProductStatus,
    ProductVariant, Role, Shop, ShopStatus, User, Voucher, VoucherKind,
)
from marketplace.services.accounts import login_sessions
from marketplace.services.accounts.passwords import hash_password

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


def login_id(user: User) -> str:
    """A new login of `user` (its LoginSession row flushed), as the session cookie's user id:
    what Flask-Login keeps in session["_user_id"] after the login form."""
    login_sessions.start(user, "pytest")
    return user.get_id()


def login(client, user: User | None) -> None:
    """Sign `user` in on a test client the way Flask-Login keeps it in the session; `None` signs out.

    The test's data is committed first: a refused request rolls its session back, and must not
    take the test's rows with it. Under the test harness (conftest.py `db_session`) that commit
    only releases a savepoint; the test's outer transaction still discards everything at the end.
    The test's next savepoint is opened at once, before any request's: opened later, inside a
    savepoint of a request or a job, it would be released with that one.
    """
    session_id = login_id(user) if user is not None else None
    db.session.commit()
    db.session.connection()
    with client.session_transaction() as session:
        if user is None:
            session.clear()
        else:
            session["_user_id"] = session_id
            session["_fresh"] = True


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


def make_order(
    buyer: User | None = None,
    product: Product | None = None,
    quantity: int = 1,
    status: OrderStatus | None = None,
    **fields,
) -> Order:
    """A placed order of one line (the product's first variant) in `status`, with its first event.

    It does not touch stock or vouchers: use the checkout service for that.
    """
    buyer = buyer or make_user()
    product = product or make_product()
    status = status or OrderStatus.PENDING
    variant = product.variants[0]
    checkout = CheckoutRequest(user_id=buyer.id, idempotency_key=uuid.uuid4().hex)
    db.session.add(checkout)
    db.session.flush()
    subtotal = variant.price * quantity
    n = next(_seq)
    values = {
        "number": f"T{n:06d}{uuid.uuid4().hex[:4].upper()}", "currency": "USD", "subtotal": subtotal,
        "shipping_fee": 0, "discount": 0, "total": subtotal, "ship_recipient_name": buyer.full_name,
        "ship_phone": "+84901234567", "ship_line1": "12 Lê Lợi", "ship_city": "Hồ Chí Minh",
    }
    values.update(fields)
    values["total"] = values["subtotal"] - values["discount"] + values["shipping_fee"]
    order = Order(checkout_id=checkout.id, buyer_id=buyer.id, shop_id=product.shop_id, status=status, **values)
    db.session.add(order)
    db.session.flush()
    db.session.add(OrderItem(
        order_id=order.id, product_id=product.id, variant_id=variant.id, product_title=product.title,
        variant_name=variant.name, sku=variant.sku, unit_price=variant.price, quantity=quantity,
        line_total=variant.price * quantity, discount_share=min(values["discount"], variant.price * quantity),
    ))
    db.session.add(OrderEvent(order_id=order.id, actor_id=buyer.id, from_status=None, to_status=status))
    db.session.flush()
    return order


def make_voucher(shop: Shop | None = None, **fields) -> Voucher:
    """An active voucher valid from yesterday to next month (default: 10% off, no limits)."""
    shop = shop or make_shop()
    now = datetime.now(timezone.utc)
    values = {
        "code": f"SAVE{next(_seq)}", "kind": VoucherKind.PERCENT, "value": 10, "min_spend": 0,
        "starts_at": now - timedelta(days=1), "ends_at": now + timedelta(days=30), "is_active": True,
    }
    values.update(fields)
    voucher = Voucher(shop_id=shop.id, **values)
    db.session.add(voucher)
    db.session.flush()
    return voucher
