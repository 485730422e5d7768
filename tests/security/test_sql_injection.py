"""SQL injection attempts in every search and filter parameter of the HTML and API listings.

For each (listing, parameter) the classic payloads are sent one by one. The answer is
never a 500; it never shows what the caller may not see (a draft product, another
buyer's order, a password hash); a free-text search finds only what the literal text
matches (here: nothing); a filter never widens the results beyond the unfiltered list;
and the database is unchanged.
"""
from urllib.parse import urlsplit

import pytest

from marketplace.extensions import db
from marketplace.models import CartItem, OrderStatus, ProductStatus, Role
from marketplace.services.core import rollups
from marketplace.services.core.paging import encode_cursor
from tests.factories import make_address, make_category, make_order, make_product, make_shop, make_user
from tests.security.support import client_for, db_fingerprint

PAYLOADS = [
    "' OR '1'='1",
    "1' OR 1=1 --",
    "1; DROP TABLE products; --",
    "') UNION SELECT password_hash, email FROM users --",
    "%' OR '%'='",
    "\\'; SELECT pg_sleep(0); --",
    "1 AND 1=CAST((SELECT password_hash FROM users LIMIT 1) AS int)",
    "99999999999999999999999",
    "\x00' OR 1=1",
    encode_cursor(["newest", "2020-01-01' OR 1=1 --", "x' OR '1'='1"]),
]
VISIBLE = ("Sqli Alpha Kettle", "Sqli Beta Teapot")
LISTING = ("min_price", "max_price", "min_rating", "shop", "sort", "cursor", "limit", "in_stock")
API_LISTING = ("category", "min_price", "max_price", "min_rating", "shop_id", "sort", "cursor", "limit", "in_stock")
FREE_TEXT = "free text"  # a search: the payload matches none of the products

# (role, path, fixed query, {parameter: kind}); kind is "filter" or FREE_TEXT
ROUTES = [
    ("anon", "/search", {"q": "Sqli"}, {"q": FREE_TEXT, **dict.fromkeys(LISTING, "filter")}),
    ("anon", "/search/suggest", {}, {"q": FREE_TEXT}),
    ("anon", "/c/{category}", {}, dict.fromkeys(LISTING, "filter")),
    ("anon", "/s/{shop}", {}, dict.fromkeys(LISTING, "filter")),
    ("anon", "/p/{product}/reviews", {}, dict.fromkeys(("rating", "with_images", "cursor"), "filter")),
    ("anon", "/p/{product}/reviews/list", {}, dict.fromkeys(("rating", "with_images", "cursor"), "filter")),
    ("buyer", "/orders", {}, dict.fromkeys(("status", "cursor"), "filter")),
    ("buyer", "/notifications", {}, {"cursor": "filter"}),
    ("buyer", "/account/reviews", {}, dict.fromkeys(("tab", "cursor"), "filter")),
    ("buyer", "/checkout", {}, {"line": "filter"}),
    ("seller", "/seller/orders", {}, dict.fromkeys(("status", "cursor"), "filter")),
    ("seller", "/seller/products", {}, {"q": FREE_TEXT, "status": "filter", "cursor": "filter"}),
    ("seller", "/seller/reviews", {}, dict.fromkeys(("rating", "unreplied", "cursor"), "filter")),
    ("seller", "/seller/vouchers", {}, {"cursor": "filter"}),
    ("admin", "/admin/users", {}, {"q": FREE_TEXT, "role": "filter", "status": "filter", "cursor": "filter"}),
    ("admin", "/admin/products", {}, {"q": FREE_TEXT, "shop": FREE_TEXT, "category": "filter", "status": "filter",
                                      "cursor": "filter"}),
    ("admin", "/admin/shops", {}, {"q": FREE_TEXT, "status": "filter", "cursor": "filter"}),
    ("admin", "/admin/reviews", {}, {"q": FREE_TEXT, "state": "filter", "rating": "filter", "cursor": "filter"}),
    ("admin", "/admin/audit", {}, {"actor": FREE_TEXT, **dict.fromkeys(
        ("action", "target_type", "date_from", "date_to", "cursor"), "filter")}),
    ("anon", "/api/v1/products", {}, dict.fromkeys(API_LISTING, "filter")),
    ("anon", "/api/v1/products/search", {"q": "Sqli"}, {"q": FREE_TEXT, **dict.fromkeys(API_LISTING, "filter")}),
    ("anon", "/api/v1/products/{product}/reviews", {}, dict.fromkeys(("rating", "with_images", "cursor", "limit"),
                                                                       "filter")),
    ("buyer", "/api/v1/orders", {}, dict.fromkeys(("status", "cursor", "limit"), "filter")),
    ("buyer", "/api/v1/notifications", {}, dict.fromkeys(("cursor", "limit"), "filter")),
    ("buyer", "/api/v1/vouchers/available", {"shop_id": "{shop_id}"}, dict.fromkeys(("shop_id", "subtotal"), "filter")),
]
CASES = [(role, path, fixed, name, kind) for role, path, fixed, params in ROUTES for name, kind in params.items()]


@pytest.fixture
def catalog():
    seller, rival = make_user(role=Role.SELLER), make_user(role=Role.SELLER)
    shop, rival_shop = make_shop(owner=seller, name="Sqlshop"), make_shop(owner=rival, name="Rivalshop")
    category = make_category(name="Sqlcat")
    alpha = make_product(shop=shop, category=category, title=VISIBLE[0])
    make_product(shop=shop, category=category, title=VISIBLE[1])
    make_product(shop=shop, category=category, title="Sqli Hidden Draft", status=ProductStatus.DRAFT)
    rival_product = make_product(shop=rival_shop, category=category, title="Rival Draft", status=ProductStatus.DRAFT)
    buyer, other = make_user(), make_user(email="other-buyer-secret@example.com")
    make_address(buyer, is_default=True)
    db.session.add(CartItem(user_id=buyer.id, variant_id=alpha.variants[0].id, quantity=1))
    make_order(buyer, alpha, status=OrderStatus.DELIVERED)
    secret_order = make_order(other, alpha, status=OrderStatus.PENDING)
    rival_order = make_order(other, rival_product, status=OrderStatus.PENDING)
    db.session.commit()
    rollups.include_pending()  # the deferred cache-version triggers fire now, as at a real COMMIT, not in a request
    never = ["$2b$"]  # a password hash, whoever asks
    return {
        "users": {"anon": None, "buyer": buyer, "seller": seller, "admin": make_user(role=Role.ADMIN)},
        "names": {"category": category.slug, "shop": shop.slug, "product": alpha.id, "shop_id": shop.id},
        # what each caller's listings may never show, whatever the parameters
        "secrets": {
            "anon": never + ["Sqli Hidden Draft", "Rival Draft", secret_order.number, "other-buyer-secret@"],
            "buyer": never + ["Sqli Hidden Draft", "Rival Draft", secret_order.number, "other-buyer-secret@"],
            "seller": never + ["Rival Draft", rival_order.number],
            "admin": never,
        },
    }


def is_local_redirect(response, path: str) -> bool:
    """A listing may answer a bad cursor by sending the browser back to its first page."""
    return response.status_code in (302, 303) and urlsplit(response.headers["Location"]).path == path


def shown(body: str) -> set[str]:
    # an empty result suggests the best sellers below it (catalog/partials/_empty.html): not matches
    body = body.split('aria-labelledby="empty-best-heading"')[0]
    return {title for title in VISIBLE if title in body}


@pytest.mark.parametrize("role, path, fixed, name, kind", CASES,
                         ids=[f"{role} {path} {name}" for role, path, _, name, _ in CASES])
def test_injection_in_a_listing_parameter_is_inert(app, catalog, role, path, fixed, name, kind):
    client = client_for(app, catalog["users"][role])
    url = path.format(**catalog["names"])
    fixed = {key: value.format(**catalog["names"]) for key, value in fixed.items()}
    baseline = client.get(url, query_string=fixed)
    assert baseline.status_code == 200, f"{url}: {baseline.status_code}"
    allowed = shown(baseline.get_data(as_text=True))
    before = db_fingerprint()
    for payload in PAYLOADS:
        response = client.get(url, query_string={**fixed, name: payload})
        body = response.get_data(as_text=True)
        where = f"{url}?{name}={payload!r} as {role}"
        assert response.status_code in (200, 400, 404, 422) or is_local_redirect(response, url), (
            f"{where}: {response.status_code}")
        for secret in catalog["secrets"][role]:
            assert secret not in body, f"{where} shows {secret!r}"
        if kind == FREE_TEXT:
            assert not shown(body), f"{where} matched products the literal text doesn't"
        else:
            assert shown(body) <= allowed, f"{where} widened the results"
        if path.startswith("/api/") and response.status_code != 200:
            assert set(response.get_json()) == {"error"}, f"{where}: not the API error shape"
    assert db_fingerprint() == before


def test_nul_bytes_anywhere_in_the_input_are_a_clear_400(app, catalog):
    """PostgreSQL text can't hold NUL: path, query, form and JSON bodies with one are refused up front."""
    client = client_for(app, catalog["users"]["buyer"])
    before = db_fingerprint()
    answers = [
        client.get("/c/a%00b"),
        client.get("/s/a%00b"),
        client.get("/search", query_string={"q": "a\x00b"}),
        client.post("/account/profile", data={"full_name": "Nul\x00Name"}),
        client.post("/api/v1/auth/register", json={"email": "nul@example.com", "password": "long enough 1",
                                                   "full_name": "Nul\x00Name"}),
        client.put("/api/v1/profile", data='{"full_name": "Nul\\u0000Name"}', content_type="application/json"),
    ]
    for response in answers:
        assert response.status_code == 400, response.request.path
    assert answers[-1].get_json()["error"]["code"] == "bad_request"
    assert "NUL character" in answers[3].get_data(as_text=True)
    assert db_fingerprint() == before
