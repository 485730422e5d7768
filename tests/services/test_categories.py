"""The category tree: reading, descendants, breadcrumbs, the cross-process cache and admin edits."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.models import Category, ProductStatus
from marketplace.services.catalog import categories, category_queries
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.services.core.text import slugify
from tests.catalog_support import make_tree
from tests.factories import make_category, make_product


@pytest.mark.parametrize("name, slug", [
    ("Điện thoại", "dien-thoai"),
    ("Cà phê & Trà", "ca-phe-tra"),
    ("  Áo thun / T-shirts ", "ao-thun-t-shirts"),
    ("Đồ gia dụng nhà bếp", "do-gia-dung-nha-bep"),
    ("Crème brûlée", "creme-brulee"),
])
def test_slugs_fold_vietnamese_diacritics(name, slug):
    assert slugify(name) == slug


def test_tree_roots_children_walk_and_breadcrumbs():
    t = make_tree()
    tree = category_queries.get_tree()
    assert [n.name for n in tree.roots] == ["Thời trang", "Điện tử"]
    tops = tree.get(t["tops"].id)
    assert [n.name for n in tree.children(tops)] == ["Áo thun"]
    assert [n.name for n in tree.ancestors(t["tees"].id)] == ["Thời trang", "Áo", "Áo thun"]
    assert [n.depth for n in tree.walk()] == [0, 1, 2, 0]
    assert tree.get_by_slug("ao-thun").id == t["tees"].id
    assert set(tree.subtree_ids(t["fashion"].id)) == {t["fashion"].id, t["tops"].id, t["tees"].id}
    assert [n.name for n in category_queries.breadcrumbs(t["tops"].id)] == ["Thời trang", "Áo"]
    nested = tree.as_dicts()
    assert nested[0]["children"][0]["children"][0]["slug"] == "ao-thun"


def test_descendants_use_one_recursive_query(count_queries):
    t = make_tree()
    with count_queries() as queries:
        ids = category_queries.descendant_ids(t["fashion"].id)
    assert len(queries) == 1 and "RECURSIVE" in queries[0].upper()
    assert set(ids) == {t["fashion"].id, t["tops"].id, t["tees"].id}
    assert category_queries.descendant_ids(t["tees"].id, include_self=False) == []


def test_cached_tree_is_reused_until_any_process_changes_the_table(count_queries):
    t = make_tree()
    first = category_queries.get_tree()
    with count_queries() as queries:
        again = category_queries.get_tree()
    # the categories' version was read with the first call (one read per session until it writes)
    assert again is first and len(queries) == 0
    # Another worker renames a category behind this process's back: seen on the next read.
    db.session.execute(text("UPDATE categories SET name = 'Tops' WHERE id = :id"), {"id": t["tops"].id})
    changed = category_queries.get_tree()
    assert changed is not first and changed.get(t["tops"].id).name == "Tops"


def test_create_generates_unique_slugs_and_positions():
    parent = categories.create_category("Điện thoại")
    assert parent.slug == "dien-thoai" and parent.parent_id is None
    twin = categories.create_category("Điện  thoại")
    assert twin.slug == "dien-thoai-2"
    child_a = categories.create_category("Ốp lưng", parent_id=parent.id)
    child_b = categories.create_category("Sạc", parent_id=parent.id)
    assert (child_a.slug, child_a.position, child_b.position) == ("op-lung", 0, 1)
    assert [n.name for n in category_queries.get_tree().children(category_queries.get_tree().get(parent.id))] == ["Ốp lưng", "Sạc"]


def test_create_refuses_empty_names_and_missing_parents():
    with pytest.raises(ValidationFailed) as empty:
        categories.create_category("   ")
    assert empty.value.fields == {"name": "Enter a name for the category."}
    import uuid

    with pytest.raises(ValidationFailed) as orphan:
        categories.create_category("Orphan", parent_id=uuid.uuid4())
    assert orphan.value.code == "parent_not_found"


def test_rename_keeps_the_slug_unless_a_new_one_is_given():
    category = categories.create_category("Đồ chơi")
    categories.rename_category(category, "Đồ chơi trẻ em")
    assert (category.name, category.slug) == ("Đồ chơi trẻ em", "do-choi")
    categories.rename_category(category, "Đồ chơi trẻ em", slug="do-choi-tre-em")
    assert category.slug == "do-choi-tre-em"
    make_category(slug="taken")
    with pytest.raises(ValidationFailed) as taken:
        categories.rename_category(category, "X", slug="taken")
    assert taken.value.code == "slug_taken"


def test_move_changes_the_subtree_and_refuses_cycles():
    t = make_tree()
    categories.move_category(t["tops"], t["electronics"].id)
    tree = category_queries.get_tree()
    assert [n.name for n in tree.ancestors(t["tees"].id)] == ["Điện tử", "Áo", "Áo thun"]
    with pytest.raises(ValidationFailed) as loop:
        categories.move_category(t["electronics"], t["tees"].id)
    assert loop.value.code == "category_cycle" and "would make a loop" in loop.value.message
    with pytest.raises(ValidationFailed) as itself:
        categories.move_category(t["tops"], t["tops"].id)
    assert "its own parent" in itself.value.message
    categories.move_category(t["tops"], None)
    assert db.session.get(Category, t["tops"].id).parent_id is None


def test_delete_refuses_categories_with_children_or_products_with_the_reason():
    t = make_tree()
    with pytest.raises(ValidationFailed) as has_children:
        categories.delete_category(t["tops"])
    assert has_children.value.code == "category_has_children"
    assert "still has 1 subcategory" in has_children.value.message
    for status in (ProductStatus.ACTIVE, ProductStatus.DRAFT, ProductStatus.HIDDEN):  # live products block it
        product = make_product(category=t["tees"], status=status)
        with pytest.raises(ValidationFailed) as has_products:
            categories.delete_category(t["tees"])
        assert has_products.value.code == "category_has_products"
        assert "still has 1 product" in has_products.value.message
        product.status = ProductStatus.DELETED  # the seller deletes it: it no longer counts
        db.session.flush()
    categories.delete_category(t["electronics"])
    assert db.session.scalar(select(Category).where(Category.id == t["electronics"].id)) is None
    assert category_queries.get_tree().get(t["electronics"].id) is None


def test_deleting_a_category_detaches_only_the_sellers_deleted_products():
    """The audit probe: a category whose only product the seller deleted used to be undeletable for good."""
    category, other = make_category(), make_category()
    gone = [make_product(category=category, status=ProductStatus.DELETED) for _ in range(2)]
    elsewhere = make_product(category=other, status=ProductStatus.DELETED)
    assert categories.delete_category(category) == 2
    assert db.session.get(Category, category.id) is None
    for product in gone:
        db.session.refresh(product)
        assert product.category_id is None and product.status == ProductStatus.DELETED
    db.session.refresh(elsewhere)
    assert elsewhere.category_id == other.id
    assert categories.delete_category(other) == 1


def test_only_a_deleted_product_may_have_no_category():
    """CHECK category_unless_deleted: the database refuses a live product without a category."""
    for status in (ProductStatus.ACTIVE, ProductStatus.DRAFT, ProductStatus.HIDDEN):
        product = make_product(status=status)
        with pytest.raises(IntegrityError, match="category_unless_deleted"), db.session.begin_nested():
            product.category_id = None
            db.session.flush()
    detached = make_product(status=ProductStatus.DELETED)
    detached.category_id = None
    db.session.flush()
    with pytest.raises(IntegrityError, match="category_unless_deleted"), db.session.begin_nested():
        detached.status = ProductStatus.ACTIVE  # nor can a detached product come back
        db.session.flush()


def test_get_category_not_found():
    import uuid

    with pytest.raises(NotFound):
        category_queries.get_category(uuid.uuid4())
