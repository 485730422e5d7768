"""The people and history of the benchmark marketplace: buyers with addresses, an admin, past orders.

bench/run.py logs in as `buyer*@bench.local`, `admin@bench.local` and the owner of the
shop with the most orders (all with the password seed-bench was given), so the buyer,
seller-center and admin scenarios measure realistic pages.
"""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

STATUSES = (["COMPLETED"] * 50 + ["DELIVERED"] * 10 + ["SHIPPING"] * 10 + ["CONFIRMED"] * 10
            + ["PENDING"] * 12 + ["CANCELLED"] * 8)
CITIES = ["Hồ Chí Minh", "Hà Nội", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Nha Trang"]


def seed_people(copy, cursor, rng: random.Random, now: datetime, password_hash: str, *, buyers: int, orders: int,
                sample: list[tuple], big_shop_sample: list[tuple], currency: str) -> dict:
    """`sample` / `big_shop_sample`: (product_id, variant_id, shop_id, title, variant name, sku, price) of
    visible variants; a tenth of the orders go to one big shop so its seller center has real volume."""
    buyer_ids = [uuid.uuid4() for _ in range(buyers)]
    admin_id = uuid.uuid4()
    user_cols = ("id", "email", "phone", "full_name", "password_hash", "role", "status", "is_verified",
                 "session_version", "created_at")
    copy(cursor, "users", user_cols, [(admin_id, "admin@bench.local", None, "Bench Admin", password_hash, "ADMIN",
                                       "ACTIVE", True, 1, now)] + [
        (buyer_ids[n], f"buyer{n:05d}@bench.local", f"+8490{n:07d}", f"Bench Buyer {n}", password_hash, "BUYER",
         "ACTIVE", True, 1, now) for n in range(buyers)])
    copy(cursor, "addresses", ("id", "user_id", "recipient_name", "phone", "line1", "ward", "district", "city",
                               "postal_code", "is_default", "created_at"),
         ((uuid.uuid4(), buyer_ids[n], f"Bench Buyer {n}", f"+8490{n:07d}", f"{n % 300 + 1} Lê Lợi", "Bến Nghé",
           "Quận 1", CITIES[n % len(CITIES)], "700000", True, now) for n in range(buyers)))

    checkout_rows, order_rows, item_rows, event_rows = [], [], [], []
    for n in range(orders):
        product_id, variant_id, shop_id, title, variant_name, sku, price = rng.choice(
            big_shop_sample if big_shop_sample and rng.random() < 0.1 else sample)
        buyer = rng.randrange(buyers)
        created = now - timedelta(seconds=rng.randint(0, 60 * 86400))
        status = rng.choice(STATUSES)
        quantity = rng.randint(1, 3)
        subtotal = price * quantity
        checkout_id, order_id = uuid.uuid4(), uuid.uuid4()
        checkout_rows.append((checkout_id, buyer_ids[buyer], f"bench-{n}", created))
        order_rows.append((order_id, f"B{n:010d}", checkout_id, buyer_ids[buyer], shop_id, status, "COD", currency,
                           subtotal, 300, 0, subtotal + 300, f"Bench Buyer {buyer}", f"+8490{buyer:07d}",
                           f"{buyer % 300 + 1} Lê Lợi", CITIES[buyer % len(CITIES)], created, created))
        item_rows.append((uuid.uuid4(), order_id, product_id, variant_id, title, variant_name, sku, price, quantity,
                          subtotal))
        event_rows.append((uuid.uuid4(), order_id, buyer_ids[buyer], None, "PENDING", created))
        if status != "PENDING":
            event_rows.append((uuid.uuid4(), order_id, None, "PENDING", status, created + timedelta(hours=6)))
    copy(cursor, "checkout_requests", ("id", "user_id", "idempotency_key", "created_at"), checkout_rows)
    copy(cursor, "orders", ("id", "number", "checkout_id", "buyer_id", "shop_id", "status", "payment_method",
                            "currency", "subtotal", "shipping_fee", "discount", "total", "ship_recipient_name",
                            "ship_phone", "ship_line1", "ship_city", "created_at", "updated_at"), order_rows)
    copy(cursor, "order_items", ("id", "order_id", "product_id", "variant_id", "product_title", "variant_name", "sku",
                                 "unit_price", "quantity", "line_total"), item_rows)
    copy(cursor, "order_events", ("id", "order_id", "actor_id", "from_status", "to_status", "created_at"), event_rows)
    for table in ("users", "addresses", "checkout_requests", "orders", "order_items", "order_events"):
        cursor.execute(f"ANALYZE {table}")
    return {"buyers": buyers, "orders": orders}
