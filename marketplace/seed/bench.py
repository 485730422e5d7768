"""`flask seed-bench`: a large generated catalog for benchmarks and EXPLAIN plans.

100,000 products / ~300,000 variants / 1,000 shops (+ owners, a 3-level tree of ~370
categories, one picture row per product), plus buyers with addresses, an admin and past
orders for the buyer / seller / admin scenarios (bench_people.py), loaded with PostgreSQL
COPY in chunks, then ANALYZEd. Rows are generated in Python from a seeded Random, so two runs build the same
catalog (ids aside). Run it on an empty database: it refuses to mix with existing products.
"""
from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Product, User
from marketplace.seed import catalog_data as data
from marketplace.seed import prices as demo_prices
from marketplace.seed.bench_people import DOMAIN, seed_people
from marketplace.seed.copying import copy_ahead, copy_rows
from marketplace.seed.pictures import PicturePool, kind_for
from marketplace.services.core.text import slugify

CHUNK = 10_000
# The tables the seed fills by the hundred thousand. Their secondary indexes are built and their foreign keys
# checked once, after the rows are in (built_after_loading): a B-tree or GIN index built from every row at
# once is a sort, where one kept up row by row is a random write per row and index (products have 13).
BULK_TABLES = ("products", "product_variants", "product_images", "checkout_requests", "orders", "order_items",
               "order_events", "reviews")
# Off while the catalog is copied: the 'catalog' version (bumped once at the end) and the product
# page versions (migration perf04: each copied picture or variant would rewrite its product row).
CATALOG_TRIGGERS = [("products", "products_catalog_version"), ("product_images", "product_images_catalog_version"),
                    ("shops", "shops_catalog_version"), ("product_variants", "variants_catalog_version"),
                    ("product_images", "product_images_page_version_insert"),
                    ("product_variants", "product_variants_page_version_insert")]
EXTRA_TOPS = ["Sách & Văn phòng phẩm", "Mẹ & Bé", "Ô tô & Xe máy", "Thú cưng"]
EXTRA_WORDS = ["Pro", "Plus", "Mini", "Max", "2026", "chính hãng", "giá rẻ", "cao cấp", "new", "limited",
               "xịn", "best seller", "Hàn Quốc", "Nhật Bản", "handmade", "eco"]


@contextmanager
def built_after_loading(cursor, tables: tuple[str, ...] = BULK_TABLES, echo=lambda *_: None) -> Iterator[None]:
    """Drop `tables`' secondary indexes and foreign keys, let the caller load them, then build the same
    indexes and add the same foreign keys again (their definitions as the database states them:
    pg_get_indexdef, pg_get_constraintdef), in the caller's transaction.

    Loading with them would check each row's references one lookup at a time and write each index entry
    at a random place; built afterwards, an index is one sort and a foreign key one join of the whole
    table against what it references. Nothing is given up: a unique index refuses a duplicate the load
    let in when it is built again, and a foreign key added again checks every row it covers, before
    anything commits. Indexes that back a constraint (primary keys, UNIQUE) stay. From here on the
    transaction checks every constraint immediately (see below): call it after what needs them deferred."""
    cursor.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
          FROM pg_index i
         WHERE i.indrelid = ANY (%s::regclass[])
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
         ORDER BY i.indrelid::regclass::text, 1""", (list(tables),))
    indexes = cursor.fetchall()
    cursor.execute("""
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
          FROM pg_constraint
         WHERE contype = 'f' AND conrelid = ANY (%s::regclass[])
         ORDER BY conrelid::regclass::text, conname""", (list(tables),))
    keys = cursor.fetchall()
    # A table with trigger events still queued for COMMIT (deferred cache-version bumps) cannot be altered
    # or indexed: they fire now, and the rest of the transaction checks its constraints immediately.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table, name, _ in keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    started = time.perf_counter()
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # each index's sort in memory, not on disk
    cursor.execute("SET LOCAL work_mem = '256MB'")  # each foreign key's check: one hash join in memory
    for _, definition in indexes:
        cursor.execute(definition)
    echo(f"  {len(indexes)} indexes built: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    for table, name, definition in keys:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    echo(f"  {len(keys)} foreign keys checked: {time.perf_counter() - started:.1f} s")


def _vocabulary() -> tuple[list[tuple[str, list[str]]], list[str]]:
    """(top name, base product names) per demo top level, and every modifier."""
    tops, mods = [], []
    for top, (_, middles) in data.CATEGORIES.items():
        bases = []
        for leaves in middles.values():
            for _, _, names, modifiers in leaves.values():
                bases += names
                mods += modifiers
        tops.append((top, bases))
    everything = [b for _, names in tops for b in names]
    tops += [(name, everything) for name in EXTRA_TOPS]
    return tops, mods


# thumb_key: the product's one picture (migration perf07's trigger, off here with the page versions', would
# rewrite each product row to set it)
PRODUCT_COLUMNS = ("id", "shop_id", "category_id", "title", "description", "status", "min_price", "rating_sum",
                   "review_count", "average_rating", "sold_count", "created_at", "updated_at", "thumb_key")
VARIANT_COLUMNS = ("id", "product_id", "shop_id", "sku", "options", "name", "price", "stock", "position", "deleted_at",
                   "created_at")
IMAGE_COLUMNS = ("id", "product_id", "storage_key", "thumb_key", "position", "width", "height", "created_at")
PRODUCT_STATUSES = ["ACTIVE"] * 95 + ["DRAFT"] * 2 + ["HIDDEN"] * 2 + ["DELETED"]
SIZES = ["S", "M", "L", "XL", "XXL"]


def _catalogue(rng: random.Random, now: datetime, currency: str, products: int, shop_ids: list, shop_status: list,
               leaves: list, mods: list[str], pictures: PicturePool, sample: list, big_shop_sample: list):
    """The products, their pictures and variants, CHUNK products a batch (copying.Batch), in that order (the
    foreign keys'). Appends the visible first variants that past orders will buy to `sample` (5 % of them)
    and `big_shop_sample` (all of the big shop's) as it goes."""
    size_step = demo_prices.amount(125_000, currency)  # each bigger size: 125.000 ₫ or $5 more
    # one front picture per (kind, colour), shared by every product that shows it: at most
    # len(KINDS) x 6 pictures, drawn once each, whatever the number of products
    kinds = {base: kind_for(base) for _, bases in _vocabulary()[0] for base in bases}
    shops = len(shop_ids)
    for start in range(0, products, CHUNK):
        product_rows, variant_rows, image_rows = [], [], []
        for n in range(start, min(start + CHUNK, products)):
            product_id, shop_index = uuid.uuid4(), rng.randrange(shops)
            category_id, bases = rng.choice(leaves)
            base = rng.choice(bases)
            title = f"{base} {rng.choice(mods)} {rng.choice(EXTRA_WORDS)} {n % 997}"
            base_price = demo_prices.price(rng.randint(50, 50_000) * 1000, currency)  # 59.000 ₫ to 49.999.000 ₫; $1.99 to $1999.99
            status = rng.choice(PRODUCT_STATUSES)
            prices, colours = [], []
            for k in range(rng.choice((1, 2, 3, 3, 4, 5))):
                price, variant_id = base_price + k * size_step, uuid.uuid4()
                prices.append(price)
                deleted = now if rng.random() < 0.02 else None
                colours.append(rng.choice(data.COLOURS_VI))
                variant_rows.append((variant_id, product_id, shop_ids[shop_index], f"B{n}-{k}",
                                     {"Màu": colours[-1], "Size": SIZES[k]},
                                     f"{SIZES[k]}", price, 0 if rng.random() < 0.1 else rng.randint(1, 500), k,
                                     deleted, now))
                if status == "ACTIVE" and shop_status[shop_index] == "ACTIVE" and deleted is None and k == 0:
                    bought = (product_id, variant_id, shop_ids[shop_index], title, SIZES[k], f"B{n}-{k}", price)
                    if shop_index == 0:
                        big_shop_sample.append(bought)
                    elif rng.random() < 0.05:
                        sample.append(bought)
            reviews = 0 if rng.random() < 0.3 else rng.randint(1, 400)
            rating_sum = round(rng.uniform(2.5, 5.0) * reviews)
            created = now - timedelta(seconds=rng.randint(0, 730 * 86400))
            picture = pictures.take(kinds[base], data.COLOUR_RGB[colours[0]], copy=False)
            product_rows.append((product_id, shop_ids[shop_index], category_id, title,
                                 f"{title}. {rng.choice(data.DESCRIPTION_LINES)}\n\n{rng.choice(data.DESCRIPTION_LINES)}",
                                 status, min(prices), rating_sum, reviews,
                                 f"{rating_sum / reviews:.2f}" if reviews else "0",
                                 0 if rng.random() < 0.2 else int(rng.paretovariate(1.1) * 5), created, created,
                                 picture.thumb_key))
            image_rows.append((uuid.uuid4(), product_id, picture.key, picture.thumb_key, 0, picture.width,
                               picture.height, created))
        yield [("products", PRODUCT_COLUMNS, product_rows), ("product_images", IMAGE_COLUMNS, image_rows),
               ("product_variants", VARIANT_COLUMNS, variant_rows)]


def seed_bench(products: int = 100_000, shops: int = 1_000, password_hash: str = "!", seed: int = 7,
               buyers: int = 20_000, orders: int = 200_000, echo=print) -> dict:
    """Build the benchmark catalog in the current transaction (the caller commits)."""
    if db.session.scalar(select(func.count()).select_from(Product)):
        raise RuntimeError("seed-bench needs a database without products: create a fresh one for it.")
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    currency = current_app.config["CURRENCY"]
    started = time.perf_counter()
    cursor = db.session.connection().connection.driver_connection.cursor()
    # The 'catalog' version is bumped once at the end. Since perf03 its triggers would bump it only once
    # per COMMIT anyway, but each copied row would still queue a deferred event (five per product) to fire
    # there. Reviews (bench_people.py) keep theirs: one event per review, one bump.
    for table, trigger in CATALOG_TRIGGERS:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")

    owner_ids = [uuid.uuid4() for _ in range(shops)]
    copy_rows(cursor, "users", ("id", "email", "full_name", "password_hash", "role", "status", "is_verified",
                                "session_version", "created_at"),
              ((owner_ids[n], f"bench-seller-{n}@{DOMAIN}", f"Bench Seller {n}", password_hash, "SELLER", "ACTIVE",
                True, 1, now) for n in range(shops)))
    shop_ids = [uuid.uuid4() for _ in range(shops)]
    statuses = ["ACTIVE"] * 96 + ["SUSPENDED"] * 2 + ["PENDING"] * 2
    shop_status = ["ACTIVE"] + [rng.choice(statuses) for _ in range(shops - 1)]
    copy_rows(cursor, "shops", ("id", "owner_id", "name", "slug", "description", "status", "approved_at", "created_at"),
              ((shop_ids[n], owner_ids[n], f"Shop {n:04d}", f"bench-shop-{n:04d}", "A benchmark shop.",
                shop_status[n], now, now) for n in range(shops)))

    tops, mods = _vocabulary()
    category_rows, leaves = [], []  # leaves: (category id, base names of its top level)
    for t, (top_name, bases) in enumerate(tops):
        top_id = uuid.uuid4()
        category_rows.append((top_id, None, top_name, slugify(top_name), t, now))
        for m in range(6):
            mid_id = uuid.uuid4()
            category_rows.append((mid_id, top_id, f"{top_name} · nhóm {m + 1}", f"{slugify(top_name)}-{m + 1}", m, now))
            for leaf in range(5):
                leaf_id = uuid.uuid4()
                category_rows.append((leaf_id, mid_id, f"{top_name} · nhóm {m + 1}.{leaf + 1}",
                                      f"{slugify(top_name)}-{m + 1}-{leaf + 1}", leaf, now))
                leaves.append((leaf_id, bases))
    copy_rows(cursor, "categories", ("id", "parent_id", "name", "slug", "position", "created_at"), category_rows)
    echo(f"  owners, shops, categories: {time.perf_counter() - started:.1f} s")

    with built_after_loading(cursor, echo=echo):
        made = {"products": 0, "variants": 0, "images": 0}
        sample, big_shop_sample = [], []  # visible variants that past orders will have bought
        # Each chunk is generated (in a worker thread) while the one before is copied.
        chunks = _catalogue(rng, now, currency, products, shop_ids, shop_status, leaves, mods,
                            pictures=PicturePool(folder="bench"), sample=sample, big_shop_sample=big_shop_sample)
        for counts in copy_ahead(cursor, chunks):
            made["products"] += counts["products"]
            made["images"] += counts["product_images"]
            made["variants"] += counts["product_variants"]
            echo(f"  {made['products']:,} products, {made['variants']:,} variants: {time.perf_counter() - started:.1f} s")
        for table, trigger in CATALOG_TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        cursor.execute("UPDATE cache_versions SET version = nextval('cache_versions_seq') WHERE name = 'catalog'")
        for table in ("users", "shops", "categories", "products", "product_variants", "product_images"):
            cursor.execute(f"ANALYZE {table}")
        if buyers and orders and sample:
            made.update(seed_people(cursor, rng, now, password_hash, buyers=buyers, orders=orders, sample=sample,
                                    big_shop_sample=big_shop_sample, currency=currency,
                                    shipping_fee=current_app.config["SHIPPING_FEE"],
                                    owners=dict(zip(shop_ids, owner_ids)), echo=echo))
            echo(f"  {buyers:,} buyers, {orders:,} orders: {time.perf_counter() - started:.1f} s")
    made.update(shops=shops, categories=len(category_rows), seconds=round(time.perf_counter() - started, 1))
    return made


def has_bench_people() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(User).where(User.email == f"admin@{DOMAIN}")))


def complete_bench(password_hash: str, buyers: int = 20_000, orders: int = 200_000, seed: int = 7,
                   echo=print) -> dict:
    """Add the people and history (bench_people.py) to a benchmark catalog built without them.

    Orders buy from the catalog as it is: 5 % of the visible first variants, plus every one of
    `bench-shop-0000` (the big shop). Bench sellers get `password_hash` too (cheap bcrypt rounds).
    """
    if not db.session.scalar(select(func.count()).select_from(Product)):
        raise RuntimeError("complete_bench needs a catalog: run seed-bench on an empty database instead.")
    if has_bench_people():
        raise RuntimeError("The benchmark database already has its buyers and orders.")
    rng = random.Random(seed)
    started, now = time.perf_counter(), datetime.now(timezone.utc)
    cursor = db.session.connection().connection.driver_connection.cursor()
    cursor.execute("UPDATE users SET password_hash = %s WHERE email LIKE %s", (password_hash, f"bench-seller-%@{DOMAIN}"))
    cursor.execute("""
        SELECT p.id, v.id, p.shop_id, p.title, v.name, v.sku, v.price, s.slug = 'bench-shop-0000'
          FROM product_variants v JOIN products p ON p.id = v.product_id JOIN shops s ON s.id = p.shop_id
         WHERE v.position = 0 AND v.deleted_at IS NULL AND p.status = 'ACTIVE' AND s.status = 'ACTIVE'
         ORDER BY v.id""")
    sample, big_shop_sample = [], []
    for *row, big in cursor.fetchall():
        if big:
            big_shop_sample.append(tuple(row))
        elif rng.random() < 0.05:
            sample.append(tuple(row))
    cursor.execute("SELECT id, owner_id FROM shops")
    owners = dict(cursor.fetchall())
    with built_after_loading(cursor, echo=echo):
        made = seed_people(cursor, rng, now, password_hash, buyers=buyers, orders=orders, sample=sample,
                           big_shop_sample=big_shop_sample, currency=current_app.config["CURRENCY"],
                           shipping_fee=current_app.config["SHIPPING_FEE"], owners=owners, echo=echo)
    made["seconds"] = round(time.perf_counter() - started, 1)
    return made
