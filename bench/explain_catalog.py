"""Print EXPLAIN (ANALYZE, BUFFERS) of the storefront's catalog queries, exactly as the app builds them.

    DATABASE_URL=postgresql://.../mp_bench .venv/bin/python bench/explain_catalog.py [--markdown]

Run it against a database filled by `flask seed-bench`. Each statement runs three times
first so the plans show a warm cache, as a busy server would have.
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.models import Product, Shop  # noqa: E402
from marketplace.services.catalog import listing_queries, product_queries, search  # noqa: E402
from marketplace.services.catalog.category_queries import get_tree  # noqa: E402
from marketplace.services.catalog.listing_queries import ListingQuery, Sort  # noqa: E402
from marketplace.services.catalog.visibility import visible_condition  # noqa: E402


def explain(label: str, statement, markdown: bool) -> None:
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    cursor = db.session.connection().connection.driver_connection.cursor()
    for _ in range(3):
        cursor.execute(str(compiled), compiled.params)
        cursor.fetchall()
    started = time.perf_counter()
    cursor.execute(str(compiled), compiled.params)
    rows = len(cursor.fetchall())
    wall = (time.perf_counter() - started) * 1000
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params)
    plan = "\n".join(row[0] for row in cursor.fetchall())
    if markdown:
        print(f"#### {label}\n\n{rows} rows, {wall:.1f} ms measured from Python.\n\n```\n{plan}\n```\n")
    else:
        print(f"== {label} ({rows} rows, {wall:.1f} ms)\n{plan}\n")


def main() -> None:
    markdown = "--markdown" in sys.argv
    app = create_app()
    with app.app_context():
        tree = get_tree()
        sizes = dict(db.session.execute(
            select(Product.category_id, func.count()).group_by(Product.category_id)).all())

        def size(node):
            return sum(sizes.get(i, 0) for i in tree.subtree_ids(node.id))

        top = max(tree.roots, key=size)
        middle = tree.children(top)[0]
        leaf = min((n for n in tree.walk() if not n.child_ids and size(n)), key=size)
        print(f"{'### ' if markdown else ''}Home page shelves\n")
        for sort in (Sort.BEST_SELLING, Sort.NEWEST):
            explain(f"home: {sort.value}, 8 cards", listing_queries.listing_statement(ListingQuery(sort=sort, limit=8)),
                    markdown)
        for node in (top, middle, leaf):
            ids = tree.subtree_ids(node.id)
            print(f"{'### ' if markdown else ''}Category “{node.name}”: {len(ids)} categories, "
                  f"{size(node):,} products (all statuses)\n")
            for sort in [s for s in Sort if s != Sort.RELEVANCE]:
                explain(f"category listing, sort={sort.value}",
                        listing_queries.listing_statement(ListingQuery(category_ids=ids, sort=sort)), markdown)
            explain("category listing, sort=price_asc, min_price + min_rating + in_stock filters",
                    listing_queries.listing_statement(ListingQuery(category_ids=ids, sort=Sort.PRICE_ASC, min_price=5000,
                                                           min_rating=4, in_stock=True)), markdown)
            page, number = listing_queries.list_products(ListingQuery(category_ids=ids, sort=Sort.BEST_SELLING)), 2
            while number < 40:
                after = listing_queries.list_products(ListingQuery(category_ids=ids, sort=Sort.BEST_SELLING,
                                                           cursor=page.next_cursor))
                if not after.next_cursor:
                    break
                page, number = after, number + 1
            explain(f"category listing, sort=best_selling, page {number} (keyset cursor)",
                    listing_queries.listing_statement(ListingQuery(category_ids=ids, sort=Sort.BEST_SELLING,
                                                           cursor=page.next_cursor)), markdown)
        print(f"{'### ' if markdown else ''}Search\n")
        for q, sort in (("ao thun", None), ("tai nghe chong on", None), ("ca phe", Sort.PRICE_ASC),
                        ("cafe", None)):
            explain(f"search q={q!r}, sort={(sort or Sort.RELEVANCE).value}",
                    listing_queries.listing_statement(ListingQuery(text=q, sort=sort)), markdown)
        tsquery = func.to_tsquery(search._SIMPLE, search.prefix_tsquery_text("ao th"))
        explain("suggestions q='ao th'", select(Product.id, Product.title).join(Shop, Shop.id == Product.shop_id)
                .where(visible_condition(), search.matches(tsquery))
                .order_by(Product.sold_count.desc(), Product.id.desc()).limit(8), markdown)
        product_id = db.session.scalar(select(Product.id).join(Shop, Shop.id == Product.shop_id)
                                       .where(visible_condition()).limit(1))
        explain("product detail: the product, its shop, variants and images (one statement)",
                product_queries._detail_statement().params(product_id=product_id), markdown)


if __name__ == "__main__":
    main()
