"""The factories make valid rows, and the database enforces the catalog's basic rules."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.models import Product
from tests.factories import make_address, make_product, make_user


def test_product_factory_builds_variants_and_min_price():
    product = make_product(variants=[{"price": 500}, {"price": 300}])
    assert [v.price for v in product.variants] == [500, 300]
    assert product.min_price == 300


def test_stock_can_never_go_negative():
    variant = make_product().variants[0]
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE product_variants SET stock = -1 WHERE id = :id"), {"id": variant.id})
        db.session.flush()


def test_only_one_default_address_per_user():
    user = make_user()
    make_address(user, is_default=True)
    with pytest.raises(IntegrityError):
        make_address(user, is_default=True)


def test_search_vector_folds_accents():
    product = make_product(title="Áo thun Đẹp", description="Cà phê sữa đá")
    found = db.session.scalar(
        select(Product.id).where(Product.search_vector.op("@@")(text("websearch_to_tsquery('simple', fold_search_text('ao thun dep'))")))
    )
    assert found == product.id
    by_description = db.session.scalar(
        select(Product.id).where(Product.search_vector.op("@@")(text("websearch_to_tsquery('simple', fold_search_text('CA PHE'))")))
    )
    assert by_description == product.id


def test_audit_log_is_append_only():
    from marketplace.models import AuditLog

    entry = AuditLog(action="test.action", target_type="user", reason="because")
    db.session.add(entry)
    db.session.flush()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("DELETE FROM audit_log"))
