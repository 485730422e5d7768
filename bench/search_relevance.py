"""What ranking only the best-selling matches costs in relevance, and what it saves in time.

    DATABASE_URL=postgresql://.../mp_bench .venv/bin/python bench/search_relevance.py [--markdown] [word ...]

A search sorted by relevance ranks at most RELEVANCE_CANDIDATES of its matches, the best
sellers among them (services/catalog/listing_queries.py). For each query this prints how many
products match; the database time (EXPLAIN ANALYZE) of the first page both ways, exact (every
match ranked, as before) and bounded (the app's statement), as the first run in this process
and the best of five more; and how much of the exact first page (24 cards) the bounded one
keeps: the overlap, and whether the exact best match is on it.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.models import Product, Shop  # noqa: E402
from marketplace.services.catalog import listing_queries, search  # noqa: E402
from marketplace.services.catalog.listing_queries import ListingQuery, Sort  # noqa: E402
from marketplace.services.catalog.visibility import visible_condition  # noqa: E402

PAGE = 24
# Broad words of the generated catalog (seed/catalog_data.py), a two-word phrase, and narrower ones.
QUERIES = ["ao", "ca phe", "laptop", "tai nghe", "giay", "son", "ao thun nam", "tai nghe bluetooth",
           "ban phim co", "kem chong nang spf50"]


def exact_statement(q: str):
    """Every match ranked: the statement before the candidate bound (same rank, same visibility)."""
    tsquery = search.ts_query("q")
    rank = search.rank(tsquery)
    return (select(Product.id, rank.label("rank")).join(Shop, Shop.id == Product.shop_id)
            .where(visible_condition(), search.matches(tsquery))
            .order_by(rank.desc(), Product.id.desc()).limit(PAGE + 1)
            .params(q=search.normalize_query(q)))


def bounded_statement(q: str):
    return listing_queries.listing_statement(ListingQuery(text=q, sort=Sort.RELEVANCE, limit=PAGE))


def timed(statement) -> tuple[list, int, float, float]:
    """(ids of the first page, how many of them match in the title, ms of the first run, best ms of five
    more) in database time."""
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    cursor = db.session.connection().connection.driver_connection.cursor()
    times = []
    for _ in range(6):
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled), compiled.params)
        times.append(cursor.fetchone()[0][0]["Execution Time"])
    cursor.execute(str(compiled), compiled.params)
    rows = cursor.fetchall()[:PAGE]
    ids = [row[0] for row in rows]
    in_title = sum(1 for row in rows if row[-1] >= 1)  # the rank: 1 + score when the title matches
    return ids, in_title, times[0], min(times[1:])


def main() -> None:
    markdown = "--markdown" in sys.argv
    words = [a for a in sys.argv[1:] if not a.startswith("--")] or QUERIES
    for arg in sys.argv[1:]:
        if arg.startswith("--candidates="):  # try another bound than the app's
            listing_queries.RELEVANCE_CANDIDATES = int(arg.split("=", 1)[1])
    app = create_app()
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Product))
        print(f"{total:,} products; RELEVANCE_CANDIDATES = {listing_queries.RELEVANCE_CANDIDATES:,}\n")
        header = ("query", "matches", "exact first/warm ms", "bounded first/warm ms", "overlap of 24",
                  "best match kept", "title matches exact/bounded")
        print(("| " + " | ".join(header) + " |\n|" + "---|" * len(header)) if markdown else
              f"{header[0]:<24} {header[1]:>9} {header[2]:>20} {header[3]:>22} {header[4]:>14} {header[5]:>15} "
              f"{header[6]:>28}")
        for q in words:
            matches = db.session.scalar(
                select(func.count()).select_from(Product).join(Shop, Shop.id == Product.shop_id)
                .where(visible_condition(), search.matches(search.ts_query("q"))), {"q": search.normalize_query(q)})
            exact, exact_titles, exact_first, exact_warm = timed(exact_statement(q))
            bounded, bounded_titles, bounded_first, bounded_warm = timed(bounded_statement(q))
            overlap = len(set(exact) & set(bounded))
            kept = "yes" if not exact or exact[0] in bounded else "no"
            cells = (q, f"{matches:,}", f"{exact_first:.1f} / {exact_warm:.1f}",
                     f"{bounded_first:.1f} / {bounded_warm:.1f}", f"{overlap}/{len(exact)}", kept,
                     f"{exact_titles} / {bounded_titles}")
            print(("| " + " | ".join(cells) + " |") if markdown else
                  f"{cells[0]:<24} {cells[1]:>9} {cells[2]:>20} {cells[3]:>22} {cells[4]:>14} {cells[5]:>15} "
                  f"{cells[6]:>28}")


if __name__ == "__main__":
    main()
