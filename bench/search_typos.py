"""What forgiving a typo costs: the catalogue's words, the correction, a typo search end to end.

    DATABASE_URL=postgresql://.../mp_bench .venv/bin/python bench/search_typos.py [--rounds 5]

Run it against a database filled by `flask seed-bench` (then `flask db upgrade` past srch01), in
process, without the page cache and with the listing caches emptied before every request, so
every search is a new one (the "cold" case; a repeated search is a page-cache hit). Prints:

- the words (search_words): how many, and the time to load them into a process (once per
  process and catalog version);
- the correction alone (services/catalog/spelling.correct), per typo;
- GET /search?q=<typo> end to end (Flask test client: the view, its SQL, the template), per
  typo, with its SQL statements and their database time, interleaved with the same search
  without the typo and with GET /search/facets for the corrected words (the fragment the page
  loads next);
- EXPLAIN ANALYZE of the statements of one typo search.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from config import config_from_env  # noqa: E402
from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.services.catalog import spelling, storefront_cache  # noqa: E402

# Typos over the generated catalogue's words (seed/catalog_data.py, seed/bench.py): the list of
# tests/integration/test_search_typos.py without the iPhone cases the generator doesn't make.
TYPOS = ["hodie", "tai nge", "sneker", "bluetoth", "lapop", "wirless mouse", "jaket", "bomer jacket", "backpak",
         "matca latte", "expresso", "sunscren", "lipstik", "monstra", "tumblr", "ultrabok", "karaok", "hoodei",
         "clenser", "robosta", "herbel tea", "chuot gamming", "ao khoat", "kem chong nag", "dep quai ngag",
         "tainghe", "caphe", "aothun"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.2f} ms, p95 {percentile(values, 0.95):.2f} ms, max {max(values):.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    config = type("BenchTypos", (config_from_env(),), {"PAGE_CACHE_SIZE": 0, "RATELIMIT_ENABLED": False})
    app = create_app(config)
    client = app.test_client()
    with app.app_context():
        loads = []
        for _ in range(5):
            app.extensions.pop(spelling._CACHE, None)
            started = time.perf_counter()
            words = spelling.vocabulary()
            loads.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
        print(f"words: {len(words.counts):,}; loading them: {summary(loads)}")
        corrections, fixed = [], {}
        for _ in range(args.rounds):
            for typo in TYPOS:
                started = time.perf_counter()
                fixed[typo] = spelling.correct(typo)
                corrections.append((time.perf_counter() - started) * 1000)
        print(f"correction alone ({len(corrections)}): {summary(corrections)}")
        misses = [t for t, f in fixed.items() if f is None]
        print("corrections: " + ", ".join(f"{t} -> {f}" for t, f in fixed.items()) + (f"; none for {misses}" if misses else ""))
        db.session.rollback()

    statements: list[float] = []

    @event.listens_for(Engine, "before_cursor_execute")
    def started(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    @event.listens_for(Engine, "after_cursor_execute")
    def finished(conn, cursor, statement, parameters, context, executemany):
        if "bench_started" in conn.info:
            statements.append((time.perf_counter() - conn.info.pop("bench_started")) * 1000)

    # Interleaved: the typo, then the words meant (the same cold search without a typo), then the
    # facets fragment the page loads next; each with its listing caches emptied.
    runs = {"typo": ("/search", lambda t: t), "meant": ("/search", lambda t: fixed[t] or t),
            "facets": ("/search/facets", lambda t: fixed[t] or t)}
    timings = {name: ([], [], []) for name in runs}
    for _ in range(args.rounds):
        for typo in TYPOS:
            for name, (url, words) in runs.items():
                with app.app_context():
                    storefront_cache.clear()  # a new search: nothing of it cached but the catalogue's words
                statements.clear()
                begun = time.perf_counter()
                response = client.get(url, query_string={"q": words(typo)})
                timings[name][0].append((time.perf_counter() - begun) * 1000)
                assert response.status_code == 200, (typo, response.status_code)
                timings[name][1].append(sum(statements))
                timings[name][2].append(len(statements))
    labels = {"typo": "GET /search?q=<typo>", "meant": "GET /search?q=<the words meant>",
              "facets": "GET /search/facets?q=<the words meant>"}
    for name, (pages, sql_time, counts) in timings.items():
        print(f"{labels[name]} ({len(pages)} requests, {min(counts)}-{max(counts)} statements): {summary(pages)}; "
              f"database {summary(sql_time)}")

    with app.app_context():
        from marketplace.services.catalog import listing_queries
        from marketplace.services.catalog.listing_queries import ListingQuery

        cursor = db.session.connection().connection.driver_connection.cursor()
        known = spelling.vocabulary()
        for words in ("hodie", "hoodie", "tai nge", "tai nghe"):
            query = ListingQuery(text=words, few_title_matches=known.few_titles(words, listing_queries.TITLE_MATCHES_ENOUGH))
            compiled = listing_queries.listing_statement(query).compile(
                dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params)
            plan = [row[0] for row in cursor.fetchall()]
            print(f"\n== listing for {words!r} (few title matches: {query.few_title_matches}): {plan[-1]}\n"
                  + "\n".join(plan[:8]))


if __name__ == "__main__":
    main()
