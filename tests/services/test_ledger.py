"""The ledger's foundation: balanced, append-only transactions posted once; commission frozen on each
line at checkout (shop override > nearest category override > COMMISSION_RATE); the voucher shared
out over the lines; a delivered order's money split between the shop (pending) and the platform."""
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from marketplace.extensions import db
from marketplace.models import (
    AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction, OrderItem, PaymentMethod, Role, TransactionKind,
)
from marketplace.services.cart import cart
from marketplace.services.core import pricing
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.ledger import commission
from marketplace.services.ledger.ledger import credit, debit, post
from marketplace.services.ordering import orders
from marketplace.services.ordering.checkout import place_orders
from marketplace.services.ordering.orders import Action, ActorRole
from tests.factories import make_address, make_category, make_product, make_shop, make_user, make_voucher

K, T = AccountKind, TransactionKind


def balances() -> dict[tuple[str, object], int]:
    rows = db.session.execute(
        select(LedgerAccount.kind, LedgerAccount.shop_id, func.sum(LedgerEntry.amount))
        .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id).group_by(LedgerAccount.id))
    return {(kind, shop_id): total for kind, shop_id, total in rows}


def test_share_out_adds_up_and_gives_odd_units_to_the_largest_remainders():
    assert pricing.share_out(100, [1, 1, 1]) == [34, 33, 33]
    assert pricing.share_out(10, [3000, 1000]) == [8, 2]
    assert pricing.share_out(7, [5, 0, 5]) == [4, 0, 3]
    assert pricing.share_out(0, [1, 2]) == [0, 0]
    for amount, weights in [(999, [7, 13, 29]), (1, [1, 1]), (500, [500])]:
        assert sum(pricing.share_out(amount, weights)) == amount


@pytest.mark.parametrize(("paid", "rate", "expected"), [(1999, 500, 100), (1990, 500, 100), (1989, 500, 99),
                                                         (0, 500, 0), (1000, 0, 0), (1000, 10_000, 1000)])
def test_commission_rounds_half_up(paid, rate, expected):
    assert commission.commission_of(paid, rate) == expected


def test_a_transaction_that_does_not_balance_is_refused_before_and_by_the_database():
    shop = make_shop()
    with pytest.raises(ValueError):
        post(T.ADJUSTMENT, "USD", [debit(K.CASH, 100), credit(K.COMMISSION, 99)])
    with pytest.raises(ValueError):  # a shop account without its shop
        post(T.ADJUSTMENT, "USD", [debit(K.CASH, 100), credit(K.SHOP_PENDING, 100)])
    tx = post(T.ADJUSTMENT, "USD", [debit(K.CASH, 100), credit(K.SHOP_PENDING, 100, shop_id=shop.id)])
    account = db.session.scalar(select(LedgerAccount.id).where(LedgerAccount.kind == "CASH"))
    with pytest.raises(DBAPIError, match="does not balance"), db.session.begin_nested():
        db.session.execute(text("INSERT INTO ledger_entries (transaction_id, account_id, amount) "
                                "VALUES (:tx, :account, 5)"), {"tx": tx, "account": account})


def test_entries_and_transactions_are_append_only():
    post(T.ADJUSTMENT, "USD", [debit(K.CASH, 100), credit(K.COMMISSION, 100)], key="test:once")
    for statement in ("UPDATE ledger_entries SET amount = amount * 2", "DELETE FROM ledger_entries",
                      "UPDATE ledger_transactions SET memo = 'changed'", "DELETE FROM ledger_transactions"):
        with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(text(statement))


def test_a_key_posts_once():
    first = post(T.ADJUSTMENT, "USD", [debit(K.CASH, 100), credit(K.COMMISSION, 100)], key="test:key")
    again = post(T.ADJUSTMENT, "USD", [debit(K.CASH, 100), credit(K.COMMISSION, 100)], key="test:key")
    assert first is not None and again is None
    assert db.session.scalar(select(func.count()).select_from(LedgerTransaction)) == 1


def test_a_posting_reuses_its_compiled_statements():
    """Every delivery, settlement and refund posts: its statements are compiled once per process, not at
    every posting (the dialect's INSERT … ON CONFLICT has no cache key: it compiled each time)."""
    from sqlalchemy import event

    seen = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith(("INSERT INTO ledger_transactions", "INSERT INTO ledger_entries")):
            seen.append((statement.split()[2], context.cache_hit))

    engine = db.session.connection().engine
    event.listen(engine, "after_cursor_execute", note)
    try:
        for n in range(2):
            post(T.ADJUSTMENT, "USD", [debit(K.CASH, 100 + n), credit(K.COMMISSION, 100 + n)], key=f"test:cached:{n}")
    finally:
        event.remove(engine, "after_cursor_execute", note)
    hit = engine.dialect.CACHE_HIT
    assert [table for table, _ in seen] == ["ledger_transactions", "ledger_entries"] * 2
    assert all(cached == hit for _, cached in seen[2:]), seen


def test_a_shop_balance_follows_its_entries_and_available_cannot_be_overdrawn():
    shop = make_shop()
    post(T.ADJUSTMENT, "USD", [debit(K.CASH, 300), credit(K.SHOP_AVAILABLE, 300, shop_id=shop.id)])
    post(T.ADJUSTMENT, "USD", [debit(K.SHOP_AVAILABLE, 100, shop_id=shop.id), credit(K.CASH, 100)])
    account = db.session.scalar(select(LedgerAccount).where(LedgerAccount.kind == "SHOP_AVAILABLE"))
    db.session.refresh(account)
    assert account.balance == -200 and account.owed == 200
    with pytest.raises(IntegrityError, match="available_not_overdrawn"), db.session.begin_nested():
        post(T.ADJUSTMENT, "USD", [debit(K.SHOP_AVAILABLE, 201, shop_id=shop.id), credit(K.CASH, 201)])


@pytest.fixture
def buyer_cart(app):
    buyer = make_user()
    address = make_address(buyer)
    parent = make_category(name="Fashion")
    child = make_category(parent=parent, name="Shirts")
    other = make_category(name="Books")
    shop_a, shop_b = make_shop(name="Alpha"), make_shop(name="Beta")
    shirt = make_product(shop=shop_a, category=child, variants=[{"price": 3000, "stock": 5}])
    book = make_product(shop=shop_a, category=other, variants=[{"price": 1000, "stock": 5}])
    mug = make_product(shop=shop_b, category=other, variants=[{"price": 1999, "stock": 5}])
    for product in (shirt, book, mug):
        cart.add_item(buyer, product.variants[0].id, 1)
    return dict(buyer=buyer, address=address, parent=parent, child=child, shops=(shop_a, shop_b),
                shirt=shirt, book=book, mug=mug)


def test_checkout_freezes_each_lines_rate_and_commission(app, buyer_cart):
    admin = make_user(role=Role.ADMIN)
    shop_a, shop_b = buyer_cart["shops"]
    commission.set_rate(admin, category_id=buyer_cart["parent"].id, rate_bp=800)  # the shirt's parent category
    commission.set_rate(admin, shop_id=shop_b.id, rate_bp=250)
    placed = place_orders(buyer_cart["buyer"], buyer_cart["address"].id, "COD", idempotency_key="k1")
    lines = {item.product_id: item for order in placed.orders for item in order.items}
    shirt, book, mug = (lines[buyer_cart[name].id] for name in ("shirt", "book", "mug"))
    assert (shirt.commission_rate_bp, shirt.commission) == (800, 240)  # nearest category up the tree
    assert (book.commission_rate_bp, book.commission) == (app.config["COMMISSION_RATE_BP"], 50)  # the platform's
    assert (mug.commission_rate_bp, mug.commission) == (250, 50)  # the shop's: 1999 * 2.5 % = 49.975

    commission.set_rate(admin, shop_id=shop_b.id, rate_bp=1000)  # a later change never moves a placed line
    db.session.refresh(mug)
    assert mug.commission_rate_bp == 250


def test_the_voucher_is_shared_out_over_the_shops_lines(app, buyer_cart):
    shop_a = buyer_cart["shops"][0]
    voucher = make_voucher(shop=shop_a, code="SAVE10", kind="PERCENT", value=10)
    placed = place_orders(buyer_cart["buyer"], buyer_cart["address"].id, "COD",
                          vouchers={str(shop_a.id): "SAVE10"}, idempotency_key="k1")
    order = next(o for o in placed.orders if o.shop_id == shop_a.id)
    assert order.voucher_id == voucher.id and order.discount == 400
    shares = {item.product_id: item.discount_share for item in order.items}
    assert shares == {buyer_cart["shirt"].id: 300, buyer_cart["book"].id: 100}
    shirt = next(item for item in order.items if item.product_id == buyer_cart["shirt"].id)
    assert shirt.paid == 2700 and shirt.commission == commission.commission_of(2700, shirt.commission_rate_bp)


def test_a_rate_is_a_percentage_with_at_most_two_decimals():
    assert commission.parse_percent("5") == 500
    assert commission.parse_percent("2,5%") == 250
    assert commission.parse_percent("0") == 0
    for bad in ("", "abc", "-1", "100.01", "1.234"):
        with pytest.raises(ValidationFailed):
            commission.parse_percent(bad)


def _deliver(order, seller):
    for action in (Action.CONFIRM, Action.SHIP, Action.DELIVER):
        orders.transition(order.id, seller, ActorRole.SELLER, action, tracking_number="VN1")


def test_delivery_of_a_cash_order_records_the_cash_and_splits_it(app, buyer_cart):
    placed = place_orders(buyer_cart["buyer"], buyer_cart["address"].id, "COD", idempotency_key="k1")
    shop_a = buyer_cart["shops"][0]
    order = next(o for o in placed.orders if o.shop_id == shop_a.id)
    assert balances() == {}  # nothing has been paid yet
    _deliver(order, shop_a.owner)
    items = db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id)).all()
    fee = sum(item.commission for item in items)
    assert balances() == {
        ("CASH", None): order.total, ("BUYER_FUNDS", None): 0,
        ("SHOP_PENDING", shop_a.id): -(order.total - fee), ("COMMISSION", None): -fee,
    }
    kinds = db.session.scalars(select(LedgerTransaction.kind).order_by(LedgerTransaction.created_at)).all()
    assert sorted(kinds) == ["PAYMENT_CAPTURED", "SALE_EARNED"]


def test_an_online_payment_is_held_for_the_buyer_until_delivery(app, buyer_cart):
    from marketplace.services.ledger import postings

    placed = place_orders(buyer_cart["buyer"], buyer_cart["address"].id, PaymentMethod.ONLINE.value, idempotency_key="k1")
    total = sum(o.total for o in placed.orders)
    postings.payment_captured(placed.checkout_id, "USD", placed.orders)
    postings.payment_captured(placed.checkout_id, "USD", placed.orders)  # told twice: posted once
    assert balances() == {("CASH", None): total, ("BUYER_FUNDS", None): -total}
