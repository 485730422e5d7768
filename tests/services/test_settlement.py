"""Settlement: a delivered order's earnings become available SETTLEMENT_DAYS after delivery, line by
line, unless a return is open on the line (and the shipping, unless a return is open on the order)."""
from datetime import timedelta

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import LedgerTransaction, OrderItem
from marketplace.services.ledger.settlement import settle_due
from tests.ledger_support import after_settlement_days, delivered_order, open_return, seller_shop, shop_balance


def _items(order):
    return db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.line_total)).all()


def test_nothing_settles_before_settlement_days(app):
    shop = seller_shop()
    order = delivered_order(shop)
    earned = shop_balance(shop.id, "SHOP_PENDING")
    assert earned == order.total - sum(item.commission for item in _items(order))
    assert settle_due(after_settlement_days(app, order, extra=-timedelta(minutes=1))) == 0
    assert shop_balance(shop.id, "SHOP_PENDING") == earned and shop_balance(shop.id, "SHOP_AVAILABLE") == 0
    db.session.refresh(order)
    assert order.settled_at is None


def test_a_due_order_moves_its_earnings_to_available_once(app):
    shop = seller_shop()
    order = delivered_order(shop, prices=(3000, 1000))
    earned = shop_balance(shop.id, "SHOP_PENDING")
    now = after_settlement_days(app, order)
    assert settle_due(now) == 1
    assert shop_balance(shop.id, "SHOP_PENDING") == 0 and shop_balance(shop.id, "SHOP_AVAILABLE") == earned
    db.session.refresh(order)
    assert order.settled_at == now and all(item.settled_at == now for item in _items(order))
    keys = set(db.session.scalars(select(LedgerTransaction.key).where(LedgerTransaction.kind == "SETTLED")))
    assert keys == {f"settle:{item.id}" for item in _items(order)} | {f"settle-shipping:{order.id}"}
    assert settle_due(now + timedelta(days=1)) == 0  # again: nothing moves twice
    assert db.session.scalar(select(func.count()).select_from(LedgerTransaction)
                             .where(LedgerTransaction.kind == "SETTLED")) == 3
    assert shop_balance(shop.id, "SHOP_AVAILABLE") == earned


def test_an_open_return_holds_its_line_and_the_shipping(app):
    shop = seller_shop()
    order = delivered_order(shop, prices=(3000, 1000))
    cheap, dear = _items(order)
    open_return(order, dear)
    now = after_settlement_days(app, order)
    assert settle_due(now) == 0  # not finished: a line and the shipping wait
    db.session.refresh(cheap)
    db.session.refresh(dear)
    assert cheap.settled_at == now and dear.settled_at is None
    assert shop_balance(shop.id, "SHOP_AVAILABLE") == cheap.paid - cheap.commission
    assert shop_balance(shop.id, "SHOP_PENDING") == dear.paid - dear.commission + order.shipping_fee
    db.session.refresh(order)
    assert order.settled_at is None


def test_a_closed_return_lets_the_rest_settle_on_a_later_sweep(app):
    shop = seller_shop()
    order = delivered_order(shop, prices=(3000, 1000))
    __, dear = _items(order)
    ret = open_return(order, dear)
    now = after_settlement_days(app, order)
    settle_due(now)
    ret.status = "REFUSED"
    ret.refuse_reason = "Used"
    db.session.flush()
    assert settle_due(now + timedelta(hours=1)) == 1
    assert shop_balance(shop.id, "SHOP_PENDING") == 0
    assert shop_balance(shop.id, "SHOP_AVAILABLE") == order.total - sum(i.commission for i in _items(order))


def test_only_due_orders_settle_and_others_wait(app):
    shop = seller_shop()
    first = delivered_order(shop)
    second = delivered_order(shop)
    second.delivered_at = first.delivered_at + timedelta(days=2)
    db.session.flush()
    assert settle_due(after_settlement_days(app, first)) == 1
    db.session.refresh(second)
    assert second.settled_at is None
