"""The admin's review page of one shop: profile, owner, products, figures, history, and its actions."""
import re
from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.models import OrderStatus, ProductStatus, Role, ShopStatus
from marketplace.models.base import utcnow
from tests.admin_support import htmx, login
from tests.catalog_support import add_image
from tests.factories import make_order, make_product, make_shop, make_user


@pytest.fixture
def pending(admin_client):
    owner = make_user(full_name="Lan Nguyễn", email="lan@example.com", phone="+84901234567", is_verified=True)
    shop = make_shop(owner=owner, status=ShopStatus.PENDING, name="Gốm Bát Tràng", slug="gom-bat-trang",
                     description="Handmade pottery from Bát Tràng.\nFired twice.", logo_key="logos/gom.webp")
    return shop


def test_the_page_shows_what_the_shop_is_and_who_runs_it(admin_client, pending):
    kettle = make_product(shop=pending, title="Ấm trà men lam", variants=[{"price": 125000, "stock": 3}])
    add_image(kettle)
    make_product(shop=pending, title="Bình hoa", status=ProductStatus.DRAFT)
    make_product(shop=pending, title="Gone", status=ProductStatus.DELETED)
    response = admin_client.get(f"/admin/shops/{pending.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1 class=\"h3 mb-1\">Gốm Bát Tràng</h1>" in page and "/s/gom-bat-trang" in page
    assert 'alt="Logo of Gốm Bát Tràng"' in page and "logos/gom.webp" in page
    assert "Handmade pottery from Bát Tràng.\nFired twice." in page
    owner = page.split('id="shop-owner"', 1)[1].split("</dl>", 1)[0]
    assert f'href="/admin/users/{pending.owner_id}">Lan Nguyễn</a>' in owner
    assert "lan@example.com" in owner and "+84901234567" in owner and "Yes" in owner
    products = page.split('id="shop-products"', 1)[1].split("</ul>", 1)[0]
    assert "Ấm trà men lam" in products and "Bình hoa" in products and "Gone" not in products
    assert f"{kettle.id.hex}-0-thumb.webp" in products and ">Draft<" in products
    assert re.search(r'data-figure="products">2<', page) and re.search(r'data-figure="active">1<', page)
    # Its decision: approve and reject open their confirm steps, back to this page.
    actions = page.split('id="shop-actions"', 1)[1].split("</section>", 1)[0]
    assert f'action="/admin/shops/{pending.id}/approve"' in actions and "Approve…</button>" in actions
    assert f'action="/admin/shops/{pending.id}/reject"' in actions and "Reject…</button>" in actions
    assert f'name="next" value="/admin/shops/{pending.id}"' in actions and "Suspend" not in actions


def test_orders_and_revenue_come_from_the_shops_rollup(admin_client):
    shop = make_shop(status=ShopStatus.ACTIVE)
    product = make_product(shop=shop, variants=[{"price": 1000, "stock": 10}])
    make_order(product=product, status=OrderStatus.COMPLETED)
    make_order(product=product, status=OrderStatus.CANCELLED)
    page = admin_client.get(f"/admin/shops/{shop.id}").get_data(as_text=True)
    assert re.search(r'data-figure="orders">2<', page)
    revenue = re.search(r'data-figure="revenue">([^<]+)<', page).group(1)
    assert revenue != "$0.00" and "Suspend…</button>" in page


def test_the_history_reads_in_words_newest_first(admin_client, admin):
    shop = make_shop(status=ShopStatus.PENDING, name="Kettles")
    db.session.commit()
    admin_client.post(f"/admin/shops/{shop.id}/reject", data={"confirm": "yes", "reason": "Blurry logo"})
    db.session.expire_all()
    shop.status = ShopStatus.PENDING  # the owner fixed it and asked again
    db.session.flush()
    admin_client.post(f"/admin/shops/{shop.id}/approve", data={"confirm": "yes"})
    page = admin_client.get(f"/admin/shops/{shop.id}").get_data(as_text=True)
    history = page.split('id="shop-history"', 1)[1].split("</ol>", 1)[0]
    assert re.findall(r'data-action="([^"]+)"', history) == ["shop.approve", "shop.reject"]
    assert "Approved a shop" in history and "Rejected a shop" in history and "by Ada Admin" in history
    assert "Reason:</span> Blurry logo" in history
    assert re.search(r"Status:</span>\s*<span class=\"audit-before\">Pending</span>.*?"
                     r"<span class=\"audit-after\">Rejected</span>", history, re.S)
    assert "·" not in history.replace(" · ", "") and "to_status" not in history


def test_the_product_list_is_bounded_and_links_to_all_of_them(admin_client):
    shop = make_shop()
    for minute in range(26):
        product = make_product(shop=shop, title=f"Item {minute:02d}")
        product.created_at = utcnow() - timedelta(minutes=minute)
    db.session.flush()
    page = admin_client.get(f"/admin/shops/{shop.id}").get_data(as_text=True)
    products = page.split('id="shop-products"', 1)[1].split("</ul>", 1)[0]
    assert products.count("data-product-id") == 24 and "Item 00" in products and "Item 25" not in products
    assert f'href="/admin/products?shop={shop.slug}">All 26 products</a>' in page


def test_a_shop_without_logo_description_or_products_says_so(admin_client):
    shop = make_shop(description="", status=ShopStatus.REJECTED, status_reason="Empty shop")
    page = admin_client.get(f"/admin/shops/{shop.id}").get_data(as_text=True)
    assert "No logo" in page and "(no description)" in page and 'id="shop-products-empty"' in page
    assert "Empty shop" in page and "waiting for the owner" in page


def test_the_queue_links_each_shop_to_its_review_page(admin_client, pending):
    html = admin_client.get("/admin/shops").get_data(as_text=True)
    assert f'<a class="fw-semibold" href="/admin/shops/{pending.id}">Gốm Bát Tràng</a>' in html
    assert f'href="/admin/shops/{pending.id}">Review<span class="visually-hidden"> Gốm Bát Tràng</span>' in html


def test_approving_from_the_page_comes_back_to_it(admin_client, pending):
    step = admin_client.get(f"/admin/shops/{pending.id}/approve", query_string={"next": f"/admin/shops/{pending.id}"})
    assert "Lan Nguyễn is told that their shop is open." in step.get_data(as_text=True)
    response = admin_client.post(f"/admin/shops/{pending.id}/approve",
                                 data={"confirm": "yes", "next": f"/admin/shops/{pending.id}"})
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/shops/{pending.id}"
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Gốm Bát Tràng” is approved and open." in page and ">Active<" in page


def test_unknown_shop_is_404(admin_client):
    assert admin_client.get("/admin/shops/00000000-0000-0000-0000-000000000000").status_code == 404


@pytest.mark.parametrize("role", [Role.BUYER, Role.SELLER])
def test_only_admins_see_it(client, role):
    shop = make_shop(status=ShopStatus.PENDING)
    login(client, make_user(role=role))
    response = client.get(f"/admin/shops/{shop.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get(f"/admin/shops/{shop.id}", headers=htmx("main")).status_code == 403
    anonymous = client.application.test_client()
    assert anonymous.get(f"/admin/shops/{shop.id}").headers["Location"].startswith("/account/login")


def test_from_the_pages_dialog_a_refusal_stays_in_it_and_success_reloads_the_page(admin_client, pending):
    page_url = f"/admin/shops/{pending.id}"
    step = admin_client.get(f"{page_url}/reject", query_string={"target": "admin-confirm-body", "next": page_url},
                            headers=htmx("admin-confirm-body")).get_data(as_text=True)
    assert f'hx-post="{page_url}/reject" hx-target="#admin-confirm-body"' in step and 'hx-swap="innerHTML"' in step
    refused = admin_client.post(f"{page_url}/reject", data={"confirm": "yes", "reason": "", "next": page_url},
                                headers=htmx("admin-confirm-body"))
    assert refused.status_code == 422 and "Give a reason" in refused.get_data(as_text=True)
    done = admin_client.post(f"{page_url}/reject", data={"confirm": "yes", "reason": "Fakes", "next": page_url},
                             headers=htmx("admin-confirm-body"))
    assert done.status_code == 204 and done.headers["HX-Redirect"] == page_url
    db.session.refresh(pending)
    assert pending.status == ShopStatus.REJECTED
    assert "“Gốm Bát Tràng” is rejected." in admin_client.get(page_url).get_data(as_text=True)
