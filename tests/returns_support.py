"""What the returns and refunds tests share: orders delivered through the real services (so the ledger
holds their sale), the ledger's balances, and a settled line posted the way settlement posts it."""
import uuid

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import AccountKind, LedgerAccount, LedgerEntry, OrderItem, TransactionKind
from marketplace.models.base import utcnow
from marketplace.services.cart import cart
from marketplace.services.ledger.ledger import credit, debit, post
from marketplace.services.ordering import orders
from marketplace.services.ordering.checkout import place_orders
from marketplace.services.ordering.orders import Action, ActorRole
from marketplace.services.payments import payments
from tests.factories import make_address, make_product, make_shop, make_user
from tests.payments_support import notification, online_checkout

K = AccountKind


def balances() -> dict[tuple[str, object], int]:
    """{(kind, shop_id): sum of entries} for every account with entries."""
    rows = db.session.execute(
        select(LedgerAccount.kind, LedgerAccount.shop_id, func.sum(LedgerEntry.amount))
        .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id).group_by(LedgerAccount.id))
    return {(kind, shop_id): int(total) for kind, shop_id, total in rows}


def deliver(order, seller) -> None:
    for action in (Action.CONFIRM, Action.SHIP, Action.DELIVER):
        orders.transition(order.id, seller, ActorRole.SELLER, action, tracking_number="VN1")


def cod_order(*, quantities=(3, 1), prices=(1000, 2500), deliver_it: bool = True, buyer=None):
    """A COD order of two lines from one shop placed through checkout (and delivered)."""
    buyer = buyer or make_user()
    address = make_address(buyer)
    shop = make_shop()
    products = [make_product(shop=shop, variants=[{"price": price, "stock": 10}]) for price in prices]
    for product, quantity in zip(products, quantities):
        cart.add_item(buyer, product.variants[0].id, quantity)
    placed = place_orders(buyer, address.id, "COD", idempotency_key=uuid.uuid4().hex)
    order = placed.orders[0]
    if deliver_it:
        deliver(order, shop.owner)
    db.session.refresh(order)
    return dict(buyer=buyer, shop=shop, seller=shop.owner, order=order, products=products, items=lines(order))


def lines(order) -> list[OrderItem]:
    items = list(db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id)
                                    .order_by(OrderItem.unit_price)))
    for item in items:
        db.session.refresh(item)
    return items


def online_paid(deliver_it: bool = False):
    """online_checkout() paid on the sandbox; shop A's order (2 shirts) delivered if asked."""
    data = online_checkout()
    payments.handle_notification("sandbox", notification(data["payment"]))
    shop_a = data["shops"][0]
    order = next(o for o in data["placed"].orders if o.shop_id == shop_a.id)
    if deliver_it:
        deliver(order, shop_a.owner)
    db.session.refresh(order)
    return dict(data, order=order, shop=shop_a, seller=shop_a.owner, items=lines(order))


def settle_line(item: OrderItem, shop_id) -> None:
    """Move a delivered line's pending earnings to available as settlement posts it."""
    amount = item.paid - item.commission
    post(TransactionKind.SETTLED, "USD", [debit(K.SHOP_PENDING, amount, shop_id=shop_id, order_item_id=item.id),
                                          credit(K.SHOP_AVAILABLE, amount, shop_id=shop_id, order_item_id=item.id)],
         key=f"settle:{item.id}")
    item.settled_at = utcnow()
    db.session.flush()


@pytest.fixture
def sent_refunds(monkeypatch):
    """The ids handed to the online refund senders; at once (a service test never commits)."""
    from marketplace.services.ledger import refunds

    sent = []
    monkeypatch.setattr(refunds, "_senders", [sent.append])
    monkeypatch.setattr(refunds, "after_commit", lambda session, callback, *args: callback(*args))
    return sent
