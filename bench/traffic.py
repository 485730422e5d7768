"""What the anonymous benchmark visitors ask for: one definition for both load generators.

locustfile.py draws each request from these mixes as it goes; run.py draws the same mixes in
advance into the URL list that bench/wrk/scenario.lua replays (one fresh list per wrk run).
Plain standard library: run.py imports it without importing locust (and its gevent patching).
"""
import random
import re
from urllib.parse import urlencode

# The "Load more" link of a listing page; its cursor is what the htmx button sends next.
CURSOR = re.compile(r"cursor=([A-Za-z0-9_\-]+)")
SORTS = ["newest", "price_asc", "price_desc", "top_rated", "best_selling"]
# 50 queries: Vietnamese with and without accents, English, and a few that match nothing.
SEARCHES = [
    "áo thun", "ao thun", "cà phê", "ca phe", "cafe", "wireless earbuds", "tai nghe", "điện thoại",
    "dien thoai", "giày", "giay the thao", "sneakers", "túi xách", "tui xach", "backpack", "đồng hồ",
    "dong ho", "watch", "trà", "tra xanh", "green tea", "laptop", "bàn phím", "ban phim", "keyboard",
    "chuột", "mouse", "sạc", "charger", "ốp lưng", "op lung", "case", "váy", "vay", "dress", "quần jean",
    "quan jean", "jeans", "nồi", "noi com dien", "rice cooker", "đèn", "lamp", "gối", "pillow",
    "zzqx nothing", "no such product xyz", "qwertyuiop", "ñandú", "kệ sách",
]
# Words that match a tenth of the generated catalogue or more: a search for one of them, never
# asked before, ranks from the database (issue 20's "cold broad search").
BROAD_SEARCHES = ["ao", "ao thun", "ca phe", "laptop", "tai nghe", "giay", "tra", "den", "noi", "sac"]
STATIC_FILE = "/static/css/app.css"
# The htmx "Load more" button: a GET of the same listing plus the cursor, aimed at #load-more.
LOAD_MORE_HEADERS = {"HX-Request": "true", "HX-Target": "load-more"}


def category_request(rng: random.Random, slugs: list[str]) -> tuple[str, dict]:
    """A category first page: random category, random sort, in stock 30 %, 4 stars and up 20 %."""
    path = f"/c/{rng.choice(slugs)}"
    params = {"sort": rng.choice(SORTS)}
    if rng.random() < 0.3:
        params["in_stock"] = "y"
    if rng.random() < 0.2:
        params["min_rating"] = "4"
    return path, params


def search_params(rng: random.Random) -> dict:
    return {"q": rng.choice(SEARCHES)}


def cold_search_params(rng: random.Random) -> dict:
    """A broad word made a query nobody asked before: it also excludes a made-up word that no
    product has, so it finds exactly what the word finds but no cache (page or listing) holds it."""
    return {"q": f"{rng.choice(BROAD_SEARCHES)} -zq{rng.getrandbits(48):x}"}


def product_path(rng: random.Random, product_ids: list[str]) -> str:
    return f"/p/{rng.choice(product_ids)}"


def draw_urls(mix: str, fixtures: dict, count: int, rng: random.Random) -> list[str]:
    """`count` request targets (path and query) of one mix, drawn like locustfile.py draws them."""
    if mix == "static":
        return [STATIC_FILE]
    if mix == "home":
        return ["/"]
    urls = []
    for _ in range(count):
        if mix == "category":
            path, params = category_request(rng, fixtures["category_slugs"])
            urls.append(f"{path}?{urlencode(params)}")
        elif mix == "search":
            urls.append(f"/search?{urlencode(search_params(rng))}")
        elif mix == "cold-search":
            urls.append(f"/search?{urlencode(cold_search_params(rng))}")
        elif mix == "product":
            urls.append(product_path(rng, fixtures["product_ids"]))
        else:
            raise ValueError(f"unknown mix {mix!r}")
    return urls
