"""The factories make valid rows, and the database enforces the catalog's basic rules."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.models import Product
from marketplace.services.core.text import fold_accents
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


# Vietnamese, the old list's other Latin letters, letters it left out (Czech, Hungarian, Romanian,
# Polish, Turkish), a combining mark typed apart, Greek and Cyrillic, and scripts with nothing to fold.
FOLDED = ["Cà phê Đà Lạt", "ÁO THUN ĐẸP", "Crème brûlée façon Ñandú", "Čaj Škoda Řeřicha ůžasný",
          "Őrség Űrhajó", "Știință țară", "Łódź Ørsted", "Çay ğüzel şeker", "cafe\u0301 noe\u0308l",
          "Ελληνικά άλφα", "Ёжик Й", "한국어 커피", "日本語のお茶", "plain ascii 123"]


@pytest.mark.parametrize("value", FOLDED)
def test_the_database_folds_search_text_as_python_does(value):
    """fold_search_text() (the index and the query's side) and fold_accents (the suggestions' and the
    typo corrector's side) must agree, or a word typed one way never meets the word stored the other."""
    assert db.session.scalar(text("SELECT fold_search_text(:value)"), {"value": value}) == fold_accents(value)
