"""`make bench`: build (or reuse) the benchmark database, serve it with gunicorn, load it, report.

Steps: benchmark database (BENCH_DATABASE_URL, or an embedded pgserver under instance/pgbench)
→ migrations → `flask seed-bench` when the catalog or its buyers/orders are missing →
fixtures (ids, one login per virtual user, a race variant) → gunicorn on 127.0.0.1 with the
production settings of gunicorn.conf.py → per scenario a short warm-up, then one measured run
of BENCH_SECONDS → a table (requests/s, p50, p95, p99, errors, SQL statements per request,
page-cache hits, ratio to the static-file floor, CPU) printed and written to bench/results/*.json.
Load generators: wrk (bench/wrk/scenario.lua, a few % of a core) for the anonymous GET scenarios
when `wrk` is on PATH, locust (bench/locustfile.py) for the logged-in ones and for everything
when wrk is missing; each row says which one it used.
Everything it starts (gunicorn, wrk, locust, the embedded PostgreSQL) it stops. 127.0.0.1 only.

Environment: BENCH_SECONDS (20), BENCH_WARMUP (3), BENCH_PRODUCTS (100000), BENCH_ONLY
(substrings of scenario names, comma-separated), BENCH_USERS (override every scenario's user count),
BENCH_DATABASE_URL, BENCH_PORT (8765), WEB_CONCURRENCY (gunicorn workers), BENCH_PROFILE=1 (py-spy
samples the workers during each measured run: bench/results/profile-<scenario>.txt, read them
with bench/pyspy_summary.py; it slows the server a little, so don't compare those figures),
BENCH_GENERATOR (auto: wrk when installed; locust: locust for every scenario; wrk: fail without it),
BENCH_PAGE_CACHE_REDIS (redis://127.0.0.1:6379/13, emptied at the start: the shared page cache when it
answers; empty: each worker's own only).
"""
import json
import os
import random
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import psutil
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from traffic import draw_urls

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
HOST = f"http://127.0.0.1:{PORT}"
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "100000"))
# The benchmark marketplace's other sizes: 100,000 products come with 1,000 shops, 20,000 buyers and
# 200,000 orders; a million with 5,000 shops, 50,000 buyers and a million orders (issue 20).
SHOPS = int(os.environ.get("BENCH_SHOPS", 1_000 if PRODUCTS <= 100_000 else PRODUCTS // 200))
BUYERS = int(os.environ.get("BENCH_BUYERS", 20_000 if PRODUCTS <= 100_000 else PRODUCTS // 20))
ORDERS = int(os.environ.get("BENCH_ORDERS", 200_000 if PRODUCTS <= 100_000 else PRODUCTS))
# Checkout as concurrent buyers grow, each on a product of their own (no shared stock row): where
# a global lock would show, throughput stops growing. "" skips it.
CHECKOUT_SWEEP = [int(n) for n in os.environ.get("BENCH_CHECKOUT_SWEEP", "8,32,64,128").split(",") if n.strip()]
PASSWORD = "bench-pass-123"  # the password seed-bench gives every benchmark account
FLOOR = "static file (floor)"
PROFILE = os.environ.get("BENCH_PROFILE", "") not in ("", "0")
GENERATOR = os.environ.get("BENCH_GENERATOR", "auto").lower()
WRK_SCRIPT = ROOT / "bench" / "wrk" / "scenario.lua"
WRK_THREADS = 2  # the connections (= users) are spread over these; the category mix uses one per connection

# scenario, locust user class, concurrent users (a closed loop: each user sends its next request
# as soon as the last one is answered, so latency ≈ users / throughput; see README "Method"),
# and the traffic.py mix wrk replays for it (None: logged in, locust only).
SCENARIOS = [
    (FLOOR, "StaticFile", 8, "static"),
    ("home", "Home", 8, "home"),
    ("category listing", "CategoryListing", 8, "category"),
    ("search", "Search", 8, "search"),
    ("cold broad search", "ColdSearch", 16, "cold-search"),
    ("product detail", "ProductDetail", 8, "product"),
    ("cart add (API)", "CartAdd", 8, None),
    ("cart add + view", "CartAddAndView", 8, None),
    ("place order", "PlaceOrder", 8, None),
    ("online checkout", "PlaceOrderOnline", 8, None),
    ("buyer order list", "BuyerOrders", 8, None),
    ("seller orders + dashboard", "SellerCenter", 4, None),
    ("seller money (balance + statement)", "SellerMoney", 4, None),
    ("admin dashboard", "AdminDashboard", 4, None),
]
# Row names of the wrk mixes: the same as locustfile.py's request names, so the rows compare.
WRK_NAMES = {"static": "static file", "home": "home", "search": "search", "cold-search": "cold broad search",
             "product": "product detail", "first": "category first page", "more": "category load more"}
POOL_SIZE = max([64, *CHECKOUT_SWEEP])  # accounts per buyer scenario: one per virtual user, never shared
ORDER_VARIANTS = max([100, *CHECKOUT_SWEEP])  # the order scenarios' variants: one per buyer of the sweep
POOLS = ("cart", "add", "order", "orders", "online")  # the buyer scenarios' pools (locustfile.py); the race takes the rest


def bench_database_url() -> tuple[str, object | None]:
    """The database URL, and the embedded server handle when run.py started it (to stop it after)."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url, None
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
        from pgserver.postgres_server import PostmasterInfo

    data_dir = ROOT / "instance" / "pgbench"
    data_dir.mkdir(parents=True, exist_ok=True)
    info = PostmasterInfo.read_from_pgdata(data_dir)
    already_running = info is not None and info.is_running()
    server = pgserver.get_server(str(data_dir), cleanup_mode=None if already_running else "stop")
    if "1 row" not in server.psql("SELECT 1 FROM pg_database WHERE datname = 'marketplace_bench';"):
        server.psql('CREATE DATABASE "marketplace_bench";')
    return f"postgresql+psycopg2://postgres@/marketplace_bench?host={data_dir}", (None if already_running else server)


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True)


def prepare_database(env: dict, engine) -> None:
    flask(env, "db", "upgrade")
    with engine.connect() as conn:
        products = conn.scalar(text("SELECT count(*) FROM products"))
        people = conn.scalar(text("SELECT count(*) FROM users WHERE email = 'admin@bench.example.com'"))
    if products and products < PRODUCTS:
        raise SystemExit(f"The benchmark database has {products:,} products, fewer than {PRODUCTS:,}: "
                         "point BENCH_DATABASE_URL at an empty database (or delete instance/pgbench).")
    if not products or not people:
        print(f"Generating the benchmark marketplace ({PRODUCTS:,} products, {SHOPS:,} shops, {BUYERS:,} buyers, "
              f"{ORDERS:,} orders); this takes a few minutes…", flush=True)
        started = time.monotonic()
        flask(env, "seed-bench", "--products", str(PRODUCTS), "--shops", str(SHOPS), "--buyers", str(BUYERS),
              "--orders", str(ORDERS))
        print(f"  generated in {time.monotonic() - started:.0f} s", flush=True)
    with engine.connect() as conn:  # a database seeded before the ledger existed: the big shop's money history
        ledger = conn.scalar(text("SELECT count(*) FROM ledger_accounts a JOIN shops s ON s.id = a.shop_id "
                                  "WHERE s.slug = 'bench-shop-0000'"))
    if not ledger:
        print("Posting the big shop's ledger history (flask seed-bench --ledger)…", flush=True)
        started = time.monotonic()
        flask(env, "seed-bench", "--ledger")
        print(f"  posted in {time.monotonic() - started:.0f} s", flush=True)


def data_currency(engine) -> str:
    """The benchmark orders' currency: the server runs in it (CURRENCY), so the seller's money pages read
    the ledger the orders wrote (a database seeded under CURRENCY=USD keeps USD)."""
    with engine.connect() as conn:
        return conn.scalar(text("SELECT currency FROM orders LIMIT 1")) or "VND"


def write_fixtures(engine, path: Path) -> dict:
    """Ids and logins for the scenarios, emptied carts, plenty of stock, and a fresh race for 50 units."""
    with engine.begin() as conn:
        q = lambda sql, **p: [row[0] for row in conn.execute(text(sql), p)]  # noqa: E731
        visible = ("FROM products p JOIN shops s ON s.id = p.shop_id "
                   "WHERE p.status = 'ACTIVE' AND s.status = 'ACTIVE'")
        fixtures = {
            "password": PASSWORD,
            "product_ids": [str(x) for x in q(f"SELECT p.id {visible} ORDER BY random() LIMIT 2000")],
            "category_slugs": q("SELECT slug FROM categories ORDER BY slug"),
            "admin": "admin@bench.example.com",
            "big_seller": q("SELECT u.email FROM shops s JOIN users u ON u.id = s.owner_id JOIN orders o "
                            "ON o.shop_id = s.id GROUP BY u.email ORDER BY count(*) DESC LIMIT 1")[0],
            # the big shop's busiest statement month (SellerMoney)
            "statement_month": (q("SELECT to_char(h.hour AT TIME ZONE 'UTC', 'YYYY-MM') AS month FROM ledger_shop_hours h "
                                  "JOIN shops s ON s.id = h.shop_id WHERE s.slug = 'bench-shop-0000' "
                                  "GROUP BY month ORDER BY sum(h.transactions) DESC LIMIT 1") or [None])[0],
        }
        buyers = [{"email": email, "address_id": str(address)} for email, address in conn.execute(text(
            "SELECT u.email, a.id FROM users u JOIN addresses a ON a.user_id = u.id AND a.is_default "
            "WHERE u.email LIKE 'buyer%@bench.example.com' ORDER BY u.email LIMIT :n"), {"n": len(POOLS) * POOL_SIZE + 200})]
        fixtures["pools"] = {name: buyers[i * POOL_SIZE:(i + 1) * POOL_SIZE] for i, name in enumerate(POOLS)}
        fixtures["pools"]["race"] = buyers[len(POOLS) * POOL_SIZE:]
        # Every scenario starts from empty carts, so a page measures the same work on each run.
        conn.execute(text("DELETE FROM cart_items WHERE user_id IN (SELECT id FROM users WHERE email = ANY(:e))"),
                     {"e": [b["email"] for b in buyers]})
        variants = q("SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id "
                     "JOIN shops s ON s.id = p.shop_id WHERE p.status = 'ACTIVE' AND s.status = 'ACTIVE' "
                     "AND v.deleted_at IS NULL ORDER BY random() LIMIT :n", n=300 + ORDER_VARIANTS + 1)
        race, variants = variants[-1], variants[:-1]
        # Plenty of stock for the cart and order scenarios, so they measure work, not sell-outs.
        conn.execute(text("UPDATE product_variants SET stock = 1000000 WHERE id = ANY(:ids)"), {"ids": variants})
        fixtures["variant_ids"] = [str(v) for v in variants[:300]]
        fixtures["order_variant_ids"] = [str(v) for v in variants[300:]]
        conn.execute(text("UPDATE product_variants SET stock = 50 WHERE id = :id"), {"id": race})
        fixtures["race_variant_id"] = str(race)
        fixtures["race_sold_before"] = conn.scalar(
            text("SELECT coalesce(sum(quantity), 0) FROM order_items WHERE variant_id = :id"), {"id": race})
    path.write_text(json.dumps(fixtures))
    return fixtures


def page_cache_redis() -> str:
    """A Redis for the shared page cache (BENCH_PAGE_CACHE_REDIS, emptied first) when one answers;
    otherwise "" and each worker keeps its own pages, as on a machine without Redis."""
    url = os.environ.get("BENCH_PAGE_CACHE_REDIS", "redis://127.0.0.1:6379/13")
    if not url:
        return ""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        client = Redis.from_url(url, socket_connect_timeout=1)
        client.flushdb()  # pages of an earlier run were built from other versions; start cold
        client.close()
    except RedisError:
        return ""
    return url


def start_server(env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{PORT}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(RESULTS / "server.log", "w"),
        start_new_session=True,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{HOST}/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not become healthy; see bench/results/server.log")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_locust(user_class: str, users: int, seconds: int, fixtures_path: Path) -> dict:
    """One headless locust run; returns {request name: samples} as recorded by locustfile.py."""
    samples_out = RESULTS / f"samples-{user_class}.json"
    samples_out.unlink(missing_ok=True)
    env = {**os.environ, "BENCH_FIXTURES": str(fixtures_path), "BENCH_SAMPLES_OUT": str(samples_out)}
    subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), user_class, "--headless",
         "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", HOST, "--only-summary",
         "--stop-timeout", "5", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL,
        stderr=open(RESULTS / f"locust-{user_class}.log", "w"),  # its summary and errors, not the table
    )
    samples = json.loads(samples_out.read_text()) if samples_out.exists() else {}
    samples_out.unlink(missing_ok=True)
    return samples


def find_wrk() -> str | None:
    """The wrk binary to use, or None for locust everywhere (BENCH_GENERATOR decides; auto = when installed)."""
    if GENERATOR not in ("auto", "wrk", "locust"):
        raise SystemExit(f"BENCH_GENERATOR={GENERATOR!r}: use auto, wrk or locust")
    path = shutil.which("wrk") if GENERATOR != "locust" else None
    if GENERATOR == "wrk" and path is None:
        raise SystemExit("BENCH_GENERATOR=wrk but wrk is not on PATH (Debian/Ubuntu: apt-get install wrk)")
    return path


def run_wrk(wrk: str, tag: str, mix: str, users: int, seconds: int, fixtures: dict) -> list[dict]:
    """One wrk run of an anonymous mix over `users` connections; returns rows like summarize()'s.

    The URL list is drawn afresh for every run (the warm-up does not pre-fill the caches for the
    measured run). "category" runs one connection per thread so that bench/wrk/scenario.lua can time
    first pages and load-mores apart; the other mixes use wrk's own latency histogram.
    """
    urls_path = RESULTS / f"wrk-urls-{tag}.tmp"
    urls_path.write_text("\n".join(draw_urls(mix, fixtures, 1500 * seconds + 1000, random.Random())) + "\n")
    mode = "category" if mix == "category" else "plain"
    threads = users if mode == "category" else min(WRK_THREADS, users)
    log = RESULTS / f"wrk-{tag}.log"
    try:
        done = subprocess.run(
            [wrk, "-t", str(threads), "-c", str(users), "-d", f"{seconds}s", "--timeout", "30s", "-s", str(WRK_SCRIPT),
             HOST, "--", str(urls_path), mode, str(threads)],
            cwd=ROOT, check=False, capture_output=True, text=True, timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        log.write_text(f"wrk did not stop within {seconds + 60} s: killed\n")
        print(f"  wrk did not stop: killed, no figures ({log.relative_to(ROOT)})", flush=True)
        return []
    finally:
        urls_path.unlink(missing_ok=True)
    marker = "bench-json: "
    report = next((json.loads(line[len(marker):]) for line in done.stdout.splitlines() if line.startswith(marker)), None)
    log.write_text("".join(line + "\n" for line in done.stdout.splitlines() if not line.startswith(marker))
                   + done.stderr)  # wrk's own summary and any error, not the table
    if not report or not report.get("kinds") or not report.get("duration_us"):
        print(f"  wrk gave no figures (exit status {done.returncode}): see {log.relative_to(ROOT)}", flush=True)
        return []
    seconds_run = report["duration_us"] / 1e6
    errors = report["socket_errors"]
    socket_errors = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
    rows = []
    for kind in ("plain", "first", "more"):
        k = report["kinds"].get(kind)
        if not k or not k["responses"]:
            continue
        if kind == "plain":
            latency = {p: report["latency_us"][p] / 1000 for p in ("p50", "p95", "p99")}
        else:  # timed per request by the script (one request in flight per connection)
            times = sorted(k["ms"])
            latency = {"p50": percentile(times, 0.50), "p95": percentile(times, 0.95), "p99": percentile(times, 0.99)}
        # Socket errors are not tied to a request kind: counted with the plain row or the first pages.
        failed = k["non2xx"] + (socket_errors if kind in ("plain", "first") else 0)
        rows.append({
            "name": WRK_NAMES[mix if kind == "plain" else kind], "requests": k["responses"],
            "rps": k["responses"] / seconds_run, **latency, "error_rate": failed / k["responses"],
            "sql_mean": round(k["sql_sum"] / k["sql_n"], 1) if k["sql_n"] else None,
            "sql_min": k["sql_min"] if k["sql_n"] else None, "sql_max": k["sql_max"] if k["sql_n"] else None,
            "cache_hits": k["cache_hits"] / k["responses"] if k["cache"] else None,
        })
    return rows


class CpuMeter:
    """CPU seconds spent by gunicorn (master, live workers and the recycled ones it reaped), by the load
    generator (this script's reaped children) and by the whole machine (everyone else shares it)."""

    def __init__(self, server_pid: int):
        self.server = psutil.Process(server_pid)

    def _gunicorn(self) -> float:
        t = self.server.cpu_times()
        total = t.user + t.system + t.children_user + t.children_system
        for worker in self.server.children():
            try:
                w = worker.cpu_times()
                total += w.user + w.system
            except psutil.NoSuchProcess:
                pass
        return total

    def snapshot(self) -> dict:
        machine = psutil.cpu_times()
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"wall": time.monotonic(), "app": self._gunicorn(), "loadgen": kids.ru_utime + kids.ru_stime,
                "busy": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)}

    @staticmethod
    def delta(before: dict, after: dict) -> dict:
        capacity = (after["wall"] - before["wall"]) * (os.cpu_count() or 1)
        return {"app_cpu_s": after["app"] - before["app"], "loadgen_share": (after["loadgen"] - before["loadgen"]) / capacity,
                "machine_busy": (after["busy"] - before["busy"]) / capacity}


def start_profiler(server_pid: int, tag: str) -> subprocess.Popen:
    """py-spy samples every gunicorn worker for the measured run (BENCH_PROFILE=1); see pyspy_summary.py."""
    return subprocess.Popen(
        [str(BIN / "py-spy"), "record", "--pid", str(server_pid), "--subprocesses", "--rate", "200", "--nonblocking",
         "--duration", str(SECONDS), "--format", "raw", "--output", str(RESULTS / f"profile-{tag}.txt")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, max(0, round(share * len(sorted_values) + 0.5) - 1))]


def summarize(samples: dict) -> list[dict]:
    measured = {name: s for name, s in samples.items() if not name.startswith("auth")}
    if not measured:
        return []
    window = max(s["last"] for s in measured.values()) - min(s["first"] for s in measured.values())
    rows = []
    for name, s in measured.items():
        times = sorted(s["ms"])
        sql = s["sql"]
        rows.append({
            "name": name, "requests": len(times), "rps": len(times) / window if window > 0 else 0.0,
            "p50": percentile(times, 0.50), "p95": percentile(times, 0.95), "p99": percentile(times, 0.99),
            "error_rate": s["errors"] / len(times) if times else 0.0,
            "sql_mean": round(sum(sql) / len(sql), 1) if sql else None,
            "sql_min": min(sql) if sql else None, "sql_max": max(sql) if sql else None,
            "cache_hits": s["cache_hits"] / len(times) if s.get("cache") and times else None,
        })
    return rows


def run_scenario(wrk: str | None, user_class: str, mix: str | None, users: int, seconds: int, fixtures: dict,
                 fixtures_path: Path) -> list[dict]:
    """One run of a scenario: wrk for an anonymous mix when wrk is available, locust otherwise."""
    if wrk and mix:
        return run_wrk(wrk, user_class, mix, users, seconds, fixtures)
    return summarize(run_locust(user_class, users, seconds, fixtures_path))


def stock_state(engine, variant_ids: list[str]) -> dict:
    with engine.connect() as conn:
        return {"stock": conn.scalar(text("SELECT sum(stock) FROM product_variants WHERE id = ANY(CAST(:ids AS uuid[]))"),
                                     {"ids": variant_ids}),
                "at": conn.scalar(text("SELECT clock_timestamp()"))}


def check_orders(engine, variant_ids: list[str], before: dict) -> dict:
    """Stock taken from the order variants equals the units of the orders placed meanwhile, exactly."""
    after = stock_state(engine, variant_ids)
    with engine.connect() as conn:
        sold, orders = conn.execute(text(
            "SELECT coalesce(sum(i.quantity), 0), count(DISTINCT o.id) FROM order_items i JOIN orders o "
            "ON o.id = i.order_id WHERE o.created_at >= :at AND i.variant_id = ANY(CAST(:ids AS uuid[]))"),
            {"at": before["at"], "ids": variant_ids}).one()
        # Online orders: those the sandbox's "Pay" made PENDING (one still unpaid when the run stopped holds its stock).
        awaiting = conn.scalar(text("SELECT count(*) FROM orders WHERE created_at >= :at AND status = 'AWAITING_PAYMENT'"),
                               {"at": before["at"]})
    taken = before["stock"] - after["stock"]
    return {"orders_placed": orders, "units_sold": int(sold), "stock_taken": int(taken), "unpaid": int(awaiting),
            "ok": int(sold) == int(taken)}


def check_race(engine, fixtures: dict, samples: dict) -> dict:
    with engine.connect() as conn:
        stock = conn.scalar(text("SELECT stock FROM product_variants WHERE id = :id"), {"id": fixtures["race_variant_id"]})
        sold = conn.scalar(text("SELECT coalesce(sum(quantity), 0) FROM order_items WHERE variant_id = :id"),
                           {"id": fixtures["race_variant_id"]}) - fixtures["race_sold_before"]
    errors = sum(s["errors"] for s in samples.values())
    return {"stock_after": stock, "units_sold": int(sold), "errors": errors,
            "ok": stock == 0 and sold == 50 and errors == 0}


def print_table(rows: list[dict]) -> None:
    floor = next((r["rps"] for r in rows if r["scenario"] == FLOOR), None)
    header = (f"{'scenario':<26} {'request':<22} {'req/s':>7} {'floor':>6} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7} {'errors':>7} {'SQL/req':>8} {'cache hits':>10} {'app CPU':>8} {'busy':>5} "
              f"{'loadgen':>7} generator")
    print(header)
    print("-" * len(header))
    for row in rows:
        sql = "" if row["sql_mean"] is None else f"{row['sql_mean']:g}"
        ratio = f"{row['rps'] / floor:.2f}" if floor else ""
        cpu = "" if row.get("app_cpu_ms") is None else f"{row['app_cpu_ms']:.2f}"
        hits = "" if row.get("cache_hits") is None else f"{row['cache_hits']:.0%}"
        print(f"{row['scenario']:<26} {row['name']:<22} {row['rps']:>7.1f} {ratio:>6} {row['p50']:>7.1f} "
              f"{row['p95']:>7.1f} {row['p99']:>7.1f} {row['error_rate']:>7.1%} {sql:>8} {hits:>10} {cpu:>8} "
              f"{row['machine_busy']:>5.0%} {row['loadgen_share']:>7.0%} {row['generator']}")


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()  # the machine is shared: say how busy it was
    url, embedded = bench_database_url()
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi"}
    engine = create_engine(make_url(url))
    server = None
    try:
        prepare_database(env, engine)
        fixtures_path = RESULTS / "fixtures.json"
        fixtures = write_fixtures(engine, fixtures_path)
        server_env = {
            **env, "MARKETPLACE_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "RATELIMIT_ENABLED": "0",
            "SQL_COUNT_HEADER": "1", "SESSION_COOKIE_SECURE": "0", "LOG_LEVEL": "WARNING", "REDIS_URL": "",
            "RATELIMIT_STORAGE_URI": "memory://", "SMS_BACKEND": "memory", "EMAIL_BACKEND": "memory",
            "PAGE_CACHE_REDIS_URL": page_cache_redis(), "CURRENCY": os.environ.get("CURRENCY") or data_currency(engine),
        }
        print("Page cache: per worker, shared through " + server_env["PAGE_CACHE_REDIS_URL"]
              if server_env["PAGE_CACHE_REDIS_URL"] else "Page cache: per worker (no Redis answered)", flush=True)
        only = [name.strip() for name in os.environ.get("BENCH_ONLY", "").lower().split(",") if name.strip()]
        wrk = find_wrk()
        print(f"Load generators: wrk ({wrk}) for the anonymous scenarios, locust for the logged-in ones" if wrk else
              "Load generator: locust for every scenario" + (" (BENCH_GENERATOR=locust)" if GENERATOR == "locust"
                                                              else " (wrk is not installed)"), flush=True)
        server = start_server(server_env)
        meter = CpuMeter(server.pid)
        table: list[dict] = []
        checks: dict = {}
        for scenario, user_class, users, mix in SCENARIOS:
            if only and not any(name in scenario.lower() for name in only) and scenario != FLOOR:
                continue
            users = int(os.environ.get("BENCH_USERS", users))
            generator = "wrk" if wrk and mix else "locust"
            print(f"… {scenario} ({users} users, {generator}, {WARMUP} s warm-up + {SECONDS} s)", flush=True)
            ordering = user_class in ("PlaceOrder", "PlaceOrderOnline")
            before = stock_state(engine, fixtures["order_variant_ids"]) if ordering else None
            run = {"wrk": wrk, "user_class": user_class, "mix": mix, "users": users, "fixtures": fixtures,
                   "fixtures_path": fixtures_path}
            if WARMUP:
                run_scenario(**run, seconds=WARMUP)
            profiler = start_profiler(server.pid, user_class) if PROFILE else None
            start = meter.snapshot()
            rows = run_scenario(**run, seconds=SECONDS)
            cpu = CpuMeter.delta(start, meter.snapshot())
            if profiler is not None:
                profiler.wait(timeout=60)
            requests = sum(r["requests"] for r in rows) or 1
            for row in rows:
                table.append({"scenario": scenario, "users": users, **row, "app_cpu_ms": cpu["app_cpu_s"] / requests * 1000,
                              "loadgen_share": cpu["loadgen_share"], "machine_busy": cpu["machine_busy"],
                              "generator": generator})
            if before is not None:
                checks[scenario] = check_orders(engine, fixtures["order_variant_ids"], before)
        for users in CHECKOUT_SWEEP if not only or any("sweep" in name for name in only) else ():
            print(f"… checkout sweep: {users} buyers, each on a product of their own "
                  f"({WARMUP} s warm-up + {SECONDS} s)", flush=True)
            before = stock_state(engine, fixtures["order_variant_ids"])
            run = {"wrk": None, "user_class": "PlaceOrder", "mix": None, "users": users, "fixtures": fixtures,
                   "fixtures_path": fixtures_path}
            if WARMUP:
                run_scenario(**run, seconds=WARMUP)
            start = meter.snapshot()
            rows = run_scenario(**run, seconds=SECONDS)
            cpu = CpuMeter.delta(start, meter.snapshot())
            requests = sum(r["requests"] for r in rows) or 1
            for row in rows:
                if row["name"] == "place order":
                    table.append({"scenario": f"checkout sweep ({users} buyers)", "users": users, **row,
                                  "app_cpu_ms": cpu["app_cpu_s"] / requests * 1000,
                                  "loadgen_share": cpu["loadgen_share"], "machine_busy": cpu["machine_busy"],
                                  "generator": "locust"})
            checks[f"checkout sweep ({users} buyers)"] = check_orders(engine, fixtures["order_variant_ids"], before)
        if not only or any("race" in name for name in only):
            print("… race: 200 buyers for the last 50 units", flush=True)
            start = meter.snapshot()
            samples = run_locust("Race", 200, 20, fixtures_path)
            cpu = CpuMeter.delta(start, meter.snapshot())
            for row in summarize(samples):
                table.append({"scenario": "race (200 buyers, 50 units)", "users": 200, **row, "app_cpu_ms": None,
                              "loadgen_share": cpu["loadgen_share"], "machine_busy": cpu["machine_busy"],
                              "generator": "locust"})
            checks["race"] = check_race(engine, fixtures, samples)
    finally:
        if server is not None:
            stop(server)
        engine.dispose()
        if embedded is not None:
            embedded.cleanup()
    print(f"\n{os.cpu_count()} cores; load average before the run {load_before[0]:.2f} (1 min), "
          f"{load_before[1]:.2f} (5 min)")
    print_table(table)
    for name, check in checks.items():
        print(f"\n{name}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in check.items() if k != "ok")
              + f" -> {'OK' if check['ok'] else 'FAILED'}")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    report = {"when": stamp, "load_average_before": load_before, "seconds": SECONDS, "warmup": WARMUP, "cores": os.cpu_count(),
              "workers": os.environ.get("WEB_CONCURRENCY", "gunicorn.conf.py default"), "rows": table, "checks": checks}
    for name in (f"{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
