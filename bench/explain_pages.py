"""EXPLAIN (ANALYZE, BUFFERS) of every statement the benchmarked pages send, captured from real requests.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mp_bench \\
        .venv/bin/python bench/explain_pages.py [--markdown] [--only cart]

Each page is requested once to warm the caches, then - its storefront caches emptied, so
the cold path shows - again with a listener that records the exact SQL and parameters
psycopg2 sends; each recorded statement is then explained on a separate connection
(SELECT and UPDATE with ANALYZE, inside a transaction that is rolled back; INSERT and
DELETE show their plan only, since the request already inserted those keys).
Needs the benchmark database (`flask seed-bench`) and bench/results/fixtures.json, which
`make bench` writes (ids, logins).
"""
import argparse
import json
import os
import secrets
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MARKETPLACE_ENV", "production")
os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
os.environ.update({"RATELIMIT_ENABLED": "0", "RATELIMIT_STORAGE_URI": "memory://", "SESSION_COOKIE_SECURE": "0",
                   "LOG_LEVEL": "WARNING", "REDIS_URL": "", "SMS_BACKEND": "memory", "EMAIL_BACKEND": "memory"})


def pages(fx: dict) -> list[tuple]:
    """(label, login, method, path, json body or None, before: (path, body) or None)."""
    buyer, orders_buyer = fx["pools"]["cart"][0], fx["pools"]["orders"][0]
    variant = fx["variant_ids"][0]
    add = ("/api/v1/cart/items", {"variant_id": variant, "quantity": 1})
    return [
        ("home", None, "GET", "/", None, None),
        ("category first page", None, "GET", f"/c/{fx['category_slugs'][0]}?sort=price_asc&in_stock=y", None, None),
        ("search", None, "GET", "/search?q=ao+thun", None, None),
        ("product detail", None, "GET", f"/p/{fx['product_ids'][0]}", None, None),
        ("cart add (API)", buyer["email"], "POST", *add, None),
        ("cart view", buyer["email"], "GET", "/cart", None, add),
        ("place order (API)", fx["pools"]["order"][0]["email"], "POST", "/api/v1/orders",
         {"address_id": fx["pools"]["order"][0]["address_id"], "payment_method": "COD"},
         ("/api/v1/cart/items", {"variant_id": fx["order_variant_ids"][0], "quantity": 1})),
        ("buyer order list", orders_buyer["email"], "GET", "/orders", None, None),
        ("seller order list", fx["big_seller"], "GET", "/seller/orders", None, None),
        ("seller dashboard", fx["big_seller"], "GET", "/seller/dashboard", None, None),
        ("admin dashboard", fx["admin"], "GET", "/admin/", None, None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--only", help="a substring of the page labels")
    parser.add_argument("--fixtures", default=str(ROOT / "bench" / "results" / "fixtures.json"))
    args = parser.parse_args()
    fx = json.loads(Path(args.fixtures).read_text())

    import psycopg2
    from sqlalchemy import event

    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.services.catalog import storefront_cache
    from marketplace.web import page_cache

    app = create_app()
    app.config["PREFERRED_URL_SCHEME"] = "http"
    with app.app_context():
        explain_conn = psycopg2.connect(db.engine.url.render_as_string(hide_password=False).replace(
            "postgresql+psycopg2://", "postgresql://"))
    captured: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not executemany:
            captured.append(cursor.mogrify(statement, parameters).decode())

    for label, login, method, path, body, before in pages(fx):
        if args.only and args.only not in label:
            continue
        client = app.test_client()
        headers = {}
        if login:
            token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
            answer = client.post("/api/v1/auth/login", json={"login": login, "password": fx["password"]},
                                 headers={"X-CSRFToken": token})
            headers["X-CSRFToken"] = answer.get_json()["csrf_token"]

        def hit():
            if before:
                client.post(before[0], json=before[1], headers=headers)
            if method == "POST":
                return client.post(path, json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
            return client.get(path, headers=headers)

        hit()
        with app.app_context():
            storefront_cache.clear()  # the cold path: what a cache miss runs
            page_cache.clear()
        captured.clear()
        with app.app_context():
            engines = list(db.engines.values())  # the primary and the reader (marketplace/database.py)
        for engine in engines:
            event.listen(engine, "before_cursor_execute", record)
        try:
            status = hit().status_code
            if before:  # the line added first is not part of the page
                captured[:] = captured[captured.index(next(s for s in captured if "cart_items" in s and
                                                            s.lstrip().startswith("INSERT"))) + 2:]
        finally:
            for engine in engines:
                event.remove(engine, "before_cursor_execute", record)
        print(f"{'### ' if args.markdown else '== '}{label} ({method} → {status}): {len(captured)} statements\n")
        for n, sql in enumerate(captured, 1):
            explain(explain_conn, n, sql, args.markdown)
    explain_conn.close()


def explain(conn, n: int, sql: str, markdown: bool) -> None:
    first = " ".join(sql.split())
    verb = first.split(" ", 1)[0].upper()
    if verb not in ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE"):
        print(f"{n}. `{first[:120]}` (not explained)\n" if markdown else f"-- {n}. {first[:120]}\n")
        return
    # The request already ran these writes: an INSERT again would hit its unique keys, so writes
    # show their plan only (UPDATEs run, then roll back: their row lookups are the interesting part).
    options = "ANALYZE, BUFFERS" if verb in ("SELECT", "WITH", "UPDATE") else "COSTS"
    with conn.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    conn.rollback()
    summary = plan.splitlines()[-1].strip() if "ANALYZE" in options else "plan only"
    if markdown:
        print(f"{n}. `{first[:160]}{'…' if len(first) > 160 else ''}` — {summary}\n\n```\n{plan}\n```\n")
    else:
        print(f"-- {n}. {first[:200]}\n{plan}\n")


if __name__ == "__main__":
    main()
