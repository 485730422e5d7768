"""Product moderation: hide with a reason, unhide back to the previous status; audited and notified."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditLog, ProductStatus
from marketplace.services.admin import moderation
from marketplace.services.catalog.visibility import visible_products
from marketplace.services.core.errors import Conflict, ValidationFailed
from tests.admin_support import audit_entries, make_admin, notifications_of
from tests.factories import make_product


def visible_ids():
    return set(db.session.scalars(visible_products().with_only_columns(db.text("products.id"))))


def test_hide_product_hides_audits_and_notifies_the_owner():
    admin = make_admin()
    product = make_product(title="Áo thun cotton")
    assert product.id in visible_ids()

    moderation.hide_product(admin, product, "  Counterfeit brand  ")

    db.session.expire_all()
    assert product.status == ProductStatus.HIDDEN
    assert product.status_reason == "Counterfeit brand"
    assert product.id not in visible_ids()
    [entry] = audit_entries("product.hide", product.id)
    assert entry.actor_id == admin.id and entry.target_type == "product"
    assert entry.reason == "Counterfeit brand"
    assert entry.data["previous_status"] == "ACTIVE"
    [notice] = notifications_of(product.shop.owner_id, "product.hidden")
    assert "Áo thun cotton" in notice.title and "Counterfeit brand" in notice.body


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_hide_needs_a_reason_and_changes_nothing_without_one(reason):
    admin = make_admin()
    product = make_product()
    with pytest.raises(ValidationFailed) as error:
        moderation.hide_product(admin, product, reason)
    assert error.value.code == "reason_required" and "reason" in error.value.fields
    assert product.status == ProductStatus.ACTIVE
    assert audit_entries(target_id=product.id) == []


def test_hide_refuses_a_reason_that_is_too_long():
    with pytest.raises(ValidationFailed) as error:
        moderation.hide_product(make_admin(), make_product(), "x" * (moderation.REASON_MAX + 1))
    assert error.value.code == "reason_too_long"


@pytest.mark.parametrize("status, code", [(ProductStatus.HIDDEN, "already_hidden"),
                                          (ProductStatus.DELETED, "product_deleted")])
def test_hide_refuses_hidden_and_deleted_products(status, code):
    product = make_product(status=status)
    with pytest.raises(Conflict) as error:
        moderation.hide_product(make_admin(), product, "spam")
    assert error.value.code == code
    assert product.status == status


def test_unhide_restores_active_audits_and_notifies():
    admin = make_admin()
    product = make_product()
    moderation.hide_product(admin, product, "Wrong category")

    moderation.unhide_product(admin, product, "Fixed by the seller")

    db.session.expire_all()
    assert product.status == ProductStatus.ACTIVE and product.status_reason is None
    assert product.id in visible_ids()
    [entry] = audit_entries("product.unhide", product.id)
    assert entry.data["restored_status"] == "ACTIVE" and entry.reason == "Fixed by the seller"
    assert len(notifications_of(product.shop.owner_id, "product.unhidden")) == 1


def test_unhide_gives_a_hidden_draft_back_its_draft_status():
    admin = make_admin()
    product = make_product(status=ProductStatus.DRAFT)
    moderation.hide_product(admin, product, "Offensive photo")
    moderation.unhide_product(admin, product)
    assert product.status == ProductStatus.DRAFT
    assert product.id not in visible_ids()


def test_unhide_without_a_hide_entry_falls_back_to_active():
    product = make_product(status=ProductStatus.HIDDEN, status_reason="legacy")
    moderation.unhide_product(make_admin(), product)
    assert product.status == ProductStatus.ACTIVE


def test_unhide_refuses_a_product_that_is_not_hidden():
    product = make_product()
    with pytest.raises(Conflict) as error:
        moderation.unhide_product(make_admin(), product)
    assert error.value.code == "not_hidden"


def test_the_audit_entry_lives_and_dies_with_the_change():
    admin = make_admin()
    product = make_product()
    savepoint = db.session.begin_nested()
    moderation.hide_product(admin, product, "spam")
    savepoint.rollback()
    db.session.expire_all()
    assert product.status == ProductStatus.ACTIVE
    assert db.session.scalar(select(AuditLog).where(AuditLog.target_id == product.id)) is None
    assert notifications_of(product.shop.owner_id) == []
