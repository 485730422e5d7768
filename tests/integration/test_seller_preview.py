"""The seller's product preview: the public product page for a product shoppers can't see yet.

Only the shop's owner gets it (another shop's or a deleted product is a 404, like every
seller product route); it says why the product isn't public, offers no add-to-cart, its
variant picker stays inside the preview, and the anonymous page cache never keeps it.
"""
import re

import pytest

from marketplace.extensions import db
from marketplace.models import ProductStatus, Role, ShopStatus
from marketplace.web import page_cache
from tests.factories import make_category, make_product, make_shop, make_user
from tests.seller_support import login


@pytest.fixture
def owner(client):
    """The signed-in seller's shop."""
    seller = make_user(role=Role.SELLER)
    shop = make_shop(owner=seller)
    db.session.commit()
    login(client, seller)
    return shop


def product_of(shop, status=ProductStatus.DRAFT, shop_status=None, **fields):
    if shop_status is not None:
        shop.status = shop_status
    product = make_product(shop=shop, category=make_category(), status=status, **fields)
    db.session.commit()
    return product


def preview(client, product, **params):
    return client.get(f"/seller/products/{product.id}/preview", query_string=params)


def banner(html: str) -> str:
    match = re.search(r'data-testid="preview-banner">(.*?)</div>', html, re.S)
    assert match, "no preview banner"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_the_owner_previews_a_draft_with_a_banner_and_no_add_to_cart(client, owner):
    draft = product_of(owner, title="Lamp in the making", description="Still sanding it.")
    response = preview(client, draft)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview: this product is not public yet (Draft)." in banner(html)
    assert "Lamp in the making" in html and "Still sanding it." in html
    assert 'data-testid="own-product"' in html  # the owner's panel: a Seller Center link ...
    assert "/cart/items" not in html  # ... and no add-to-cart form
    assert f"/seller/products/{draft.id}/edit" in html
    assert 'rel="canonical"' not in html and "View in store" not in html
    assert client.get(f"/p/{draft.id}").status_code == 404  # shoppers still can't see it


@pytest.mark.parametrize("status, shop_status, reason", [
    (ProductStatus.ACTIVE, ShopStatus.PENDING, "(shop pending approval)"),
    (ProductStatus.DRAFT, ShopStatus.PENDING, "(Draft; shop pending approval)"),
    (ProductStatus.HIDDEN, ShopStatus.ACTIVE, "(hidden by an administrator)"),
    (ProductStatus.ACTIVE, ShopStatus.SUSPENDED, "(shop suspended)"),
])
def test_the_banner_says_why_shoppers_cant_see_it(client, owner, status, shop_status, reason):
    product = product_of(owner, status=status, shop_status=shop_status)
    html = preview(client, product).get_data(as_text=True)
    assert f"Preview: this product is not public yet {reason}." in banner(html)


def test_a_public_product_previews_as_public_with_a_link_to_the_store(client, owner):
    product = product_of(owner, status=ProductStatus.ACTIVE, title="Oak stool")
    html = preview(client, product).get_data(as_text=True)
    assert "Preview: this product is public." in banner(html) and "View in store" in html
    assert client.get(f"/p/{product.id}").status_code == 200


def test_the_variant_picker_stays_in_the_preview(client, owner):
    product = product_of(owner, variants=[{"name": "Red", "price": 1000, "stock": 3},
                                          {"name": "Blue", "price": 2500, "stock": 0}])
    blue = next(v for v in product.variants if v.name == "Blue")
    html = preview(client, product, variant=str(blue.id)).get_data(as_text=True)
    assert re.search(rf'value="{blue.id}" id="variant-{blue.id}"\s+autocomplete="off" checked', html)
    assert f'action="/seller/products/{product.id}/preview"' in html
    assert f'hx-get="/seller/products/{product.id}/preview/variant-panel"' in html
    assert "/variants/panel" not in html  # the public panel would be a 404 for a draft

    panel = client.get(f"/seller/products/{product.id}/preview/variant-panel", query_string={"variant": str(blue.id)},
                       headers={"HX-Request": "true", "HX-Target": "variant-panel"})
    fragment = panel.get_data(as_text=True)
    assert panel.status_code == 200 and "<html" not in fragment
    assert "$25.00" in fragment and "Out of stock" in fragment and "/cart/items" not in fragment
    assert panel.headers["HX-Replace-Url"] == f"/seller/products/{product.id}/preview?variant={blue.id}"


def test_another_shops_product_and_a_deleted_one_are_404(client, owner):
    theirs = make_product(title="Not yours", status=ProductStatus.DRAFT)
    gone = product_of(owner, status=ProductStatus.DELETED)
    db.session.commit()
    for product in (theirs, gone):
        for url in (f"/seller/products/{product.id}/preview", f"/seller/products/{product.id}/preview/variant-panel"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert "Not yours" not in response.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["", "/variant-panel"])
def test_buyers_and_anonymous_visitors_are_turned_away(client, suffix):
    product = make_product(status=ProductStatus.DRAFT, title="Secret draft")
    buyer = make_user()
    db.session.commit()
    url = f"/seller/products/{product.id}/preview{suffix}"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]
    login(client, buyer)
    as_buyer = client.get(url)
    assert as_buyer.status_code == 302 and as_buyer.headers["Location"] == "/"
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 403
    assert "Secret draft" not in as_buyer.get_data(as_text=True)


def cached_paths(app) -> list[str]:
    cached = app.extensions.get("page_cache")
    return [key[2] for key in cached[1].items] if cached else []


def test_the_preview_is_never_kept_by_the_anonymous_page_cache(app, client, owner):
    assert app.config["PAGE_CACHE_SIZE"]
    page_cache.clear()
    draft = product_of(owner, title="Cache-shy lamp")
    for _ in range(2):
        response = preview(client, draft)
        assert response.status_code == 200 and "X-Cache" not in response.headers
    anonymous = app.test_client()
    for _ in range(2):
        response = anonymous.get(f"/seller/products/{draft.id}/preview")
        assert response.status_code == 302 and "X-Cache" not in response.headers
        assert anonymous.get(f"/p/{draft.id}").status_code == 404
    assert not [path for path in cached_paths(app) if "/preview" in path]


def test_the_product_list_and_the_edit_page_link_the_preview(client, owner):
    draft = product_of(owner, title="Linked lamp")
    listing = client.get("/seller/products").get_data(as_text=True)
    assert f'href="/seller/products/{draft.id}/preview"' in listing
    edit = client.get(f"/seller/products/{draft.id}/edit").get_data(as_text=True)
    assert f'href="/seller/products/{draft.id}/preview"' in edit


def test_the_edit_page_of_a_pending_shop_offers_the_preview_not_the_store(client, owner):
    product = product_of(owner, status=ProductStatus.ACTIVE, shop_status=ShopStatus.PENDING)
    edit = client.get(f"/seller/products/{product.id}/edit").get_data(as_text=True)
    assert "View in store" not in edit and f"/seller/products/{product.id}/preview" in edit
