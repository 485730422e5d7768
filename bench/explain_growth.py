"""The plans that say how each benchmarked read grows with the catalogue: run it on both sizes.

    DATABASE_URL=postgresql://.../mp_bench   .venv/bin/python bench/explain_growth.py > plans-100k.txt
    DATABASE_URL=postgresql://.../mp_bench1m .venv/bin/python bench/explain_growth.py > plans-1m.txt

For each statement: its database time warm (the best of three) and the plan's nodes with the rows
they read, so the two sizes compare line by line (bench/README.md, "Ten times the catalogue").
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.models import Product, ProductStatus  # noqa: E402
from marketplace.services.admin import admin_figures  # noqa: E402
from marketplace.services.catalog import listing_queries, product_queries  # noqa: E402
from marketplace.services.catalog.category_queries import get_tree  # noqa: E402
from marketplace.services.catalog.listing_queries import ListingQuery, Sort  # noqa: E402


def plan(label: str, statement) -> None:
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    cursor = db.session.connection().connection.driver_connection.cursor()
    best, root = None, None
    for _ in range(3):
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + str(compiled), compiled.params)
        result = cursor.fetchone()[0][0]
        if best is None or result["Execution Time"] < best:
            best, root = result["Execution Time"], result["Plan"]
    print(f"== {label}: {best:.1f} ms")

    def walk(node, depth=0):
        reads = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
        what = node["Node Type"] + (f" using {node['Index Name']}" if "Index Name" in node else "") + (
            f" on {node['Relation Name']}" if "Relation Name" in node else "")
        removed = node.get("Rows Removed by Filter", 0) * node.get("Actual Loops", 1)
        print(f"{'  ' * depth}{what}: {reads:,} rows" + (f" ({removed:,} filtered out)" if removed else ""))
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(root)
    print()


def main() -> None:
    app = create_app()
    with app.app_context():
        print(f"{db.session.scalar(select(func.count()).select_from(Product)):,} products\n")
        tree = get_tree()
        top = max(tree.roots, key=lambda node: len(tree.subtree_ids(node.id)))
        ids = tree.subtree_ids(top.id)
        plan("home shelf: best sellers, 8 cards", listing_queries.listing_statement(
            ListingQuery(sort=Sort.BEST_SELLING, limit=8)))
        plan(f"category first page: {top.name}, newest", listing_queries.listing_statement(
            ListingQuery(category_ids=ids, sort=Sort.NEWEST)))
        plan(f"category first page: {top.name}, price, in stock, 4 stars and up", listing_queries.listing_statement(
            ListingQuery(category_ids=ids, sort=Sort.PRICE_ASC, in_stock=True, min_rating=4)))
        for words in ("ao", "ca phe", "sac"):
            plan(f"search by relevance: {words!r}", listing_queries.listing_statement(
                ListingQuery(text=words, sort=Sort.RELEVANCE)))
        product_id = db.session.scalar(select(Product.id).where(Product.status == ProductStatus.ACTIVE).limit(1))
        plan("product page", product_queries._detail_statement().params(product_id=product_id))
        plan("admin dashboard: platform counts", admin_figures.platform_counts_statement())


if __name__ == "__main__":
    main()
