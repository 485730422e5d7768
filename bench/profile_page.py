"""Profile one page in-process against the benchmark database: pyinstrument + every SQL statement timed.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mp_bench \\
        .venv/bin/python bench/profile_page.py /c/dien-tu -n 200 [--login buyer00000@bench.example.com]
        [--post-json '{"variant_id": "...", "quantity": 1}'] [--header HX-Target=load-more] [--sql]

The app runs with the production settings run.py gives gunicorn (no rate limits, WARNING
logs) in this one process; the first requests warm the caches and are not profiled.
"""
import argparse
import json
import os
import secrets
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MARKETPLACE_ENV", "production")
os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
os.environ.update({"RATELIMIT_ENABLED": "0", "SESSION_COOKIE_SECURE": "0", "LOG_LEVEL": "WARNING", "REDIS_URL": "",
                   "SMS_BACKEND": "memory", "EMAIL_BACKEND": "memory"})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--login")
    parser.add_argument("--password", default="bench-pass-123")
    parser.add_argument("--post-json")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--sql", action="store_true", help="print each statement of one request with its time")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", nargs=2, metavar=("PATH", "JSON"),
                        help="POST this JSON before each request (e.g. a cart line before placing an order)")
    parser.add_argument("--idempotency", action="store_true", help="send a fresh Idempotency-Key each time")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()

    from pyinstrument import Profiler
    from sqlalchemy import event

    from marketplace import create_app
    from marketplace.extensions import db

    app = create_app()
    app.config["PREFERRED_URL_SCHEME"] = "http"  # as gunicorn on 127.0.0.1 sees it (no TLS in front)
    client = app.test_client()
    headers = {"Accept-Encoding": "gzip", **dict(h.split("=", 1) for h in args.header)}  # as locust asks
    if args.login:
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        answer = client.post("/api/v1/auth/login", json={"login": args.login, "password": args.password},
                             headers={"X-CSRFToken": token})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        headers["X-CSRFToken"] = answer.get_json()["csrf_token"]

    def hit():
        if args.before:
            client.post(args.before[0], json=json.loads(args.before[1]), headers=headers)
        if args.idempotency:
            headers["Idempotency-Key"] = uuid.uuid4().hex
        if args.post_json:
            return client.post(args.path, json=json.loads(args.post_json), headers=headers)
        return client.get(args.path, headers=headers)

    for _ in range(5):
        response = hit()
    print(f"{response.status_code} {len(response.data):,} bytes")
    if args.sql:
        timings = []

        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["t"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):
            timings.append(((time.perf_counter() - conn.info["t"]) * 1000, statement))

        with app.app_context():
            engines = list(db.engines.values())  # the primary and the reader (marketplace/database.py)
        for engine in engines:
            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
        hit()
        for ms, statement in timings:
            print(f"{ms:7.2f} ms  {' '.join(statement.split())[:300]}")
        print(f"{len(timings)} statements, {sum(t for t, _ in timings):.1f} ms in SQL")
        for engine in engines:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
    rounds = []
    for _ in range(args.rounds):  # the machine is shared: the best round is the least disturbed one
        cpu, started = time.process_time(), time.perf_counter()
        for _ in range(args.n):
            hit()
        rounds.append(((time.perf_counter() - started) / args.n * 1000, (time.process_time() - cpu) / args.n * 1000))
    wall, cpu = min(rounds, key=lambda r: r[1])
    print(f"{args.n} requests unprofiled (best of {args.rounds}): {wall:.2f} ms wall, {cpu:.2f} ms CPU of this "
          f"process each")
    if args.no_profile:
        return
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for _ in range(args.n):
        hit()
    profiler.stop()
    elapsed = time.perf_counter() - started
    print(f"{args.n} requests in {elapsed:.2f} s: {elapsed / args.n * 1000:.2f} ms each (profiled)")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
