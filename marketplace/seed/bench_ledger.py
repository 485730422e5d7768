"""`flask seed-bench --ledger`: the big benchmark shop's money history, posted through the real ledger.

The benchmark's orders are loaded by COPY (bench_people.py), so they leave no ledger behind. This
replays, in time order, what the services would have written for the big shop (`bench-shop-0000`,
owner `bench-seller-0@bench.example.com`, a tenth of all orders) for its latest HISTORY_ORDERS
delivered orders (older ones have no postings: `flask ledger check` does not balance on a benchmark
database, whose other shops have none at all):

- each line's commission frozen at the platform rate (COMMISSION_RATE_BP, commission.commission_of),
  as checkout freezes it;
- each delivered order: postings.order_delivered(at=delivered_at) (cash collected, the shop's pending
  earnings, the commission);
- each order delivered SETTLEMENT_DAYS ago: settlement.settle_order, dated delivered_at + SETTLEMENT_DAYS;
- about once a month a payout of the whole available balance (payouts.request, approved an hour later,
  marked paid the next day), the last one possibly still in transit.

Every posting has its key and each settled line its settled_at, and a payout is made only where none
exists at its time, so a second run (or one after an interrupted run: it commits every BATCH events)
adds nothing. bench/run.py runs it when the big shop has no ledger yet; `flask seed-bench` at its end.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select, text

from marketplace.extensions import db
from marketplace.models import LedgerAccount, Order, OrderItem, OrderStatus, Payout, Shop, User
from marketplace.seed.bench_people import DOMAIN
from marketplace.services.core.errors import DomainError
from marketplace.services.ledger import commission, payouts, postings
from marketplace.services.ledger.settlement import settle_order
from marketplace.services.shops import bank_details

BIG_SHOP = "bench-shop-0000"
BATCH = 100  # events per commit: each entry rewrites its shop account row (the running balance), and
# lookups walk the versions one transaction leaves behind, so short transactions stay fast
PAYOUT_EVERY = timedelta(days=30)
# The big shop's latest delivered orders replayed: its whole history at 100,000 products (about 19,000),
# its last week or so at 1,000,000 (100,000 orders, 109,000 events: 18 minutes through the services), so
# seed-bench stays within its time at either size and the statements read a history of the same size.
HISTORY_ORDERS = 20_000
DELIVERED = (OrderStatus.DELIVERED.value, OrderStatus.COMPLETED.value)


def has_ledger(shop_slug: str = BIG_SHOP) -> bool:
    """Whether the shop has any ledger account (the history was posted)."""
    return bool(db.session.scalar(select(func.count()).select_from(LedgerAccount)
                                  .join(Shop, Shop.id == LedgerAccount.shop_id).where(Shop.slug == shop_slug)))


def seed_bench_ledger(checkpoint: Callable[[], None], shop_slug: str = BIG_SHOP, now: datetime | None = None,
                      echo=print) -> dict:
    """Post the shop's history; calls `checkpoint` after every BATCH events (the CLI commits there:
    unit_of_work.checkpoint). Returns counts."""
    started = time.perf_counter()
    now = now or datetime.now(timezone.utc)
    shop = db.session.scalar(select(Shop).where(Shop.slug == shop_slug))
    if shop is None:
        raise RuntimeError(f"No shop {shop_slug}: run seed-bench first.")
    owner = db.session.get(User, shop.owner_id)
    admin = db.session.scalar(select(User).where(User.email == f"admin@{DOMAIN}"))
    if admin is None:
        raise RuntimeError("The benchmark database has no admin: run seed-bench first.")
    if not shop.bank_account_number:
        bank_details.update_bank_details(shop, bank_name="Vietcombank", account_name=owner.full_name,
                                         account_number="0071 0012 3456 7")
    # The latest HISTORY_ORDERS delivered orders, oldest first.
    delivered = db.session.execute(
        select(Order.id, Order.delivered_at).where(Order.shop_id == shop.id, Order.status.in_(DELIVERED),
                                                   Order.delivered_at.is_not(None))
        .order_by(Order.delivered_at.desc(), Order.id.desc()).limit(HISTORY_ORDERS)).all()[::-1]
    frozen = _freeze_commission([order_id for order_id, __ in delivered])
    checkpoint()
    echo(f"  commission frozen on {frozen:,} lines: {time.perf_counter() - started:.1f} s")

    days = timedelta(days=current_app.config["SETTLEMENT_DAYS"])
    # The orders' currency (a benchmark database seeded under another CURRENCY keeps its own).
    currency = db.session.scalar(select(Order.currency).where(Order.shop_id == shop.id).limit(1))
    events: list[tuple[datetime, int, str, object]] = []
    for order_id, delivered_at in delivered:
        events.append((delivered_at, 0, "deliver", order_id))
        if delivered_at + days <= now:
            events.append((delivered_at + days, 1, "settle", order_id))
    if delivered:
        at = delivered[0][1] + days + timedelta(days=14)
        while at <= now:
            events.append((at, 2, "payout", None))
            at += PAYOUT_EVERY
    events.sort(key=lambda event: (event[0], event[1], str(event[3])))
    made = {"delivered": 0, "settled": 0, "payouts": 0}
    for start in range(0, len(events), BATCH):
        chunk = events[start:start + BATCH]
        ids = [order_id for __, __, kind, order_id in chunk if order_id is not None]
        orders = {order.id: order for order in db.session.scalars(
            select(Order).where(Order.id.in_(ids)).with_for_update())}
        items: dict = {}
        for item in db.session.scalars(select(OrderItem).where(OrderItem.order_id.in_(ids)).order_by(OrderItem.id)):
            items.setdefault(item.order_id, []).append(item)
        for at, __, kind, order_id in chunk:
            if kind == "deliver":
                postings.order_delivered(orders[order_id], items[order_id], at=at)
                made["delivered"] += 1
            elif kind == "settle" and orders[order_id].settled_at is None:
                made["settled"] += settle_order(orders[order_id], at, at=at)
            elif kind == "payout":
                made["payouts"] += _payout(shop, owner, admin, currency, at, now)
        db.session.flush()
        checkpoint()
        if (start // BATCH) % 20 == 19 or start + BATCH >= len(events):
            echo(f"    {min(start + BATCH, len(events)):,} of {len(events):,} events: "
                 f"{time.perf_counter() - started:.1f} s")
    for table in ("ledger_transactions", "ledger_entries", "ledger_accounts", "ledger_shop_hours", "payouts",
                  "order_items", "orders"):
        db.session.execute(db.text(f"ANALYZE {table}"))
    checkpoint()
    made.update(lines=frozen, seconds=round(time.perf_counter() - started, 1))
    return made


def _freeze_commission(order_ids: list) -> int:
    """The platform rate on these orders' lines that have none yet, as checkout would have frozen it."""
    rate = current_app.config["COMMISSION_RATE_BP"]
    rows = db.session.execute(
        select(OrderItem.id, OrderItem.line_total, OrderItem.discount_share)
        .where(OrderItem.order_id.in_(order_ids), OrderItem.commission_rate_bp == 0, OrderItem.commission == 0)
    ).all() if order_ids else []
    if rows:  # one statement for every line (an UPDATE per line took 12 s for 33,000 lines)
        db.session.execute(_FREEZE, {"rate": rate, "ids": [line_id for line_id, __, __ in rows], "commissions": [
            commission.commission_of(line_total - discount, rate) for __, line_total, discount in rows]})
    return len(rows)


_FREEZE = text("""
    UPDATE order_items SET commission_rate_bp = :rate, commission = frozen.commission
      FROM unnest(CAST(:ids AS uuid[]), CAST(:commissions AS bigint[])) AS frozen (id, commission)
     WHERE order_items.id = frozen.id""")


def _payout(shop: Shop, owner: User, admin: User, currency: str, at: datetime, now: datetime) -> int:
    """The whole available balance paid out at `at` (approved an hour later, paid the next day when that
    is past); none when one exists at that time already (a second run) or too little is available."""
    if db.session.scalar(select(func.count()).select_from(Payout)
                         .where(Payout.shop_id == shop.id, Payout.created_at == at)):
        return 0
    try:
        payout = payouts.request(owner, currency, at=at)
    except DomainError:
        return 0
    if at + timedelta(hours=1) <= now:
        payouts.approve(admin, payout.id, at=at + timedelta(hours=1))
    if at + timedelta(days=1) <= now:
        payouts.mark_paid(admin, payout.id, f"FT{at:%y%m%d}BENCH", at=at + timedelta(days=1))
    return 1
