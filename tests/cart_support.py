"""Helpers for the cart, checkout and voucher tests."""
from marketplace.extensions import db
from tests.factories import login  # noqa: F401 - re-exported: the one sign-in helper
from tests.factories import make_address, make_product, make_shop, make_user


def htmx(target: str | None = None) -> dict:
    headers = {"HX-Request": "true"}
    if target:
        headers["HX-Target"] = target
    return headers


def buyer_with_address(**fields):
    buyer = make_user(**fields)
    address = make_address(buyer, is_default=True)
    return buyer, address


def two_shops(stock_a: int = 5, stock_b: int = 5):
    """Two active shops with one product each (prices 2000 and 1500)."""
    shop_a, shop_b = make_shop(name="Alpha Store"), make_shop(name="Beta Store")
    product_a = make_product(shop=shop_a, title="Alpha Kettle", variants=[{"price": 2000, "stock": stock_a}])
    product_b = make_product(shop=shop_b, title="Beta Teapot", variants=[{"price": 1500, "stock": stock_b}])
    db.session.flush()
    return (shop_a, product_a), (shop_b, product_b)
