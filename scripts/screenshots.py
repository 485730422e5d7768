"""Screenshots of the main pages on a phone (390x844) and a desktop (1366x900), into docs/screenshots/.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mp_shots .venv/bin/python scripts/screenshots.py

Uses the database DATABASE_URL names (or, unset, the embedded one `make run` uses): migrates it,
loads the demo data when it is empty, serves the app on a free local port in this process, and
photographs each page as a visitor, a buyer, a seller and an admin of the demo would see it, in
headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium). The README links the results.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "demo-pass-123"  # the demo accounts' (marketplace/seed/demo.py)


def _serve():
    os.environ.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    os.environ["RATELIMIT_ENABLED"] = "false"  # one photographer logs in more often than a person would
    os.environ["REDIS_URL"] = ""
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.seed.demo import seed_demo

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed_demo(only_if_empty=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _first_link(page, pattern: str) -> str:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    return next(href for href in hrefs if re.match(pattern, href))


def _log_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/account/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def main() -> None:
    from playwright.sync_api import sync_playwright

    server, base = _serve()
    OUT.mkdir(parents=True, exist_ok=True)
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable if os.path.exists(executable) else shutil.which("chromium"),
            headless=True, args=CHROMIUM_ARGS)
        for device, (width, height) in VIEWPORTS.items():
            def shoot(name: str, path: str, login: str | None = None, before=None) -> None:
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                if login:
                    _log_in(page, base, login)
                page.goto(base + path)
                if before:
                    before(page)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}-{device}.png"))
                print(OUT / f"{name}-{device}.png")
                context.close()

            probe = browser.new_page()  # the demo's first product, category and shop
            probe.goto(f"{base}/search?q=ao")
            product = _first_link(probe, r"^/p/")
            probe.goto(base + "/")
            category = _first_link(probe, r"^/c/")
            shop = _first_link(probe, r"^/s/")
            probe.close()
            shoot("home", "/")
            shoot("category", category)
            shoot("search", "/search?q=ao")
            shoot("product", product)
            shoot("shop", shop)
            shoot("cart", "/cart", "buyer@demo.marketplace",
                  before=lambda page: _fill_cart(page, base, product))
            shoot("checkout", "/checkout", "buyer@demo.marketplace")
            shoot("orders", "/orders", "buyer@demo.marketplace")
            shoot("seller-dashboard", "/seller/", "seller@demo.marketplace")
            shoot("seller-product-form", "/seller/products/new", "seller@demo.marketplace")
            shoot("admin-dashboard", "/admin/", "admin@demo.marketplace")
        browser.close()
    server.shutdown()


def _fill_cart(page, base: str, product: str) -> None:
    """Put the product in the cart when the demo buyer's cart is empty, then show the cart."""
    if page.locator("#nav-cart-badge").get_attribute("data-count") in (None, "0"):
        page.goto(base + product)
        page.locator("#variant-panel form.add-to-cart button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")
        page.goto(base + "/cart")


if __name__ == "__main__":
    main()
