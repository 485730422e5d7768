"""Admin products: filters, keyset pages, hide with a reason and unhide, in place with htmx or PRG."""
import re

import pytest

from marketplace.extensions import db
from marketplace.models import ProductStatus
from tests.admin_support import CONFIRMED, audit_entries, htmx, notifications_of
from tests.factories import make_category, make_product, make_shop


def row_ids(html: str) -> list[str]:
    return re.findall(r'data-product-id="([0-9a-f-]{36})"', html)


def test_filters_by_title_shop_category_and_status(admin_client):
    shop = make_shop(name="Tiệm Hoa Mai", slug="tiem-hoa-mai")
    parent = make_category(name="Thời trang")
    child = make_category(parent=parent, name="Áo")
    shirt = make_product(shop=shop, category=child, title="Áo sơ mi trắng")
    other = make_product(title="Blue kettle")
    hidden = make_product(title="Hidden kettle", status=ProductStatus.HIDDEN, status_reason="spam")

    def ids(**query):
        return set(row_ids(admin_client.get("/admin/products", query_string=query).get_data(as_text=True)))

    assert ids(q="sơ mi") == {str(shirt.id)}
    assert ids(q="kettle") == {str(other.id), str(hidden.id)}
    assert ids(shop="hoa mai") == {str(shirt.id)}
    assert ids(shop="tiem-hoa") == {str(shirt.id)}
    assert ids(category=str(child.id)) == {str(shirt.id)}
    assert ids(status="HIDDEN") == {str(hidden.id)}
    page = admin_client.get("/admin/products").get_data(as_text=True)
    assert "Thời trang › Áo" in page  # categories offered in tree order


@pytest.mark.parametrize("q", ["%", "_", "' OR '1'='1", "\\", "%%__"])
def test_sql_looking_title_search_is_harmless(admin_client, q):
    make_product(title="Ordinary thing")
    response = admin_client.get("/admin/products", query_string={"q": q, "shop": q})
    assert response.status_code == 200
    assert row_ids(response.get_data(as_text=True)) == []


def test_listing_is_keyset_paged_without_n_plus_one(admin_client, count_queries):
    shop = make_shop()
    products = [make_product(shop=shop, title=f"Bulk {i}") for i in range(30)]
    with count_queries() as queries:
        html = admin_client.get("/admin/products", query_string={"q": "Bulk"}).get_data(as_text=True)
    first = row_ids(html)
    assert len(first) == 25
    assert len(queries) <= 4  # user, categories for the filter, the page (shop + category joined)
    next_url = re.search(r'hx-get="([^"]+cursor=[^"]+)"', html).group(1).replace("&amp;", "&")
    rest = row_ids(admin_client.get(next_url, headers=htmx("products-more")).get_data(as_text=True))
    assert sorted(first + rest) == sorted(str(p.id) for p in products)


def test_hide_with_htmx_swaps_the_row_and_records_everything(admin_client, admin):
    product = make_product(title="Fake watch")
    response = admin_client.post(f"/admin/products/{product.id}/hide", data={**CONFIRMED, "reason": "Counterfeit"},
                                 headers=htmx(f"product-{product.id}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="product-{product.id}"') and "Unhide" in html
    db.session.expire_all()
    assert product.status == ProductStatus.HIDDEN and product.status_reason == "Counterfeit"
    [entry] = audit_entries("product.hide", product.id)
    assert entry.actor_id == admin.id
    [notice] = notifications_of(product.shop.owner_id, "product.hidden")
    assert "Counterfeit" in notice.body


def test_hide_plain_form_redirects_back_to_the_filtered_list(admin_client):
    product = make_product()
    response = admin_client.post(f"/admin/products/{product.id}/hide",
                                 data={**CONFIRMED, "reason": "Spam", "next": "/admin/products?status=ACTIVE"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/products?status=ACTIVE"
    assert "is hidden from the storefront" in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    # `next` pointing elsewhere is ignored.
    other = make_product()
    response = admin_client.post(f"/admin/products/{other.id}/hide",
                                 data={**CONFIRMED, "reason": "Spam", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/admin/products"


def test_hide_without_reason_is_refused_with_the_message_next_to_the_field(admin_client):
    product = make_product()
    response = admin_client.post(f"/admin/products/{product.id}/hide", data={**CONFIRMED, "reason": ""},
                                 headers=htmx(f"product-{product.id}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give a reason" in html and "is-invalid" in html
    # Without JavaScript the confirm step comes back, the message tied to its reason field.
    plain = admin_client.post(f"/admin/products/{product.id}/hide", data={**CONFIRMED, "reason": " "})
    assert plain.status_code == 422
    page = plain.get_data(as_text=True)
    assert "<html" in page and "Give a reason" in page and 'aria-invalid="true"' in page
    db.session.expire_all()
    assert product.status == ProductStatus.ACTIVE and audit_entries(target_id=product.id) == []


def test_unhide_restores_and_audits(admin_client):
    product = make_product()
    admin_client.post(f"/admin/products/{product.id}/hide", data={**CONFIRMED, "reason": "Check"})
    response = admin_client.post(f"/admin/products/{product.id}/unhide", headers=htmx(f"product-{product.id}"))
    assert response.status_code == 200 and "Hide…</button>" in response.get_data(as_text=True)
    db.session.expire_all()
    assert product.status == ProductStatus.ACTIVE
    assert [e.action for e in audit_entries(target_id=product.id)] == ["product.hide", "product.unhide"]
    again = admin_client.post(f"/admin/products/{product.id}/unhide", headers=htmx(f"product-{product.id}"))
    assert again.status_code == 422 and "not hidden" in again.get_data(as_text=True)


def test_hiding_an_unknown_product_is_404(admin_client):
    response = admin_client.post("/admin/products/00000000-0000-0000-0000-000000000000/hide",
                                 data={**CONFIRMED, "reason": "x"})
    assert response.status_code == 404


def test_hide_and_unhide_work_on_a_product_loaded_fresh_by_the_request(admin_client):
    """Nothing in the session's identity map: the view loads the product with its joins, as in production."""
    product_id = make_product().id
    db.session.expunge_all()
    hidden = admin_client.post(f"/admin/products/{product_id}/hide", data={**CONFIRMED, "reason": "Spam"},
                               headers=htmx(f"product-{product_id}"))
    assert hidden.status_code == 200
    db.session.expunge_all()
    shown = admin_client.post(f"/admin/products/{product_id}/unhide", headers=htmx(f"product-{product_id}"))
    assert shown.status_code == 200
    assert [e.action for e in audit_entries(target_id=product_id)] == ["product.hide", "product.unhide"]
