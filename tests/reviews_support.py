"""Helpers for the review, notification and seller-dashboard tests."""
import io

import pytest
from PIL import Image

from marketplace.models import OrderItem, OrderStatus, Role
from marketplace.storage import LocalStorage
from tests.factories import login  # noqa: F401 - re-exported: the one sign-in helper
from tests.factories import make_order, make_product, make_shop, make_user



def htmx(target: str | None = None) -> dict:
    headers = {"HX-Request": "true"}
    if target:
        headers["HX-Target"] = target
    return headers


def png_bytes(color=(200, 30, 30), size=(24, 16)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def seller_with_product(**product_fields):
    """A seller, their ACTIVE shop and one ACTIVE product."""
    seller = make_user(role=Role.SELLER, full_name="Sam Seller")
    shop = make_shop(owner=seller)
    return seller, shop, make_product(shop=shop, **product_fields)


def bought_line(product, buyer=None, status=OrderStatus.DELIVERED, **order_fields) -> OrderItem:
    """The order line of a one-line order of `product` by `buyer` (a new buyer by default) in `status`."""
    order = make_order(buyer=buyer or make_user(), product=product, status=status, **order_fields)
    return order.items[0]


@pytest.fixture
def temp_storage(app, tmp_path):
    """Uploads go to a temporary directory for the test."""
    previous = app.extensions.get("storage")
    app.extensions["storage"] = LocalStorage(tmp_path)
    yield tmp_path
    if previous is None:
        app.extensions.pop("storage", None)
    else:
        app.extensions["storage"] = previous
