"""The audit log reads in words (marketplace/admin/audit_text.py): labels, before → after,
blanks as "(empty)" or "none (top level)", ids as names, long text cut; never a raw blank."""
import re

from marketplace.admin.audit_text import AuditText
from marketplace.extensions import db
from marketplace.models import AuditLog
from tests.factories import make_category, make_product


def record(actor, action, target_type, target_id=None, reason=None, **data) -> AuditLog:
    entry = AuditLog(actor_id=actor.id, action=action, target_type=target_type, target_id=target_id,
                     reason=reason, data=data)
    db.session.add(entry)
    db.session.flush()
    return entry


def row_of(html: str, entry: AuditLog) -> str:
    return html.split(f'id="audit-{entry.id}"', 1)[1].split("</tr>", 1)[0]


def details(row: str) -> str:
    """The row's text as a screen reader says it: tags and the arrow (aria-hidden) dropped, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", row.replace('<span aria-hidden="true">→</span>', "")).split())


def test_blank_values_read_as_none_or_empty(admin_client, admin):
    created = record(admin, "category.create", "category", name="Sách", slug="sach", parent_id="")
    renamed = record(admin, "category.rename", "category", name="Sách cũ", old_name="")
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "parent_id" not in html and ": ·" not in html and ":</span> ·" not in html
    assert "Parent category: none (top level)" in details(row_of(html, created))
    assert "Address: sach" in details(row_of(html, created))
    assert "Name: (empty) changed to Sách cũ" in details(row_of(html, renamed))
    assert "Added a category" in row_of(html, created) and "Renamed a category" in row_of(html, renamed)


def test_changes_read_before_then_after_with_ids_named(admin_client, admin):
    home = make_category(name="Nhà cửa")
    kitchen = make_category(name="Bếp")
    gone = "0b5c2a4e-0000-4000-8000-000000000000"
    moved = record(admin, "category.move", "category", name="Nồi", old_parent_id=str(home.id),
                   parent_id=str(kitchen.id))
    orphaned = record(admin, "category.move", "category", name="Chảo", old_parent_id=gone, parent_id="")
    approved = record(admin, "shop.approve", "shop", name="Kettles", from_status="PENDING", to_status="ACTIVE")
    hidden = record(admin, "product.hide", "product", reason="Copied photos", previous_status="ACTIVE",
                    title="Đèn bàn")
    product = make_product(title="Ấm trà")
    review = record(admin, "review.hide", "review", reason="Abusive", product_id=str(product.id), rating="1")
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Parent category: Nhà cửa changed to Bếp" in details(row_of(html, moved))
    assert "Parent category: a deleted category (id 0b5c2a4e…) changed to none (top level)" in \
        details(row_of(html, orphaned))
    assert "Status: Pending changed to Active" in details(row_of(html, approved))
    assert "from_status" not in html and "to_status" not in html and "ACTIVE" not in details(row_of(html, approved))
    row = row_of(html, hidden)
    assert "Reason: Copied photos" in details(row) and "Status: Active changed to Hidden" in details(row)
    assert '<span aria-hidden="true">→</span><span class="visually-hidden">changed to</span>' in row
    assert "Product: Ấm trà" in details(row_of(html, review)) and "Rating: 1 of 5 stars" in details(row_of(html, review))
    assert str(product.id) not in details(row_of(html, review))


def test_long_text_is_cut_and_unknown_keys_get_words(admin_client, admin):
    long_name = "Gốm " * 40
    entry = record(admin, "category.create", "category", name="X", slug=long_name.strip(), parent_id="",
                   some_new_field="")
    row = details(row_of(admin_client.get("/admin/audit").get_data(as_text=True), entry))
    assert "Some new field: (empty)" in row
    shown = re.search(r"Address: (.*?…)", row).group(1)
    assert len(shown) <= 80 and long_name.strip() not in row


def test_the_names_cost_one_statement_per_kind_and_none_without_ids(admin_client, admin, count_queries):
    record(admin, "shop.approve", "shop", name="A", from_status="PENDING", to_status="ACTIVE")
    with count_queries() as plain:
        admin_client.get("/admin/audit")
    for _ in range(5):
        record(admin, "category.move", "category", name="N", old_parent_id=str(make_category().id), parent_id="")
        record(admin, "review.hide", "review", product_id=str(make_product().id), rating="2")
    with count_queries() as named:
        admin_client.get("/admin/audit")
    assert len(named) == len(plain) + 2  # the categories, the products


def test_the_text_object_names_targets_and_actions():
    entry = AuditLog(action="order.cancel", target_type="order", data={"number": "MP-1", "previous_status": "PENDING"})
    text = AuditText()
    assert text.action(entry) == "Cancelled an order" and text.target(entry) == "MP-1"
    [change] = text.changes(entry)
    assert (change.label, change.before, change.after) == ("Status", "Pending", "Cancelled")
    assert AuditText().action(AuditLog(action="something.new", data={})) == "something.new"
