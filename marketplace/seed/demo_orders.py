"""Demo order history: shoppers, two months of orders in every state, and real reviews.

So the storefront's ratings and "sold" figures, the seller dashboard and the admin charts
all show numbers that come from rows a visitor can open. Product counters are then
recomputed from those rows in one statement each, exactly as the services keep them.
Deterministic, flushes, never commits.
"""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, text

from marketplace.extensions import db
from marketplace.models import (
    Address, CheckoutRequest, Order, OrderEvent, OrderItem, OrderStatus, Product, ProductImage, ProductStatus,
    ProductVariant, Review, Role, Shop, ShopStatus, User, Voucher, VoucherKind,
)
from marketplace.seed import prices as demo_prices
from marketplace.services.ledger import commission, postings
from marketplace.services.ordering.checkout import NUMBER_ALPHABET

SEED = 20261127
SHOPPERS = 36
SHOPPER_NAMES = [
    "Lê Minh Châu", "Phạm Quốc Dũng", "Hoàng Thu Hà", "Vũ Đức Huy", "Đặng Ngọc Lan", "Bùi Thanh Long",
    "Đỗ Thị Mai", "Hồ Văn Nam", "Ngô Bảo Ngọc", "Dương Tuấn Phong", "Lý Thị Quỳnh", "Trịnh Công Sơn",
    "Emma Nguyen", "Liam Tran", "Olivia Pham", "Noah Le", "Ava Hoang", "Lucas Vo",
]
CITIES = [("Hồ Chí Minh", "Quận 3", "Phường 6"), ("Hà Nội", "Ba Đình", "Phúc Xá"), ("Đà Nẵng", "Hải Châu", "Thạch Thang"),
          ("Cần Thơ", "Ninh Kiều", "Tân An"), ("Đà Lạt", "Phường 1", "Phường 1")]
REVIEW_TEXTS = {
    5: ["Hàng đẹp, đóng gói cẩn thận, giao nhanh. Sẽ ủng hộ shop tiếp!", "Chất lượng tuyệt vời so với giá tiền.",
        "Exactly as described, fast delivery. Would buy again.", "Great quality, my family loves it."],
    4: ["Sản phẩm tốt, giao hàng hơi chậm một chút.", "Đúng mô tả, màu hơi khác ảnh nhưng vẫn đẹp.",
        "Good value. Packaging could be better.", "Works well, arrived a day late."],
    3: ["Tạm ổn, chất liệu bình thường.", "It's okay for the price, nothing special."],
    2: ["Size nhỏ hơn mô tả, phải đổi.", "Not what I expected; the colour is off."],
}
SELLER_REPLIES = ["Cảm ơn bạn đã ủng hộ shop!", "Thank you! We're glad you like it.",
                  "Shop xin lỗi vì giao chậm, lần sau sẽ nhanh hơn ạ."]
# Where an order of a given age (days) has got to: older orders are finished.
PATHS = {
    OrderStatus.PENDING: [OrderStatus.PENDING],
    OrderStatus.CONFIRMED: [OrderStatus.PENDING, OrderStatus.CONFIRMED],
    OrderStatus.SHIPPING: [OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPING],
    OrderStatus.DELIVERED: [OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPING, OrderStatus.DELIVERED],
    OrderStatus.COMPLETED: [OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPING, OrderStatus.DELIVERED,
                            OrderStatus.COMPLETED],
    OrderStatus.CANCELLED: [OrderStatus.PENDING, OrderStatus.CANCELLED],
}


def seed_orders(buyer: User, seller: User, password_hash: str, now: datetime, shipping_fee: int, currency: str) -> dict:
    """Shoppers with order histories (the demo buyer and the demo seller's shop included) and reviews."""
    rng = random.Random(SEED)
    catalog = _purchasable()
    seller_shop = db.session.scalar(select(Shop).where(Shop.owner_id == seller.id))
    shoppers = [_shopper(n, password_hash) for n in range(1, SHOPPERS + 1)]
    db.session.flush()
    made = {"orders": 0, "reviews": 0}
    for shopper in shoppers:
        for _ in range(rng.randint(2, 6)):
            age = rng.uniform(0, 60)
            shop_id = seller_shop.id if rng.random() < 0.2 else rng.choice(list(catalog))
            status = _status_for(age, rng)
            made["reviews"] += _order(rng, shopper, catalog[shop_id], status, now - timedelta(days=age), now,
                                      shipping_fee, currency)
            made["orders"] += 1
    # The demo buyer: something to review, something to cancel, and a finished order with a review.
    for status, age in ((OrderStatus.DELIVERED, 2.5), (OrderStatus.PENDING, 0.2), (OrderStatus.COMPLETED, 20)):
        _order(rng, buyer, catalog[seller_shop.id], status, now - timedelta(days=age), now, shipping_fee, currency,
               review=status == OrderStatus.COMPLETED)
        made["orders"] += 1
    _vouchers(seller_shop, now, currency)
    db.session.flush()
    _recount_products()
    return made


def _purchasable() -> dict[uuid.UUID, list[tuple[Product, ProductVariant, str | None]]]:
    """Active products of active shops with a variant each, grouped by shop."""
    rows = db.session.execute(
        select(Product, ProductVariant, ProductImage.thumb_key)
        .join(Shop, Shop.id == Product.shop_id)
        .join(ProductVariant, ProductVariant.product_id == Product.id)
        .outerjoin(ProductImage, (ProductImage.product_id == Product.id) & (ProductImage.position == 0))
        .where(Product.status == ProductStatus.ACTIVE, Shop.status == ShopStatus.ACTIVE, ProductVariant.position == 0)
    ).all()
    by_shop: dict[uuid.UUID, list] = {}
    for product, variant, image_key in rows:
        by_shop.setdefault(product.shop_id, []).append((product, variant, image_key))
    return by_shop


def _shopper(n: int, password_hash: str) -> User:
    name = SHOPPER_NAMES[(n - 1) % len(SHOPPER_NAMES)]
    user = User(id=uuid.uuid4(), email=f"shopper{n:02d}@demo.marketplace", phone=f"+84903000{n:03d}",
                full_name=name, password_hash=password_hash, is_verified=True, role=Role.BUYER)
    city, district, ward = CITIES[n % len(CITIES)]
    db.session.add(user)
    db.session.add(Address(user_id=user.id, recipient_name=name, phone=user.phone, line1=f"{10 + n} Nguyễn Huệ",
                           ward=ward, district=district, city=city, is_default=True))
    return user


def _status_for(age_days: float, rng: random.Random) -> OrderStatus:
    if rng.random() < 0.08:
        return OrderStatus.CANCELLED
    if age_days > 10:
        return OrderStatus.COMPLETED
    if age_days > 5:
        return rng.choice([OrderStatus.COMPLETED, OrderStatus.DELIVERED])
    if age_days > 2:
        return rng.choice([OrderStatus.SHIPPING, OrderStatus.DELIVERED])
    return rng.choice([OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPING])


def _order(rng, user: User, goods: list, status: OrderStatus, placed_at: datetime, now: datetime, shipping_fee: int,
           currency: str, review: bool | None = None) -> int:
    """One order of 1-3 lines from one shop, its timeline, and reviews of its lines; returns reviews made."""
    address = db.session.scalar(select(Address).where(Address.user_id == user.id, Address.is_default))
    checkout = CheckoutRequest(id=uuid.uuid4(), user_id=user.id, idempotency_key=uuid.uuid4().hex, created_at=placed_at)
    db.session.add(checkout)
    picks = rng.sample(goods, k=min(len(goods), rng.randint(1, 3)))
    rate = current_app.config["COMMISSION_RATE_BP"]
    items = [OrderItem(id=uuid.uuid4(), product_id=p.id, variant_id=v.id, product_title=p.title, variant_name=v.name,
                       sku=v.sku, image_key=image, unit_price=v.price, quantity=q, line_total=v.price * q,
                       discount_share=0, commission_rate_bp=rate, commission=commission.commission_of(v.price * q, rate))
             for (p, v, image), q in ((pick, rng.choice([1, 1, 1, 2, 3])) for pick in picks)]
    subtotal = sum(i.line_total for i in items)
    path = PATHS[status]
    # The timeline starts when the order is placed and every later step is in the past: steps are
    # about six hours apart, closer together for an order placed only hours ago.
    step_hours = min(6.0, (now - placed_at).total_seconds() / 3600 / len(path))
    times = [placed_at] + [placed_at + timedelta(hours=step_hours * (step + rng.uniform(0, 0.8)))
                           for step in range(1, len(path))]
    order = Order(
        id=uuid.uuid4(), number=f"MP{placed_at:%y%m%d}{''.join(rng.choices(NUMBER_ALPHABET, k=6))}", checkout_id=checkout.id,
        buyer_id=user.id, shop_id=picks[0][0].shop_id, status=status, currency=currency, subtotal=subtotal,
        shipping_fee=shipping_fee, discount=0, total=subtotal + shipping_fee, created_at=placed_at,
        ship_recipient_name=address.recipient_name, ship_phone=address.phone, ship_line1=address.line1,
        ship_ward=address.ward, ship_district=address.district, ship_city=address.city,
        tracking_number=f"VN{rng.randint(10**9, 10**10 - 1)}" if OrderStatus.SHIPPING in path else None,
        cancel_reason="Đổi ý, muốn mua màu khác." if status == OrderStatus.CANCELLED else None,
        delivered_at=times[path.index(OrderStatus.DELIVERED)] if OrderStatus.DELIVERED in path else None,
        completed_at=times[-1] if status == OrderStatus.COMPLETED else None,
        items=items,
    )
    db.session.add(order)
    for before, after, when in zip([None, *path], path, times):
        actor = user.id if after in (OrderStatus.PENDING, OrderStatus.COMPLETED, OrderStatus.CANCELLED) else None
        db.session.add(OrderEvent(order_id=order.id, actor_id=actor, from_status=before, to_status=after, created_at=when))
    db.session.flush()  # reviews point at order lines through a plain foreign key
    if status not in (OrderStatus.DELIVERED, OrderStatus.COMPLETED):
        return 0
    postings.order_delivered(order, items, at=order.delivered_at)  # the shop's earnings, the commission
    made = 0
    for item in items:
        if review is False or (review is None and rng.random() > 0.7):
            continue
        rating = rng.choices([5, 4, 3, 2], weights=[55, 30, 10, 5])[0]
        written = min(now, times[-1] + timedelta(hours=rng.uniform(1, 48)))
        replied = rng.random() < 0.3
        db.session.add(Review(
            product_id=item.product_id, order_item_id=item.id, user_id=user.id, rating=rating,
            body=rng.choice(REVIEW_TEXTS[rating]), created_at=written, updated_at=written,
            seller_reply=rng.choice(SELLER_REPLIES) if replied else None,
            seller_replied_at=min(now, written + timedelta(hours=5)) if replied else None,
        ))
        made += 1
    return made


def _vouchers(shop: Shop, now: datetime, currency: str) -> None:
    def money(dong: int) -> int:
        return demo_prices.amount(dong, currency)

    db.session.add_all([
        Voucher(shop_id=shop.id, code="GIAM10", kind=VoucherKind.PERCENT, value=10, max_discount=money(50_000),
                min_spend=money(200_000), starts_at=now - timedelta(days=7), ends_at=now + timedelta(days=60),
                usage_limit=100, per_user_limit=1),
        Voucher(shop_id=shop.id, code="CHAOBAN", kind=VoucherKind.FIXED, value=money(20_000), min_spend=money(200_000),
                starts_at=now - timedelta(days=7), ends_at=now + timedelta(days=60), usage_limit=None, per_user_limit=2),
        # over: the shop page no longer offers it
        Voucher(shop_id=shop.id, code="TET2026", kind=VoucherKind.PERCENT, value=15, max_discount=money(80_000),
                min_spend=money(300_000), starts_at=now - timedelta(days=90), ends_at=now - timedelta(days=30),
                usage_limit=50, per_user_limit=1),
    ])
    others = db.session.scalars(select(Shop).where(Shop.status == ShopStatus.ACTIVE, Shop.id != shop.id)
                                .order_by(Shop.slug)).all()
    for n, other in enumerate(others[::3]):
        percent = n % 2 == 0
        db.session.add(Voucher(
            shop_id=other.id, code=f"{other.slug.split('-')[0].upper()[:8]}{5 + 5 * (n % 3)}",
            kind=VoucherKind.PERCENT if percent else VoucherKind.FIXED,
            value=5 + 5 * (n % 3) if percent else money(15_000 + 5_000 * n),
            max_discount=money(100_000) if percent else None, min_spend=money(100_000 + 50_000 * (n % 4)),
            starts_at=now - timedelta(days=3), ends_at=now + timedelta(days=14 + 7 * n), usage_limit=200,
            per_user_limit=1))


def _recount_products() -> None:
    """Ratings from visible reviews, sold counts from delivered units: the same figures the services keep."""
    db.session.execute(text("""
        UPDATE products p SET rating_sum = r.total, review_count = r.n,
               average_rating = round(r.total::numeric / r.n, 2)
        FROM (SELECT product_id, sum(rating) AS total, count(*) AS n FROM reviews
              WHERE NOT is_hidden GROUP BY product_id) r
        WHERE r.product_id = p.id
    """))
    db.session.execute(text("""
        UPDATE products p SET sold_count = s.units
        FROM (SELECT i.product_id, sum(i.quantity) AS units FROM order_items i JOIN orders o ON o.id = i.order_id
              WHERE o.status IN ('DELIVERED', 'COMPLETED') GROUP BY i.product_id) s
        WHERE s.product_id = p.id
    """))
