"""Paired A/B of the app's CPU per request, in process: two (or more) trees, the same requests, in
alternating batches.

    .venv/bin/python bench/ab_pages.py category /work/wt-before:mp_bench_before /work/main:mp_bench
        [--batches 20] [--size 15] [--page-cache] [--skip 0]

Each TREE:DATABASE gets a worker process (the tree's own code and that database, the production
settings run.py gives gunicorn, pinned to one core), which draws the same requests from the same seed
and answers "run the next N" with the CPU time it spent per request. The batches alternate between
the workers (ABAB, then BABA), so a slow spell of the machine falls on both: the paired ratio of each
batch to the first tree's is what to read, not the absolute milliseconds. On a shared 2-core box the
load runs (run.py) swing ±20 % from run to run; these ratios repeat within a few per cent.

Kinds: category (the bench's category mix: random category, sort, in stock 30 %, 4 stars 20 %: every
page different, as in the bench, where most are rendered), search (a broad word that also excludes a
made-up one: every search new), product (2,000 best sellers' pages), home. The page cache is off
(every request renders) unless --page-cache (then home and search measure the cached answer).
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from traffic import category_request, cold_search_params  # bench/traffic.py: the bench's own mixes

HEADERS = {"Accept-Encoding": "gzip, br"}  # what a browser (and the bench's wrk) asks for


def worker(kind: str, seed: int, count: int) -> None:
    """Serve batches on stdin ("N"), answering the CPU ms per request of each."""
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("MARKETPLACE_ENV", "production")
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    os.environ.update({"RATELIMIT_ENABLED": "0", "SESSION_COOKIE_SECURE": "0", "LOG_LEVEL": "ERROR", "REDIS_URL": "",
                       "SMS_BACKEND": "memory", "EMAIL_BACKEND": "memory", "RATELIMIT_STORAGE_URI": "memory://"})
    from sqlalchemy import text

    from marketplace import create_app
    from marketplace.extensions import db

    app = create_app()
    app.config["PREFERRED_URL_SCHEME"] = "http"  # as gunicorn on 127.0.0.1 sees it
    with app.app_context():
        slugs = [row[0] for row in db.session.execute(text("SELECT slug FROM categories ORDER BY slug"))]
        products = [str(row[0]) for row in db.session.execute(text(
            "SELECT p.id FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.status = 'ACTIVE' AND s.status = 'ACTIVE' "
            "ORDER BY p.sold_count DESC, p.id LIMIT 2000"))]
    rng = random.Random(seed)

    def draw() -> str:
        if kind == "search":
            return f"/search?{urlencode(cold_search_params(rng))}"
        if kind == "product":
            return f"/p/{rng.choice(products)}"
        if kind == "home":
            return "/"
        path, params = category_request(rng, slugs)
        return f"{path}?{urlencode(params)}"

    urls = [draw() for _ in range(count)]
    client = app.test_client(use_cookies=False)  # as wrk sends them: every request a new visitor
    for url in urls[:30]:  # templates compiled, connections opened, per-process caches started
        client.get(url, headers=HEADERS)
    print("ready", flush=True)
    position = 30
    for line in sys.stdin:
        batch = urls[position:position + int(line)]
        position += len(batch)
        started = time.process_time()
        for url in batch:
            response = client.get(url, headers=HEADERS)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{(time.process_time() - started) / len(batch) * 1000:.4f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["category", "search", "product", "home"])
    parser.add_argument("trees", nargs="+", metavar="TREE:DATABASE")
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--size", type=int, default=15)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--page-cache", action="store_true", help="leave the page cache on (home, search: its hits)")
    parser.add_argument("--skip", type=int, default=0, help="leave the first SKIP batches out of the figures (while "
                                                           "the per-process caches, cards and listings, fill)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = 30 + args.batches * args.size
    if args.worker:
        worker(args.kind, args.seed, count)
        return
    workers = []
    for spec in args.trees:
        tree, database = spec.rsplit(":", 1)
        env = {**os.environ, "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{database}",
               "PAGE_CACHE_SIZE": os.environ.get("PAGE_CACHE_SIZE", "2000") if args.page_cache else "0"}
        process = subprocess.Popen(
            ["taskset", "-c", "1", sys.executable, str(Path(__file__).resolve()), args.kind, spec, "--worker",
             "--batches", str(args.batches), "--size", str(args.size), "--seed", str(args.seed)],
            cwd=tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if process.stdout.readline().strip() != "ready":
            raise SystemExit(f"{spec}: the worker did not start (run it with --worker to see why)")
        workers.append(process)
    times: list[list[float]] = [[] for _ in workers]
    for batch in range(args.batches):
        for index in (range(len(workers)) if batch % 2 == 0 else reversed(range(len(workers)))):
            workers[index].stdin.write(f"{args.size}\n")
            workers[index].stdin.flush()
            answer = workers[index].stdout.readline()
            if not answer:
                raise SystemExit(f"{args.trees[index]}: the worker stopped (run it with --worker to see why)")
            times[index].append(float(answer))
    for process in workers:
        process.stdin.close()
        process.wait()
    times = [spent[args.skip:] for spent in times]
    for spec, spent in zip(args.trees, times):
        ratios = [mine / first for mine, first in zip(spent, times[0])]
        print(f"{args.kind:8s} {spec:40s} median {statistics.median(spent):6.2f} ms CPU/request  "
              f"paired ratio to the first: median {statistics.median(ratios):.3f} "
              f"(quartiles {statistics.quantiles(ratios, n=4)[0]:.3f}-{statistics.quantiles(ratios, n=4)[2]:.3f})")


if __name__ == "__main__":
    main()
