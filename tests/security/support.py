"""Shared helpers of the security tests: route discovery, logins, a database fingerprint, a small world.

Routes are read from the app's url_map at collection time, so a route another area adds
later is covered (or makes a test fail until it is) without editing these tests.
"""
import functools
import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import text

from marketplace.extensions import db
from marketplace.models import Role
from tests.conftest import CsrfClient, make_test_config
from tests.factories import login, make_address, make_category, make_product, make_shop, make_user

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'


@functools.cache
def collection_app():
    """An app built at collection time to read its routes and its OpenAPI document (it never connects)."""
    from marketplace import create_app

    return create_app(make_test_config("postgresql://collect-only@127.0.0.1:9/none"))


def url_rules() -> tuple:
    """Every rule of the app, sorted."""
    return tuple(sorted(collection_app().url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint)))


def rule_id(rule, method: str | None = None) -> str:
    return f"{method + ' ' if method else ''}{rule.rule} [{rule.endpoint}]"


def uuid_arguments(rule) -> list[str]:
    return [name for name, converter in rule._converters.items() if type(converter).__name__ == "UUIDConverter"]


def build_path(rule, values: dict) -> str:
    """The rule's path with `values`; arguments not given get harmless placeholders."""
    filled = {}
    for name, converter in rule._converters.items():
        if name in values:
            filled[name] = values[name]
        elif type(converter).__name__ == "UUIDConverter":
            filled[name] = "00000000-0000-4000-8000-000000000000"
        else:
            filled[name] = "x"
    _, path = rule.build(filled, append_unknown=False)
    return path.split("|", 1)[-1]


def client_for(app, user=None) -> CsrfClient:
    app.test_client_class = CsrfClient
    client = app.test_client()
    login(client, user)
    return client


def db_fingerprint() -> str:
    """A hash of every row of every table, read on the test's own connection (sees its uncommitted rows).
    The logins table is left out: client_for's sign-ins write there, and are not the request's doing."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if table.name == "login_sessions":
            continue
        row = db.session.execute(text(
            f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) FROM "{table.name}" t'
        )).one()
        digest.update(f"{table.name}:{row[0]}:{row[1]};".encode())
    return digest.hexdigest()


def is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303) and urlsplit(response.headers["Location"]).path == "/account/login"


def is_role_refusal(response) -> bool:
    """401/403, or the page redirect a role decorator gives (to login, home or verification)."""
    if response.status_code in (401, 403):
        return True
    if response.status_code in (301, 302, 303):
        return urlsplit(response.headers["Location"]).path in ("/account/login", "/", "/account/verify")
    return False


@dataclass
class World:
    """Two buyers, two sellers with an ACTIVE shop each, an admin, and a product of shop A."""

    buyer_a: object
    buyer_b: object
    seller_a: object
    seller_b: object
    admin: object
    shop_a: object
    shop_b: object
    category: object
    product_a: object
    address_a: object


def make_world() -> World:
    buyer_a = make_user(full_name="Alice Buyer")
    address_a = make_address(buyer_a, is_default=True, line1="42 Secret Street")
    seller_a = make_user(role=Role.SELLER, full_name="Sara Seller")
    seller_b = make_user(role=Role.SELLER, full_name="Bob Otherseller")
    shop_a = make_shop(owner=seller_a, name="Alpha Secret Shop")
    shop_b = make_shop(owner=seller_b, name="Beta Shop")
    category = make_category(name="Kettles")
    product_a = make_product(shop=shop_a, category=category, title="Alpha Secretkettle",
                             variants=[{"price": 2500, "stock": 20}])
    return World(
        buyer_a=buyer_a, buyer_b=make_user(full_name="Bob Buyer"), seller_a=seller_a, seller_b=seller_b,
        admin=make_user(role=Role.ADMIN, full_name="Ada Admin"), shop_a=shop_a, shop_b=shop_b,
        category=category, product_a=product_a, address_a=address_a,
    )
