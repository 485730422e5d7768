"""The demo catalogue's titles for the search tests, inserted in bulk (drawing the demo's pictures would
take twenty seconds): every base name with every modifier of each leaf of seed/catalog_data.py, in a
category per leaf, plus the iPhone cases shoppers ask for."""
import uuid
from itertools import product as cartesian

from sqlalchemy import insert

from marketplace.extensions import db
from marketplace.models import Product, ProductStatus
from marketplace.seed import catalog_data
from tests.factories import make_category, make_shop

IPHONE_CASES = ["Ốp lưng iPhone 15 Pro Max chống sốc", "Ốp lưng iPhone 14 trong suốt", "iPhone case MagSafe"]


def demo_titles() -> dict[str, list[str]]:
    """{leaf category name: its titles}."""
    titles = {}
    for _, middles in catalog_data.CATEGORIES.values():
        for leaves in middles.values():
            for leaf, (_, _, bases, modifiers) in leaves.items():
                titles[leaf] = [f"{base} {modifier}" for base, modifier in cartesian(bases, modifiers)]
    titles["Ốp lưng & phụ kiện"] += IPHONE_CASES
    return titles


def seed_demo_titles(price: int = 15_000) -> dict[str, object]:
    """One active shop selling every demo title (one product each); returns the leaf categories by name."""
    shop = make_shop(name="Chợ Demo")
    categories, rows = {}, []
    for n, (leaf, titles) in enumerate(demo_titles().items()):
        categories[leaf] = make_category(name=leaf, slug=f"demo-leaf-{n}")
        rows += [{"id": uuid.uuid4(), "shop_id": shop.id, "category_id": categories[leaf].id, "title": title,
                  "description": f"{title}. Hàng chính hãng.", "status": ProductStatus.ACTIVE,
                  "min_price": price + 1_000 * (k % 7), "sold_count": k % 11}
                 for k, title in enumerate(titles)]
    db.session.execute(insert(Product), rows)
    return categories
