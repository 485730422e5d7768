"""Load scenarios for `make bench` (bench/run.py runs one user class at a time, headless).

BENCH_FIXTURES is the JSON written by run.py (product ids, category slugs, logins, address
ids). Every response's time and X-SQL-Statements header is recorded per request name and
written to BENCH_SAMPLES_OUT when locust quits, so run.py computes exact percentiles and
SQL statements per request itself (locust's CSV rounds percentiles to two digits).
Buyers never share a login: each virtual user takes the next account of its scenario's
pool, so every cart belongs to one user.
"""
import itertools
import json
import os
import random
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

from locust import FastHttpUser, constant, events, task
from traffic import (
    CURSOR, LOAD_MORE_HEADERS, STATIC_FILE, category_request, cold_search_params, product_path, search_params,
)

FIXTURES = json.loads(open(os.environ["BENCH_FIXTURES"]).read()) if os.environ.get("BENCH_FIXTURES") else {}
SAMPLES: dict[str, dict] = {}
STARTED = time.time()
_POOLS: dict[str, itertools.count] = {}


def next_unused(pool: str, items: list | None = None):
    """The next unused account of a pool ({"email", "address_id"}), or the next of `items`."""
    counter = _POOLS.setdefault(pool, itertools.count())
    items = FIXTURES["pools"][pool] if items is None else items
    return items[next(counter) % len(items)]


@events.request.add_listener
def _record(name, response_time, response, exception, **kwargs):
    sample = SAMPLES.setdefault(name, {"ms": [], "sql": [], "errors": 0, "cache": 0, "cache_hits": 0,
                                       "first": time.time(), "last": 0.0})
    sample["ms"].append(response_time)
    sample["last"] = time.time()
    if exception is not None:
        sample["errors"] += 1
    elif response is not None:
        count = response.headers.get("X-SQL-Statements")
        if count is not None:
            sample["sql"].append(int(count))
        cache = response.headers.get("X-Cache")
        if cache is not None:  # the page cache's answer: HIT or MISS
            sample["cache"] += 1
            sample["cache_hits"] += cache.strip().upper() == "HIT"


@events.quitting.add_listener
def _dump(environment, **kwargs):
    path = os.environ.get("BENCH_SAMPLES_OUT")
    if path:
        with open(path, "w") as out:
            json.dump(SAMPLES, out)


class Base(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    csrf = ""

    def login(self, login: str) -> None:
        token = self.client.get("/api/v1/auth/csrf", name="auth csrf").json()["csrf_token"]
        with self.client.post("/api/v1/auth/login", json={"login": login, "password": FIXTURES["password"]},
                              headers={"X-CSRFToken": token}, name="auth login", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"login {login}: {response.status_code}")
                raise RuntimeError(f"could not log in as {login}")
            self.csrf = response.json()["csrf_token"]

    def post_json(self, path: str, body: dict, name: str, expect: tuple[int, ...] = (200, 201), **headers):
        with self.client.post(path, json=body, headers={"X-CSRFToken": self.csrf, **headers}, name=name,
                              catch_response=True) as response:
            if response.status_code in expect:
                response.success()  # an expected refusal (409/422) is an answer, not an error
            else:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
            return response


class StaticFile(Base):
    """The framework's floor: a small static file through the same app and server."""

    @task
    def static(self):
        self.client.get(STATIC_FILE, name="static file")


class Home(Base):
    @task
    def home(self):
        self.client.get("/", name="home")


class CategoryListing(Base):
    @task
    def category(self):
        path, params = category_request(random, FIXTURES["category_slugs"])
        with self.client.get(path, params=params, name="category first page", catch_response=True) as first:
            match = CURSOR.search(first.text or "") if first.status_code == 200 else None
        if match:
            # What the "Load more" button sends: htmx aimed at #load-more.
            self.client.get(path, params={**params, "cursor": match.group(1)}, headers=LOAD_MORE_HEADERS,
                            name="category load more")


class Search(Base):
    @task
    def search(self):
        self.client.get("/search", params=search_params(random), name="search")


class ColdSearch(Base):
    @task
    def search(self):
        self.client.get("/search", params=cold_search_params(random), name="cold broad search")


class ProductDetail(Base):
    @task
    def product(self):
        self.client.get(product_path(random, FIXTURES["product_ids"]), name="product detail")


class Buyer(Base):
    """A logged-in buyer with an account of their own (see next_unused)."""

    abstract = True
    pool = ""

    def on_start(self):
        self.account = next_unused(self.pool)
        self.login(self.account["email"])


class Shopper(Buyer):
    """A buyer filling a cart: a few variants each, a realistic cart (a handful of lines) whose quantities grow."""

    abstract = True

    def on_start(self):
        super().on_start()
        self.variants = random.sample(FIXTURES["variant_ids"], 4)

    def add_to_cart(self):
        self.post_json("/api/v1/cart/items", {"variant_id": random.choice(self.variants), "quantity": 1}, "cart add",
                       expect=(201,))


class CartAdd(Shopper):
    """The mobile app's add button: POST /api/v1/cart/items answers with the whole cart, so the app
    needs no second request."""

    pool = "add"

    @task
    def add(self):
        self.add_to_cart()


class CartAddAndView(Shopper):
    """The web flow: an add, then the cart page."""

    pool = "cart"

    @task
    def add_and_view(self):
        self.add_to_cart()
        self.client.get("/cart", name="cart view")


class OrderingBuyer(Buyer):
    """A buyer with a variant of their own (no two buyers share a stock row)."""

    abstract = True

    def on_start(self):
        super().on_start()
        self.variant = next_unused("order variants", FIXTURES["order_variant_ids"])


class PlaceOrder(OrderingBuyer):
    """One unit of the buyer's variant, then checkout, cash on delivery."""

    pool = "order"

    @task
    def place_order(self):
        self.post_json("/api/v1/cart/items", {"variant_id": self.variant, "quantity": 1}, "order: cart add",
                       expect=(201,))
        self.post_json("/api/v1/orders", {"address_id": self.account["address_id"], "payment_method": "COD"},
                       "place order", expect=(201,), **{"Idempotency-Key": uuid.uuid4().hex})


class PlaceOrderOnline(OrderingBuyer):
    """As PlaceOrder, paid online: the sandbox's page, then its "Pay" (the signed notification the
    server posts itself, which makes the orders PENDING) up to the redirect back. Not a subclass of
    PlaceOrder: locust would run PlaceOrder's COD task too (it did, half the orders, until 2026-12)."""

    pool = "online"

    @task
    def place_order(self):
        self.post_json("/api/v1/cart/items", {"variant_id": self.variant, "quantity": 1}, "online: cart add",
                       expect=(201,))
        placed = self.post_json("/api/v1/orders", {"address_id": self.account["address_id"], "payment_method": "ONLINE"},
                                "online: place order", expect=(201,), **{"Idempotency-Key": uuid.uuid4().hex})
        if placed.status_code != 201:
            return
        page = urlsplit(placed.json()["payment"]["redirect_url"])
        self.client.get(f"{page.path}?{page.query}", name="online: sandbox page")
        form = urlencode({"session": parse_qs(page.query)["session"][0], "choice": "pay"})
        with self.client.post(page.path, data=form, name="online: pay", allow_redirects=False, catch_response=True,
                              headers={"X-CSRFToken": self.csrf,
                                       "Content-Type": "application/x-www-form-urlencoded"}) as response:
            if response.status_code != 303:
                response.failure(f"status {response.status_code}")


class BuyerOrders(Buyer):
    pool = "orders"

    @task
    def orders(self):
        self.client.get("/orders", name="buyer order list")


class SellerCenter(Base):
    def on_start(self):
        self.login(FIXTURES["big_seller"])

    @task(3)
    def orders(self):
        self.client.get("/seller/orders", name="seller order list")

    @task(1)
    def dashboard(self):
        self.client.get("/seller/dashboard", name="seller dashboard")


class SellerMoney(Base):
    """The big shop's owner on the money pages: the balance (figures, the first page of entries, payouts)
    and the statement of its busiest month (one line per day and kind)."""

    def on_start(self):
        self.login(FIXTURES["big_seller"])

    @task(1)
    def balance(self):
        self.client.get("/seller/balance", name="seller balance")

    @task(1)
    def statement(self):
        self.client.get(f"/seller/statements/{FIXTURES['statement_month']}", name="seller statement")


class AdminDashboard(Base):
    def on_start(self):
        self.login(FIXTURES["admin"])

    @task
    def dashboard(self):
        self.client.get("/admin/", name="admin dashboard")


class Race(Buyer):
    """200 buyers, one attempt each, for the last units of one variant (run.py checks the stock)."""

    pool = "race"

    def on_start(self):
        super().on_start()
        self.done = False

    @task
    def buy_last_units(self):
        if self.done:
            self.stop()
            return
        self.done = True
        # A clean refusal (422 at add once sold out, 409 at checkout for a lost race) is not an error; a 5xx is.
        added = self.post_json("/api/v1/cart/items", {"variant_id": FIXTURES["race_variant_id"], "quantity": 1},
                               "race: cart add", expect=(201, 422))
        if added.status_code != 201:
            return
        self.post_json("/api/v1/orders", {"address_id": self.account["address_id"], "payment_method": "COD"},
                       "race: place order", expect=(201, 409, 422), **{"Idempotency-Key": uuid.uuid4().hex})
