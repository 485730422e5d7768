"""Payouts: the whole available balance, at least PAYOUT_MINIMUM, to the shop's bank; approved and paid
with a reference, or refused with a reason (the money available again); every admin step audited."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import LedgerTransaction, Notification, PayoutStatus, Role, ShopStatus
from marketplace.services.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.services.ledger import payouts
from marketplace.services.ledger.ledger import K, credit, debit, post
from marketplace.services.ledger.settlement import settle_due
from marketplace.models import TransactionKind
from marketplace.services.shops.bank_details import update_bank_details
from tests.admin_support import audit_entries
from tests.factories import make_user
from tests.ledger_support import after_settlement_days, delivered_order, seller_shop, shop_balance


def _fund(shop, amount):
    post(TransactionKind.ADJUSTMENT, "USD", [debit(K.CASH, amount), credit(K.SHOP_AVAILABLE, amount, shop_id=shop.id)])


@pytest.fixture
def admin():
    return make_user(role=Role.ADMIN)


def test_a_seller_asks_for_the_whole_available_balance(app):
    shop = seller_shop()
    order = delivered_order(shop, prices=(3000, 2000))
    settle_due(after_settlement_days(app, order))
    available = shop_balance(shop.id, "SHOP_AVAILABLE")
    payout = payouts.request(shop.owner)
    assert payout.amount == available and payout.status == "REQUESTED"
    assert (payout.bank_name, payout.bank_account_number) == (shop.bank_name, shop.bank_account_number)
    assert shop_balance(shop.id, "SHOP_AVAILABLE") == 0
    tx = db.session.scalar(select(LedgerTransaction).where(LedgerTransaction.payout_id == payout.id))
    assert tx.kind == "PAYOUT_REQUESTED" and tx.key == f"payout:{payout.id}"


def test_below_the_minimum_is_refused_and_nothing_changes(app):
    shop = seller_shop()
    _fund(shop, app.config["PAYOUT_MINIMUM"] - 1)
    with pytest.raises(ValidationFailed) as error:
        payouts.request(shop.owner)
    assert error.value.code == "below_minimum" and "$10.00" in error.value.message
    assert shop_balance(shop.id, "SHOP_AVAILABLE") == app.config["PAYOUT_MINIMUM"] - 1


def test_bank_details_are_required(app):
    shop = seller_shop(bank_name=None, bank_account_name=None, bank_account_number=None)
    _fund(shop, 5000)
    with pytest.raises(ValidationFailed) as error:
        payouts.request(shop.owner)
    assert error.value.code == "bank_details_missing"


def test_a_shop_that_is_not_active_cannot_ask(app):
    shop = seller_shop(status=ShopStatus.SUSPENDED)
    _fund(shop, 5000)
    with pytest.raises(Conflict):
        payouts.request(shop.owner)
    with pytest.raises(NotFound):
        payouts.request(make_user())


def test_approved_then_paid_with_a_reference(app, admin):
    shop = seller_shop()
    _fund(shop, 5000)
    payout = payouts.request(shop.owner)
    with pytest.raises(Conflict):  # paid before approved
        payouts.mark_paid(admin, payout.id, "FT123")
    payouts.approve(admin, payout.id)
    for bad in ("", "   ", "FT\x00123", "x" * 121):
        with pytest.raises(ValidationFailed):
            payouts.mark_paid(admin, payout.id, bad)
    paid = payouts.mark_paid(admin, payout.id, " FT123 ")
    assert paid.status == PayoutStatus.PAID.value and paid.reference == "FT123" and paid.paid_at
    kinds = set(db.session.scalars(select(LedgerTransaction.kind).where(LedgerTransaction.payout_id == payout.id)))
    assert kinds == {"PAYOUT_REQUESTED", "PAYOUT_PAID"}
    assert sorted(e.action for e in audit_entries(target_id=payout.id)) == ["payout.approve", "payout.paid"]
    titles = db.session.scalars(select(Notification.title).where(Notification.user_id == shop.owner_id)).all()
    assert "Payout approved" in titles and "Payout paid" in titles
    with pytest.raises(Conflict):
        payouts.refuse(admin, payout.id, "too late")


def test_refused_returns_the_money_to_available(app, admin):
    shop = seller_shop()
    _fund(shop, 5000)
    payout = payouts.request(shop.owner)
    with pytest.raises(ValidationFailed):
        payouts.refuse(admin, payout.id, " ")
    payouts.refuse(admin, payout.id, "The account holder's name does not match")
    assert shop_balance(shop.id, "SHOP_AVAILABLE") == 5000
    assert payout.status == "REFUSED" and payout.refuse_reason
    assert [e.reason for e in audit_entries("payout.refuse")] == ["The account holder's name does not match"]
    with pytest.raises(Conflict):
        payouts.approve(admin, payout.id)
    again = payouts.request(shop.owner)  # the money can be asked for again
    assert again.amount == 5000


def test_a_second_request_finds_nothing_left(app):
    shop = seller_shop()
    _fund(shop, 5000)
    payouts.request(shop.owner)
    with pytest.raises(ValidationFailed):
        payouts.request(shop.owner)


def test_an_unknown_payout_is_not_found(app, admin):
    import uuid

    with pytest.raises(NotFound):
        payouts.approve(admin, uuid.UUID(int=1))


def test_bank_details_are_checked(app):
    shop = seller_shop(bank_name=None, bank_account_name=None, bank_account_number=None)
    update_bank_details(shop, bank_name=" ACB ", account_name="Trần Thị B", account_number=" 1234  5678 ")
    assert (shop.bank_name, shop.bank_account_name, shop.bank_account_number) == ("ACB", "Trần Thị B", "1234 5678")
    for number in ("12-34-5678", "12345", "1" * 35, "１２３４５６７"):
        with pytest.raises(ValidationFailed) as error:
            update_bank_details(shop, bank_name="ACB", account_name="Trần Thị B", account_number=number)
        assert "bank_account_number" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        update_bank_details(shop, bank_name="", account_name="B", account_number="")
    assert set(error.value.fields) == {"bank_name", "bank_account_name", "bank_account_number"}
    assert shop.bank_account_number == "1234 5678"
