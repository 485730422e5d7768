"""The people and history of the benchmark marketplace: buyers with addresses, an admin, past orders, reviews.

bench/run.py logs in as `buyer*@bench.example.com`, `admin@bench.example.com` and the owner
of the shop with the most orders (`bench-seller-0@bench.example.com`, a tenth of all orders),
so the buyer, seller-center and admin scenarios measure realistic pages.

Orders have 1-3 lines from one shop and a full, consistent history: every state of the
lifecycle is represented, each order carries the events that led to its state (with the
matching delivered_at / completed_at), and about a third of the delivered lines have a
review. The products' counters then absorb what these rows add (review_count, rating_sum,
average_rating, sold_count), on top of the generated "earlier" figures of the catalog.
"""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from marketplace.seed.copying import copy_ahead, copy_rows

CHUNK = 20_000
# A reserved, never-delivered domain that email validation still accepts (".local" is refused at login).
DOMAIN = "bench.example.com"
# (status, weight): most history is finished; the rest is spread over every open state.
STATUSES = (["COMPLETED"] * 50 + ["DELIVERED"] * 10 + ["SHIPPING"] * 10 + ["CONFIRMED"] * 10
            + ["PENDING"] * 12 + ["CANCELLED"] * 8)
LIFECYCLE = ["PENDING", "CONFIRMED", "SHIPPING", "DELIVERED", "COMPLETED"]
STEP = {"CONFIRMED": timedelta(hours=2), "SHIPPING": timedelta(days=1), "DELIVERED": timedelta(days=3),
        "COMPLETED": timedelta(days=5), "CANCELLED": timedelta(hours=5)}
CITIES = ["Hồ Chí Minh", "Hà Nội", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Nha Trang"]
RATINGS = [5] * 6 + [4] * 3 + [3, 2, 1]
REVIEW_TEXTS = ["Hàng đẹp, giao nhanh.", "Đúng mô tả, sẽ ủng hộ tiếp.", "Good value for money.",
                "Chất lượng tạm ổn.", "Shop đóng gói cẩn thận.", "Not as pictured, a bit small.",
                "Giao hàng hơi chậm nhưng sản phẩm tốt.", "Excellent, five stars!"]
REVIEW_SHARE = 0.35
ROLLUP_TRIGGERS = ("orders_sales_rollup", "orders_sales_rollup_stage_insert")
# A copied review would rewrite its product's row for the page version (migration perf04); the
# products are new (no page of theirs is cached) and _absorb_counters rewrites them once anyway.
PAGE_VERSION_TRIGGER = "reviews_page_version_insert"


# What _history() returns, in its order, and where it goes.
HISTORY_TABLES = ("checkout_requests", "orders", "order_items", "order_events", "reviews")
HISTORY_COLUMNS = (
    ("id", "user_id", "idempotency_key", "created_at"),
    ("id", "number", "checkout_id", "buyer_id", "shop_id", "status", "payment_method", "currency", "subtotal",
     "shipping_fee", "discount", "total", "ship_recipient_name", "ship_phone", "ship_line1", "ship_ward",
     "ship_district", "ship_city", "ship_postal_code", "cancel_reason", "delivered_at", "completed_at", "created_at",
     "updated_at"),
    ("id", "order_id", "product_id", "variant_id", "product_title", "variant_name", "sku", "unit_price", "quantity",
     "line_total"),
    ("id", "order_id", "actor_id", "from_status", "to_status", "note", "created_at"),
    ("id", "product_id", "order_item_id", "user_id", "rating", "body", "has_images", "is_hidden", "created_at",
     "updated_at"),
)


def seed_people(cursor, rng: random.Random, now: datetime, password_hash: str, *, buyers: int, orders: int,
                sample: list[tuple], big_shop_sample: list[tuple], currency: str, shipping_fee: int,
                owners: dict | None = None, echo=lambda *_: None) -> dict:
    """`sample` / `big_shop_sample`: (product_id, variant_id, shop_id, title, variant name, sku, price) of
    visible variants; a tenth of the orders go to the big shop so its seller center has real volume.
    `owners`: shop id -> owner id (the actor of seller transitions). Amounts in `currency`'s minor unit."""
    owners = owners or {}
    buyer_ids = [uuid.uuid4() for _ in range(buyers)]
    admin_id = uuid.uuid4()
    user_cols = ("id", "email", "phone", "full_name", "password_hash", "role", "status", "is_verified",
                 "session_version", "created_at")
    copy_rows(cursor, "users", user_cols, [(admin_id, f"admin@{DOMAIN}", None, "Bench Admin", password_hash, "ADMIN",
                                            "ACTIVE", True, 1, now)] + [
        (buyer_ids[n], f"buyer{n:05d}@{DOMAIN}", f"+8490{n:07d}", f"Bench Buyer {n}", password_hash, "BUYER",
         "ACTIVE", True, 1, now) for n in range(buyers)])
    copy_rows(cursor, "addresses", ("id", "user_id", "recipient_name", "phone", "line1", "ward", "district", "city",
                                    "postal_code", "is_default", "created_at"),
              ((uuid.uuid4(), buyer_ids[n], f"Bench Buyer {n}", f"+8490{n:07d}", f"{n % 300 + 1} Lê Lợi", "Bến Nghé",
                "Quận 1", CITIES[n % len(CITIES)], "700000", True, now) for n in range(buyers)))

    by_shop: dict = {}
    for row in sample + big_shop_sample:
        by_shop.setdefault(row[2], []).append(row)
    made = {"buyers": buyers, "orders": 0, "order_items": 0, "order_events": 0, "reviews": 0}
    # The sales rollups (migrations perf01, perf03) are rebuilt once at the end from the orders: cheaper than
    # staging 200,000 orders to sum them at COMMIT. Both triggers go off together, or the staged rows would be
    # committed and counted again by the next transaction that writes orders.
    for trigger in ROLLUP_TRIGGERS:
        cursor.execute(f"ALTER TABLE orders DISABLE TRIGGER {trigger}")
    cursor.execute(f"ALTER TABLE reviews DISABLE TRIGGER {PAGE_VERSION_TRIGGER}")
    # Each chunk's rows are generated (in a worker thread) while the one before is copied.
    chunks = (_history(rng, now, range(start, min(start + CHUNK, orders)), buyer_ids, sample, big_shop_sample,
                       by_shop, owners, currency, shipping_fee) for start in range(0, orders, CHUNK))
    for counts in copy_ahead(cursor, (list(zip(HISTORY_TABLES, HISTORY_COLUMNS, rows)) for rows in chunks)):
        for table, count in counts.items():
            if table in made:
                made[table] += count
        echo(f"    {made['orders']:,} orders, {made['order_items']:,} lines, {made['order_events']:,} events, "
             f"{made['reviews']:,} reviews")
    for trigger in ROLLUP_TRIGGERS:
        cursor.execute(f"ALTER TABLE orders ENABLE TRIGGER {trigger}")
    cursor.execute(f"ALTER TABLE reviews ENABLE TRIGGER {PAGE_VERSION_TRIGGER}")
    cursor.execute("SELECT refresh_sales_rollups()")
    _absorb_counters(cursor)
    for table in ("users", "addresses", "checkout_requests", "orders", "order_items", "order_events", "reviews",
                  "products", "sales_daily", "shop_sales_daily", "product_sales_daily"):
        cursor.execute(f"ANALYZE {table}")
    return made


def _history(rng, now, numbers, buyer_ids, sample, big_shop_sample, by_shop, owners, currency, fee):
    checkouts, orders, items, events, reviews = [], [], [], [], []
    for n in numbers:
        first = rng.choice(big_shop_sample if big_shop_sample and rng.random() < 0.1 else sample)
        shop_id = first[2]
        picks = {first[1]: first}
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):  # 1-3 lines, all from one shop
            extra = rng.choice(by_shop[shop_id])
            picks[extra[1]] = extra
        buyer = rng.randrange(len(buyer_ids))
        buyer_id, owner_id = buyer_ids[buyer], owners.get(shop_id)
        created = now - timedelta(seconds=rng.randint(0, 60 * 86400))
        status = rng.choice(STATUSES)
        order_id, checkout_id = uuid.uuid4(), uuid.uuid4()
        trail = _trail(status, created, now)
        delivered_at = next((at for state, at in trail if state == "DELIVERED"), None)
        completed_at = next((at for state, at in trail if state == "COMPLETED"), None)
        subtotal = 0
        for product_id, variant_id, _, title, variant_name, sku, price in picks.values():
            quantity = rng.randint(1, 3)
            item_id = uuid.uuid4()
            subtotal += price * quantity
            items.append((item_id, order_id, product_id, variant_id, title, variant_name, sku, price, quantity,
                          price * quantity))
            if delivered_at is not None and rng.random() < REVIEW_SHARE:
                at = min(delivered_at + timedelta(hours=rng.randint(2, 96)), now)
                reviews.append((uuid.uuid4(), product_id, item_id, buyer_id, rng.choice(RATINGS),
                                rng.choice(REVIEW_TEXTS), False, False, at, at))
        checkouts.append((checkout_id, buyer_id, f"bench-{n}", created))
        orders.append((order_id, f"B{n:010d}", checkout_id, buyer_id, shop_id, status, "COD", currency, subtotal, fee,
                       0, subtotal + fee, f"Bench Buyer {buyer}", f"+8490{buyer:07d}", f"{buyer % 300 + 1} Lê Lợi",
                       "Bến Nghé", "Quận 1", CITIES[buyer % len(CITIES)], "700000",
                       "Hết hàng" if status == "CANCELLED" else None, delivered_at, completed_at, created,
                       trail[-1][1]))
        previous = None
        for state, at in trail:
            actor = buyer_id if state in ("PENDING", "COMPLETED") else owner_id
            events.append((uuid.uuid4(), order_id, actor, previous, state,
                           "Hết hàng" if state == "CANCELLED" else None, at))
            previous = state
    return checkouts, orders, items, events, reviews


def _trail(status: str, created: datetime, now: datetime) -> list[tuple[str, datetime]]:
    """(state, when) from PENDING to `status`; a cancellation happens at PENDING or CONFIRMED."""
    states = (["PENDING", "CONFIRMED", "CANCELLED"] if status == "CANCELLED" and created.microsecond % 2
              else ["PENDING", "CANCELLED"] if status == "CANCELLED"
              else LIFECYCLE[:LIFECYCLE.index(status) + 1])
    trail, at = [], created
    for state in states:
        if state != "PENDING":
            at = min(at + STEP[state], now)
        trail.append((state, at))
    return trail


def _absorb_counters(cursor) -> None:
    """The products' denormalised counters include the generated reviews and delivered units."""
    cursor.execute("""
        UPDATE products p
           SET review_count = p.review_count + r.n, rating_sum = p.rating_sum + r.s,
               average_rating = round((p.rating_sum + r.s)::numeric / (p.review_count + r.n), 2)
          FROM (SELECT product_id, count(*) AS n, sum(rating) AS s FROM reviews WHERE NOT is_hidden
                GROUP BY product_id) r
         WHERE p.id = r.product_id""")
    cursor.execute("""
        UPDATE products p SET sold_count = p.sold_count + d.units
          FROM (SELECT i.product_id, sum(i.quantity) AS units FROM order_items i JOIN orders o ON o.id = i.order_id
                WHERE o.status IN ('DELIVERED', 'COMPLETED') GROUP BY i.product_id) d
         WHERE p.id = d.product_id""")
