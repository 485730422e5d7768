"""Test helpers for the money after the sale: orders delivered through the real services, shops with
bank details, balances read from the ledger."""
from datetime import timedelta

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import LedgerAccount, LedgerEntry, Order, ReturnItem, ReturnRequest, ShopStatus
from marketplace.models.base import utcnow
from marketplace.services.cart import cart
from marketplace.services.ordering import orders
from marketplace.services.ordering.checkout import place_orders
from marketplace.services.ordering.orders import Action, ActorRole
from tests.factories import make_address, make_product, make_shop, make_user

BANK = dict(bank_name="Vietcombank", bank_account_name="Nguyễn Văn A", bank_account_number="0123 4567 89")


def seller_shop(**fields):
    """An active shop with bank details."""
    return make_shop(**{"status": ShopStatus.ACTIVE, **BANK, **fields})


def delivered_order(shop, prices=(3000,), quantity: int = 1, buyer=None) -> Order:
    """A COD order of one line per price, placed through checkout and delivered by the seller."""
    buyer = buyer or make_user()
    address = make_address(buyer)
    for price in prices:
        product = make_product(shop=shop, variants=[{"price": price, "stock": 50}])
        cart.add_item(buyer, product.variants[0].id, quantity)
    placed = place_orders(buyer, address.id, "COD", idempotency_key=f"k-{buyer.id}-{utcnow().timestamp()}")
    order = placed.orders[0]
    for action in (Action.CONFIRM, Action.SHIP, Action.DELIVER):
        orders.transition(order.id, shop.owner, ActorRole.SELLER, action, tracking_number="VN1")
    db.session.refresh(order)
    return order


def after_settlement_days(app, order: Order, extra=timedelta(minutes=1)):
    return order.delivered_at + timedelta(days=app.config["SETTLEMENT_DAYS"]) + extra


def shop_balance(shop_id, kind: str) -> int:
    """A shop account's balance as the shop reads it (owed), summed from its entries."""
    total = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0))
                              .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
                              .where(LedgerAccount.shop_id == shop_id, LedgerAccount.kind == kind))
    return -int(total)


def open_return(order: Order, item) -> ReturnRequest:
    """An open (REQUESTED) return of one unit of `item`, written directly (the returns service is another's)."""
    ret = ReturnRequest(number=f"R-{order.number}", order_id=order.id, buyer_id=order.buyer_id,
                        shop_id=order.shop_id, status="REQUESTED", reason="DAMAGED", details="broken",
                        respond_by=utcnow() + timedelta(days=3))
    db.session.add(ret)
    db.session.flush()
    db.session.add(ReturnItem(return_id=ret.id, order_item_id=item.id, quantity=1))
    db.session.flush()
    return ret
