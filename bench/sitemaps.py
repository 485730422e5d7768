"""The sitemaps on a benchmark catalogue: peak memory while building the whole set, and a child
sitemap's first (built) serve against its cached serves.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mp_bench .venv/bin/python bench/sitemaps.py

The database is a `flask seed-bench` one (bench/README.md "Sitemaps"). Everything runs in this
process, through the app's own code and test client (no gunicorn, no network):

1. **Memory.** After the app is warm (one small request), the whole set is built cold: the index
   and every child (pages, categories, shops, every products-N), as a crawler would fetch them,
   each built and compressed and then dropped by the cache's LRU only when it is full. Peak RSS
   (getrusage ru_maxrss) before and after says what the build added; tracemalloc's peak per child, above
   what the process held when it began, says what building one child took at once (rows stream in
   batches, the gzip bytes are kept).
   With SITEMAP_MAX_URLS lowered (BENCH_SITEMAP_URLS) the same catalogue makes more, smaller
   children: the peak follows the child's size, not the catalogue's.
2. **Serve time.** products-1 is requested once with an empty cache (MISS: built from the
   database) and then BENCH_ROUNDS times (HIT): first serve against the median cached serve.

Prints a table and writes bench/results/sitemaps.json.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))
URLS_PER_CHILD = int(os.environ.get("BENCH_SITEMAP_URLS", "50000"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def count_urls(data: bytes) -> int:
    """<url> elements in a gzip file, read 64 KB at a time (this script must not hold the XML either)."""
    count, tail = 0, b""
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        while chunk := stream.read(65536):
            joined = tail + chunk
            count += joined.count(b"<url>")
            tail = joined[-4:]
    return count


def make_app():
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        sys.exit("Set BENCH_DATABASE_URL to a database filled by `flask seed-bench` (bench/README.md).")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PAGE_CACHE_REDIS_URL", "")
    from config import DevelopmentConfig
    from marketplace import create_app

    class BenchConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        SITEMAP_MAX_URLS = URLS_PER_CHILD
        SITEMAP_CACHE_SIZE = 64
        PAGE_CACHE_REDIS_URL = ""
        RATELIMIT_ENABLED = False

    return create_app(BenchConfig)


def main() -> None:
    app = make_app()
    client = app.test_client()
    assert client.get("/robots.txt").status_code == 200  # warm: templates, connections, the category tree
    with app.app_context():
        from marketplace.extensions import db
        from marketplace.models import Product

        products = db.session.scalar(db.select(db.func.count()).select_from(Product))
    from lxml import etree  # noqa: F401 - imported before the baseline: not the build's memory

    baseline = rss_mb()

    tracemalloc.start()
    started = time.perf_counter()
    index = client.get("/sitemap.xml")
    assert index.status_code == 200, index.status_code
    children = etree.fromstring(index.get_data()).xpath(
        "//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    sizes, peaks, urls = [], [], 0
    for url in children:
        tracemalloc.reset_peak()
        held_before = tracemalloc.get_traced_memory()[0]
        response = client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
        assert response.status_code == 200, (url, response.status_code)
        # what building this child took on top of what the process already held (the cached files among it)
        peaks.append((url.rsplit("/", 1)[-1], (tracemalloc.get_traced_memory()[1] - held_before) / 2**20))
        data = response.get_data()
        sizes.append(len(data))
        urls += count_urls(data)
    build_seconds = time.perf_counter() - started
    tracemalloc.stop()
    after_build = rss_mb()

    # serve time of one child: the first serve builds it, the next ones are cache hits
    with app.app_context():
        from marketplace.seo import sitemaps

        sitemaps.clear()
    first_started = time.perf_counter()
    first = client.get("/sitemaps/products-1.xml.gz")
    first_ms = (time.perf_counter() - first_started) * 1000
    assert first.headers["X-Cache"] == "MISS"
    cached = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        hit = client.get("/sitemaps/products-1.xml.gz")
        cached.append((time.perf_counter() - began) * 1000)
        assert hit.headers["X-Cache"] == "HIT"

    result = {
        "products": products, "urls_per_child": URLS_PER_CHILD, "children": len(children), "urls": urls,
        "build_all_seconds": round(build_seconds, 2), "rss_before_mb": round(baseline, 1),
        "rss_peak_after_build_mb": round(after_build, 1), "rss_added_mb": round(after_build - baseline, 1),
        "largest_child_gzip_kb": round(max(sizes) / 1024, 1), "python_peak_above_held_mb_by_child": {name: round(peak, 2) for name, peak in peaks},
        "products_1_first_serve_ms": round(first_ms, 1), "products_1_cached_serve_ms_median": round(statistics.median(cached), 2),
        "products_1_cached_serve_ms_p95": round(sorted(cached)[int(len(cached) * 0.95) - 1], 2),
    }
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    out = ROOT / "bench" / "results" / "sitemaps.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
