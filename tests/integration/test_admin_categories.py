"""Admin categories: the tree, create / rename / move / delete through the catalog rules, each audited."""
import re

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Category, Product, ProductStatus
from tests.admin_support import CONFIRMED, audit_entries, htmx
from tests.factories import make_category, make_product

WORKSPACE = htmx("category-workspace")


def by_name(name):
    db.session.expire_all()
    return db.session.scalar(select(Category).where(Category.name == name))


def test_tree_view_nests_children_with_product_counts(admin_client):
    root = make_category(name="Điện tử")
    child = make_category(parent=root, name="Điện thoại")
    make_product(category=child)
    make_product(category=child)
    html = admin_client.get("/admin/categories").get_data(as_text=True)
    tree = html[html.index('id="category-tree"'):]
    assert tree.index("Điện tử") < tree.index("Điện thoại")
    assert re.search(rf'data-category-id="{root.id}">.*?data-category-id="{child.id}"', tree, re.S)
    assert "2 products" in tree


def test_create_plain_form_prg_and_audit(admin_client, admin):
    parent = make_category(name="Nhà cửa")
    response = admin_client.post("/admin/categories", data={"name": "  Bếp  ", "parent_id": str(parent.id)})
    created = by_name("Bếp")
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/categories/{created.id}"
    assert created.parent_id == parent.id and created.slug == "bep"
    assert "Category “Bếp” created." in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    [entry] = audit_entries("category.create", created.id)
    assert entry.actor_id == admin.id and entry.data["parent_id"] == str(parent.id)


def test_create_with_htmx_returns_the_workspace(admin_client):
    response = admin_client.post("/admin/categories", data={"name": "Sách", "parent_id": ""}, headers=WORKSPACE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="category-workspace"') and "<html" not in html
    assert "Sách" in html and by_name("Sách").parent_id is None


def test_create_without_name_shows_the_error_next_to_the_field(admin_client):
    response = admin_client.post("/admin/categories", data={"name": "", "parent_id": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="name-create-error"' in html and "Name the category." in html
    assert audit_entries("category.create") == []


def test_rename_keeps_slug_and_is_audited(admin_client):
    category = make_category(name="Old name", slug="old-name")
    response = admin_client.post(f"/admin/categories/{category.id}/rename", data={"name": "New name"},
                                 headers=WORKSPACE)
    assert response.status_code == 200 and "Renamed to “New name”." in response.get_data(as_text=True)
    db.session.expire_all()
    assert category.name == "New name" and category.slug == "old-name"
    [entry] = audit_entries("category.rename", category.id)
    assert entry.data == {"name": "New name", "old_name": "Old name"}


def test_move_under_another_parent_and_back_to_the_top(admin_client):
    a, b = make_category(name="A"), make_category(name="B")
    assert admin_client.post(f"/admin/categories/{b.id}/move", data={"parent_id": str(a.id)}).status_code == 303
    db.session.expire_all()
    assert b.parent_id == a.id
    assert admin_client.post(f"/admin/categories/{b.id}/move", data={"parent_id": ""}).status_code == 303
    db.session.expire_all()
    assert b.parent_id is None
    assert len(audit_entries("category.move", b.id)) == 2


def test_move_into_its_own_subtree_is_refused_clearly(admin_client):
    top = make_category(name="Top")
    middle = make_category(parent=top, name="Middle")
    leaf = make_category(parent=middle, name="Leaf")
    response = admin_client.post(f"/admin/categories/{top.id}/move", data={"parent_id": str(leaf.id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "would make a loop" in html and 'id="parent_id-move-error"' in html
    fragment = admin_client.post(f"/admin/categories/{top.id}/move", data={"parent_id": str(top.id)},
                                 headers=WORKSPACE)
    assert fragment.status_code == 422 and "cannot be its own parent" in fragment.get_data(as_text=True)
    db.session.expire_all()
    assert top.parent_id is None and audit_entries("category.move") == []
    # The move form only offers parents that make no loop.
    page = admin_client.get(f"/admin/categories/{top.id}").get_data(as_text=True)
    move_select = page[page.index('id="parent_id-move"'):page.index("</select>", page.index('id="parent_id-move"'))]
    assert str(leaf.id) not in move_select and str(middle.id) not in move_select


def test_delete_empty_category(admin_client):
    category = make_category(name="Empty one")
    category_id = category.id
    response = admin_client.post(f"/admin/categories/{category_id}/delete", data=CONFIRMED)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/categories"
    assert by_name("Empty one") is None
    [entry] = audit_entries("category.delete", category_id)
    assert entry.data["name"] == "Empty one" and entry.data["detached_deleted_products"] == "0"


def test_delete_non_empty_category_is_refused_clearly(admin_client):
    parent = make_category(name="Parent")
    make_category(parent=parent, name="Kid")
    with_product = make_category(name="Stocked")
    make_product(category=with_product)
    response = admin_client.post(f"/admin/categories/{parent.id}/delete", data=CONFIRMED, headers=WORKSPACE)
    assert response.status_code == 422 and "still has 1 subcategory" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/categories/{with_product.id}/delete", data=CONFIRMED)
    assert response.status_code == 422 and "still has 1 product" in response.get_data(as_text=True)
    assert by_name("Parent") and by_name("Stocked") and audit_entries("category.delete") == []


def test_a_category_holding_only_deleted_products_can_be_deleted(admin_client):
    """The audit probe: the seller deleted the category's only products; nothing could move them."""
    category = make_category(name="Fidget spinners")
    category_id = category.id
    gone = [make_product(category=category, status=ProductStatus.DELETED, title=f"Spinner {i}").id for i in range(2)]
    tree = admin_client.get("/admin/categories").get_data(as_text=True)
    assert re.search(r"Fidget spinners</a>\s*<span[^>]*>[^<]*· 0 products", tree)  # deleted ones don't count
    response = admin_client.post(f"/admin/categories/{category_id}/delete", data=CONFIRMED)
    assert response.status_code == 303
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Category “Fidget spinners” deleted. 2 products the sellers had deleted no longer belong" in page
    assert by_name("Fidget spinners") is None
    assert all(db.session.get(Product, product_id).category_id is None for product_id in gone)
    [entry] = audit_entries("category.delete", category_id)
    assert entry.data["detached_deleted_products"] == "2"
    # The admin product list still shows them, without a category.
    listing = admin_client.get("/admin/products", query_string={"q": "Spinner"}).get_data(as_text=True)
    assert listing.count("Deleted by the seller") == 2


def test_unknown_category_is_404(admin_client):
    missing = "00000000-0000-0000-0000-000000000000"
    assert admin_client.get(f"/admin/categories/{missing}").status_code == 404
    assert admin_client.post(f"/admin/categories/{missing}/rename", data={"name": "x"}).status_code == 404
