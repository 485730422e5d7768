"""Settlement: a delivered order's earnings move from the shop's pending balance to its available one
SETTLEMENT_DAYS after delivery, line by line, unless a return is open on that line.

    settle a line       SHOP_PENDING +x   SHOP_AVAILABLE -x   (x: what is still pending for the line)
    settle the shipping SHOP_PENDING +y   SHOP_AVAILABLE -y   (once no return is open on the order)

A line's pending figure is the sum of its SHOP_PENDING entries (its share of the sale, less what a
refund decided before settlement took back), so a line refunded in full settles nothing and is just
marked settled. Each posting has a key ("settle:<line id>", "settle-shipping:<order id>") and each
line its settled_at, so a sweep run twice, or two sweeps at once, settle once.

How it runs: the RQ worker re-queues `jobs.settle_due_job` every hour (marketplace/jobs.py), and
deployments without Redis run `flask ledger settle` from cron; both call `settle_due`.
"""
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, select, tuple_

from marketplace.extensions import db
from marketplace.models import LedgerAccount, LedgerEntry, Order, OrderItem, TransactionKind
from marketplace.models.base import utcnow
from marketplace.models.returns import OPEN_RETURN_STATUSES, ReturnItem, ReturnRequest
from marketplace.services.ledger.ledger import K, credit, debit, post

SWEEP_BATCH = 200


def settle_due(now: datetime | None = None) -> int:
    """Settle every delivered order whose delivery is SETTLEMENT_DAYS old at `now`; how many orders
    it finished settling (an order a return holds stays for a later sweep).

    Locks: each order row FOR UPDATE SKIP LOCKED (an order being refunded or returned right now is
    left for the next sweep; refunds and returns lock the same row), then, through the postings, the
    shop's balance rows (available before pending, the ledger's order). Flushes, never commits: the
    job and the CLI command commit once per sweep."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["SETTLEMENT_DAYS"])
    finished = 0
    after: tuple[datetime, uuid.UUID] | None = None
    while True:
        query = (select(Order).where(Order.delivered_at.is_not(None), Order.settled_at.is_(None),
                                     Order.delivered_at <= cutoff)
                 .order_by(Order.delivered_at, Order.id).limit(SWEEP_BATCH)
                 .with_for_update(skip_locked=True).execution_options(populate_existing=True))
        if after is not None:  # keyset: orders held by a return are not read again in this sweep
            query = query.where(tuple_(Order.delivered_at, Order.id) > tuple_(*after))
        batch = list(db.session.scalars(query))
        for order in batch:
            finished += settle_order(order, now)
        db.session.flush()
        if len(batch) < SWEEP_BATCH:
            return finished
        after = (batch[-1].delivered_at, batch[-1].id)


def settle_order(order: Order, now: datetime, at: datetime | None = None) -> bool:
    """Settle what can be settled of one delivered order, its row locked by the caller; True when the
    order is now fully settled. `at`: when the postings happened, if not now (the benchmark's history,
    marketplace/seed/bench_ledger.py)."""
    held = held_lines(order.id)
    items = list(db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id)
                                    .order_by(OrderItem.id)))
    pending = _pending_by_line(order)
    for item in items:
        if item.settled_at is not None or item.id in held:
            continue
        _move(order, pending.get(item.id, 0), key=f"settle:{item.id}", order_item_id=item.id, at=at)
        item.settled_at = now
    order_has_open_return = bool(held) or _has_open_return(order.id)
    if not order_has_open_return:
        _move(order, pending.get(None, 0), key=f"settle-shipping:{order.id}", order_item_id=None, at=at)
    if not order_has_open_return and all(item.settled_at is not None for item in items):
        order.settled_at = now
    db.session.flush()
    return order.settled_at is not None


def held_lines(order_id: uuid.UUID) -> set[uuid.UUID]:
    """The order's lines an open return is about."""
    return set(db.session.scalars(
        select(ReturnItem.order_item_id).join(ReturnRequest, ReturnRequest.id == ReturnItem.return_id)
        .where(ReturnRequest.order_id == order_id, ReturnRequest.status.in_(OPEN_RETURN_STATUSES))))


def _has_open_return(order_id: uuid.UUID) -> bool:
    return db.session.scalar(select(func.count()).select_from(ReturnRequest).where(
        ReturnRequest.order_id == order_id, ReturnRequest.status.in_(OPEN_RETURN_STATUSES))) > 0


def _pending_by_line(order: Order) -> dict[uuid.UUID | None, int]:
    """What is still pending for each line of the order (None: the shipping), as owed to the shop."""
    rows = db.session.execute(
        select(LedgerEntry.order_item_id, func.sum(LedgerEntry.amount))
        .join(LedgerAccount, and_(LedgerAccount.id == LedgerEntry.account_id,
                                  LedgerAccount.kind == K.SHOP_PENDING.value,
                                  LedgerAccount.shop_id == order.shop_id))
        .where(LedgerEntry.order_id == order.id)
        .group_by(LedgerEntry.order_item_id))
    return {line_id: -total for line_id, total in rows}


def _move(order: Order, amount: int, *, key: str, order_item_id: uuid.UUID | None,
          at: datetime | None = None) -> None:
    """Pending -> available for one line (or the shipping). Available first: the ledger locks a shop's
    accounts in that order, as a payout does."""
    if amount <= 0:
        return
    about = dict(shop_id=order.shop_id, order_id=order.id, order_item_id=order_item_id)
    post(TransactionKind.SETTLED, order.currency,
         [credit(K.SHOP_AVAILABLE, amount, **about), debit(K.SHOP_PENDING, amount, **about)],
         key=key, memo=f"settled {order.number}", order_id=order.id, at=at)
