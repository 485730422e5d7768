"""The demo catalog: 20 active shops and a pending one, a 3-level category tree, ~500 products.

Deterministic (one seeded Random), fast (bulk flushes; each distinct picture is encoded
once through services/core/images.store_image and then copied under a new random key, so every
product owns its files and deleting one never breaks another), and it never commits:
seed_demo() commits everything at once.
"""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from itertools import product as cartesian

from flask import current_app

from marketplace.extensions import db
from marketplace.models import (
    Category, Product, ProductImage, ProductStatus, ProductVariant, Role, Shop, ShopStatus, User,
)
from marketplace.seed import catalog_data as data
from marketplace.seed import prices as demo_prices
from marketplace.seed.pictures import PicturePool, default_colour, kind_for, render_banner, render_logo, store_png
from marketplace.services.core.text import slugify
from marketplace.services.shops.shops import BANNER_WIDTH, LOGO_SIDE

SEED = 20261126
PRODUCTS_PER_LEAF = 18
MAX_VARIANTS = 6


def seed_catalog(seller: User, password_hash: str) -> dict:
    """Create the demo shops, categories and products (flushes, never commits); returns counts."""
    rng = random.Random(SEED)
    now = datetime.now(timezone.utc)
    leaves = _categories()
    shops = _shops(seller, password_hash, now)
    pictures = PicturePool()
    made = {"shops": len(shops), "leaf_categories": len(leaves), "products": 0, "variants": 0, "images": 0}
    active = [s for s in shops if s["shop"].status == ShopStatus.ACTIVE]
    for leaf in leaves:
        sellers = [s for s in active if leaf["top"] in s["tops"]]
        titles = [f"{b} {m}" for b, m in cartesian(leaf["bases"], leaf["mods"])]
        rng.shuffle(titles)
        for n in range(PRODUCTS_PER_LEAF):
            # a shop never lists the same title twice: it takes the next title it doesn't sell yet
            shop = rng.choice([s for s in sellers if not s["titles"].issuperset(titles)])
            title = next(t for t in titles[n % len(titles):] + titles if t not in shop["titles"])
            shop["titles"].add(title)
            counts = _product(rng, now, pictures, leaf, shop, title)
            for key, value in counts.items():
                made[key] += value
    _draft_a_few(seller)
    db.session.flush()
    return made


def _categories() -> list[dict]:
    leaves = []
    for top_pos, (top_name, (rgb, middles)) in enumerate(data.CATEGORIES.items()):
        top = _category(top_name, None, top_pos)
        for mid_pos, (mid_name, leaf_specs) in enumerate(middles.items()):
            middle = _category(mid_name, top, mid_pos)
            for leaf_pos, (leaf_name, (scheme, prices, bases, mods)) in enumerate(leaf_specs.items()):
                leaves.append({"category": _category(leaf_name, middle, leaf_pos), "top": top_name, "rgb": rgb,
                               "scheme": scheme, "prices": prices, "bases": bases, "mods": mods})
    db.session.flush()
    return leaves


def _category(name: str, parent: Category | None, position: int) -> Category:
    category = Category(id=uuid.uuid4(), name=name, slug=slugify(name), position=position,
                        parent_id=parent.id if parent else None)
    db.session.add(category)
    return category


def _shops(seller: User, password_hash: str, now: datetime) -> list[dict]:
    shops = [_shop(seller, data.DEMO_SHOP, ShopStatus.ACTIVE, now, "BINH", 0)]
    for n, spec in enumerate(data.SHOPS + [data.PENDING_SHOP], start=1):
        owner = User(id=uuid.uuid4(), email=f"shop{n:02d}@demo.marketplace", phone=f"+84902000{n:03d}",
                     full_name=data.OWNER_NAMES[n - 1], password_hash=password_hash, is_verified=True,
                     role=Role.SELLER)
        db.session.add(owner)
        status = ShopStatus.PENDING if spec is data.PENDING_SHOP else ShopStatus.ACTIVE
        shops.append(_shop(owner, spec, status, now, f"S{n:02d}", n))
    db.session.flush()
    return shops


def _shop(owner: User, spec: tuple, status: ShopStatus, now: datetime, code: str, n: int) -> dict:
    name, slug, description, lang, tops = spec
    colour = data.SHOP_COLOURS[n % len(data.SHOP_COLOURS)]
    kinds = data.SHOP_EMBLEMS.get(slug, []) + [k for top in tops for k in data.TOP_KINDS[top]]
    joined = now - timedelta(days=160 + (n * 97) % 700)  # shops joined over the last two years
    shop = Shop(id=uuid.uuid4(), owner_id=owner.id, name=name, slug=slug, description=description, status=status,
                created_at=joined, approved_at=joined + timedelta(days=2) if status == ShopStatus.ACTIVE else None,
                logo_key=store_png(render_logo(name, colour, kinds[0]), "logos", LOGO_SIDE),
                banner_key=store_png(render_banner(colour, [(k, data.BANNER_COLOURS[i]) for i, k in enumerate(kinds[:3])]),
                                     "banners", BANNER_WIDTH))
    db.session.add(shop)
    return {"shop": shop, "lang": lang, "tops": tops, "code": code, "count": 0, "titles": set()}


def _price(rng: random.Random, low: int, high: int) -> int:
    """A price in the leaf's range (thousands of đồng), most of them near its low end, as in shops."""
    return demo_prices.price(round(rng.triangular(low, high, low)) * 1000, current_app.config["CURRENCY"])


def _options(rng: random.Random, scheme: str, lang: str) -> list[tuple[str, list[str], list[int]]]:
    """[(option name, chosen values, their index in the full list)] with at most MAX_VARIANTS combinations."""
    chosen, combos = [], 1
    for vi_name, vi_values, en_name, en_values in data.OPTION_SCHEMES[scheme]:
        name, values = (vi_name, vi_values) if lang == "vi" else (en_name, en_values)
        room = max(1, MAX_VARIANTS // combos)
        indexes = sorted(rng.sample(range(len(values)), rng.randint(1, min(3, len(values), room))))
        chosen.append((name, [values[i] for i in indexes], indexes))
        combos *= len(indexes)
    return chosen


def _product(rng, now, pictures: PicturePool, leaf: dict, shop: dict, title: str) -> dict:
    product_id = uuid.uuid4()
    options = _options(rng, leaf["scheme"], shop["lang"])
    colour = next((o for o in options if o[0] in ("Màu", "Colour")), None)
    kind = kind_for(title)
    images, by_colour = [], {}
    for value in colour[1] if colour else [None]:
        image = _image(product_id, pictures.take(kind, _rgb(kind, title, value)), len(images))
        images.append(image)
        by_colour[value] = image.id
    # the gallery: each colour from the front, then a close-up (when there is room) and the product in use
    first = _rgb(kind, title, colour[1][0] if colour else None)
    extra = ("detail", "lifestyle") if len(images) == 1 else ("lifestyle",)
    images += [_image(product_id, pictures.take(kind, first, angle), len(images) + n) for n, angle in enumerate(extra)]
    base = _price(rng, *leaf["prices"])
    variants = []
    combos = list(cartesian(*[list(zip(values, indexes)) for _, values, indexes in options])) or [()]
    shop["count"] += 1
    for position, combo in enumerate(combos[:MAX_VARIANTS]):
        price = base
        for (name, _, _), (_, index) in zip(options, combo):
            price = demo_prices.scaled(price, data.PRICE_STEPS.get(name, 1.0) ** index, current_app.config["CURRENCY"])
        values = {name: value for (name, _, _), (value, _) in zip(options, combo)}
        stock = 0 if rng.random() < 0.08 else rng.randint(1, 200)
        variants.append(ProductVariant(
            id=uuid.uuid4(), product_id=product_id, shop_id=shop["shop"].id, position=position,
            sku=f"{shop['code']}-{shop['count']:04d}-{position + 1}", options=values,
            name=" / ".join(values.values()) or ("Mặc định" if shop["lang"] == "vi" else "Standard"),
            price=price, stock=stock, image_id=by_colour.get(values.get(colour[0]) if colour else None)))
    lines = rng.sample(data.DESCRIPTION_LINES, 2)
    product = Product(
        id=product_id, shop_id=shop["shop"].id, category_id=leaf["category"].id, title=title,
        description=f"{title}. {lines[0]}\n\n{lines[1]}", status=ProductStatus.ACTIVE,
        min_price=min(v.price for v in variants),
        created_at=now - timedelta(minutes=rng.randint(0, 120 * 24 * 60)),
    )
    db.session.add(product)
    db.session.add_all(images)
    db.session.add_all(variants)
    return {"products": 1, "variants": len(variants), "images": len(images)}


def _rgb(kind: str, title: str, colour_value: str | None) -> tuple[int, int, int]:
    return data.COLOUR_RGB[colour_value] if colour_value else default_colour(kind, title)


def _image(product_id: uuid.UUID, stored, position: int) -> ProductImage:
    return ProductImage(id=uuid.uuid4(), product_id=product_id, storage_key=stored.key, thumb_key=stored.thumb_key,
                        position=position, width=stored.width, height=stored.height)


def _draft_a_few(seller: User) -> None:
    """The demo seller also has two unpublished drafts to show in the seller center."""
    db.session.flush()
    drafts = db.session.scalars(
        db.select(Product).join(Shop, Shop.id == Product.shop_id).where(Shop.owner_id == seller.id)
        .order_by(Product.created_at).limit(2)
    ).all()
    for product in drafts:
        product.status = ProductStatus.DRAFT
