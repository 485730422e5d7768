"""What a seller reads about the shop's money: its figures (pending, available, in transit, paid out),
the ledger entries behind them, its payouts, and its monthly statements. Read-only.

Figures are the shop accounts' running balances (kept by the ledger's trigger) and two sums over the
shop's payouts: a couple of index lookups whatever the shop's history. Entries are read per account on
ledger_entries(account_id, created_at, id) and merged, newest first, keyset-paged.
"""
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import and_, func, literal, select, tuple_, union_all

from marketplace.extensions import db
from marketplace.models import (
    AccountKind, LedgerAccount, LedgerEntry, LedgerShopHour, LedgerTransaction, Order, Payout, PayoutStatus,
)
from marketplace.services.core.errors import ValidationFailed
from marketplace.services.core.paging import Page, decode_cursor, encode_cursor

K = AccountKind
OPEN_PAYOUTS = (PayoutStatus.REQUESTED.value, PayoutStatus.APPROVED.value)


@dataclass(frozen=True)
class Figures:
    currency: str
    pending: int      # earnings of delivered orders, not yet settled
    available: int    # what the shop may ask to be paid
    in_transit: int   # payouts asked for, not yet paid
    paid_out: int     # payouts paid to the bank, ever


@dataclass(frozen=True)
class EntryRow:
    id: int
    created_at: datetime
    account: str          # SHOP_PENDING or SHOP_AVAILABLE
    amount: int           # as the shop reads it: positive adds to its balance
    kind: str             # the transaction's kind (SALE_EARNED, SETTLED, REFUND, PAYOUT_...)
    order_id: uuid.UUID | None
    order_number: str | None
    payout_id: uuid.UUID | None
    refund_id: uuid.UUID | None


def shop_accounts(shop_id: uuid.UUID, currency: str) -> dict[str, LedgerAccount]:
    """The shop's pending and available accounts in `currency` (absent until first used)."""
    rows = db.session.scalars(select(LedgerAccount).where(
        LedgerAccount.shop_id == shop_id, LedgerAccount.currency == currency,
        LedgerAccount.kind.in_((K.SHOP_PENDING.value, K.SHOP_AVAILABLE.value))))
    return {account.kind: account for account in rows}


def figures(shop_id: uuid.UUID, currency: str) -> Figures:
    """The four figures of the shop's balance page, in two statements."""
    accounts = shop_accounts(shop_id, currency)
    in_transit, paid_out = db.session.execute(
        select(func.coalesce(func.sum(Payout.amount).filter(Payout.status.in_(OPEN_PAYOUTS)), 0),
               func.coalesce(func.sum(Payout.amount).filter(Payout.status == PayoutStatus.PAID.value), 0))
        .where(Payout.shop_id == shop_id, Payout.currency == currency)).one()
    owed = {kind: -account.balance for kind, account in accounts.items()}
    return Figures(currency, owed.get(K.SHOP_PENDING.value, 0), owed.get(K.SHOP_AVAILABLE.value, 0),
                   int(in_transit), int(paid_out))


def _entry_columns(account: LedgerAccount):
    return (LedgerEntry.id, LedgerEntry.created_at, literal(account.kind).label("account"),
            (-LedgerEntry.amount).label("amount"), LedgerEntry.transaction_id, LedgerEntry.order_id)


def entries(shop_id: uuid.UUID, currency: str, cursor: str | None = None, limit: int = 30) -> Page[EntryRow]:
    """The entries of the shop's pending and available accounts, newest first (one statement)."""
    after = _entry_cursor(cursor)
    accounts = list(shop_accounts(shop_id, currency).values())
    if not accounts:
        return Page(items=[], next_cursor=None)
    parts = []
    for account in accounts:  # each part walks its account's index backwards and stops at limit + 1
        part = select(*_entry_columns(account)).where(LedgerEntry.account_id == account.id)
        if after is not None:
            part = part.where(tuple_(LedgerEntry.created_at, LedgerEntry.id) < tuple_(*after))
        parts.append(part.order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc()).limit(limit + 1)
                     .subquery().select())
    merged = union_all(*parts).subquery()
    rows = db.session.execute(
        select(merged.c.id, merged.c.created_at, merged.c.account, merged.c.amount, LedgerTransaction.kind,
               merged.c.order_id, Order.number, LedgerTransaction.payout_id, LedgerTransaction.refund_id)
        .join(LedgerTransaction, LedgerTransaction.id == merged.c.transaction_id)
        .outerjoin(Order, Order.id == merged.c.order_id)
        .order_by(merged.c.created_at.desc(), merged.c.id.desc()).limit(limit + 1)).all()
    items = [EntryRow(*row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor([items[-1].created_at.isoformat(), items[-1].id])
    return Page(items=items, next_cursor=next_cursor)


def _entry_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    try:
        values = decode_cursor(cursor)
        if values is None:
            return None
        return datetime.fromisoformat(values[0]), int(values[1])
    except (ValueError, TypeError, IndexError, AttributeError) as exc:  # InvalidCursor is a ValueError
        raise ValidationFailed(_("That page link is no longer valid."), field="cursor", code="invalid_cursor") from exc


def payouts(shop_id: uuid.UUID, cursor: str | None = None, limit: int = 20) -> Page[Payout]:
    """The shop's payouts, newest first."""
    from marketplace.services.core.paging import newest_first_page

    return newest_first_page(select(Payout).where(Payout.shop_id == shop_id), Payout.created_at, Payout.id,
                             cursor, limit)


def get_payout(shop_id: uuid.UUID, payout_id: uuid.UUID) -> Payout | None:
    """One of the shop's payouts (None for another shop's)."""
    return db.session.scalar(select(Payout).where(Payout.id == payout_id, Payout.shop_id == shop_id))


# --- monthly statements ------------------------------------------------------------------------

@dataclass(frozen=True)
class StatementLine:
    """One day's transactions of one kind (in the viewer's time zone)."""

    day: date
    kind: str
    transactions: int   # how many
    pending: int        # the change of the pending balance (as the shop reads it)
    available: int      # the change of the available balance

    @property
    def total(self) -> int:
        return self.pending + self.available


@dataclass(frozen=True)
class TransactionLine:
    """One ledger transaction of the month (the CSV download)."""

    transaction_id: uuid.UUID
    created_at: datetime
    kind: str
    order_number: str | None
    pending: int
    available: int

    @property
    def total(self) -> int:
        return self.pending + self.available


@dataclass(frozen=True)
class Statement:
    shop_id: uuid.UUID
    currency: str
    month: date                # the first day of the month
    opening_pending: int
    opening_available: int
    lines: list[StatementLine]

    @property
    def opening(self) -> int:
        return self.opening_pending + self.opening_available

    @property
    def closing_pending(self) -> int:
        return self.opening_pending + sum(line.pending for line in self.lines)

    @property
    def closing_available(self) -> int:
        return self.opening_available + sum(line.available for line in self.lines)

    @property
    def closing(self) -> int:
        return self.closing_pending + self.closing_available


def month_bounds(month: date, time_zone: str) -> tuple[datetime, datetime]:
    """The month's first and the next month's first instant, in UTC, for a month of `time_zone`."""
    zone = ZoneInfo(time_zone)
    start = datetime(month.year, month.month, 1, tzinfo=zone)
    end = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def statement_months(shop_id: uuid.UUID, currency: str, today: date, time_zone: str) -> list[date]:
    """The months with a statement, newest first: from the shop's first entry's month to `today`'s."""
    accounts = [account.id for account in shop_accounts(shop_id, currency).values()]
    if not accounts:
        return []
    first = db.session.scalar(select(func.min(LedgerEntry.created_at)).where(LedgerEntry.account_id.in_(accounts)))
    if first is None:
        return []
    local = first.astimezone(ZoneInfo(time_zone))
    months, year, month = [], local.year, local.month
    while (year, month) <= (today.year, today.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[::-1]


def statement(shop_id: uuid.UUID, currency: str, month: date, time_zone: str) -> Statement:
    """The shop's statement of one month (in `time_zone`): the balances at its start, one line per day
    and transaction kind (with how many transactions), and so the balances at its end. Two statements
    on ledger_shop_hours (the shop's hourly activity, kept by a trigger): the sums before the month,
    and the month's hours grouped by local day and kind. Its cost follows the hours, not the volume.

    A month starts at its first local midnight; in a zone whose offset is not whole hours (+05:30)
    the hour that holds that midnight counts wholly on one side, the same for every statement."""
    start, end = month_bounds(month, time_zone)
    mine = (LedgerShopHour.shop_id == shop_id, LedgerShopHour.currency == currency)
    opening_pending, opening_available = db.session.execute(
        select(func.coalesce(func.sum(LedgerShopHour.pending), 0), func.coalesce(func.sum(LedgerShopHour.available), 0))
        .where(*mine, LedgerShopHour.hour < start)).one()
    day = func.date(func.timezone(time_zone, LedgerShopHour.hour)).label("day")
    rows = db.session.execute(
        select(day, LedgerShopHour.kind, func.sum(LedgerShopHour.transactions), -func.sum(LedgerShopHour.pending),
               -func.sum(LedgerShopHour.available))
        .where(*mine, LedgerShopHour.hour >= start, LedgerShopHour.hour < end)
        .group_by(day, LedgerShopHour.kind).order_by(day, LedgerShopHour.kind)).all()
    return Statement(shop_id, currency, month, -int(opening_pending), -int(opening_available),
                     [StatementLine(row[0], row[1], int(row[2]), int(row[3]), int(row[4])) for row in rows])


def statement_transactions(shop_id: uuid.UUID, currency: str, month: date, time_zone: str,
                           batch: int = 1000) -> Iterator[TransactionLine]:
    """Every ledger transaction of the shop in the month, in time order (the CSV download): read through
    a server-side cursor `batch` rows at a time, so memory stays flat whatever the month's volume. One
    statement (after the shop's accounts)."""
    start, end = month_bounds(month, time_zone)
    accounts = shop_accounts(shop_id, currency)
    if not accounts:
        return
    pending_id = accounts[K.SHOP_PENDING.value].id if K.SHOP_PENDING.value in accounts else None
    available_id = accounts[K.SHOP_AVAILABLE.value].id if K.SHOP_AVAILABLE.value in accounts else None
    pending_sum = func.coalesce(func.sum(LedgerEntry.amount).filter(LedgerEntry.account_id == pending_id), 0)
    available_sum = func.coalesce(func.sum(LedgerEntry.amount).filter(LedgerEntry.account_id == available_id), 0)
    query = (
        select(LedgerTransaction.id, func.min(LedgerEntry.created_at).label("at"), LedgerTransaction.kind, Order.number,
               -pending_sum, -available_sum)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .outerjoin(Order, Order.id == LedgerTransaction.order_id)
        .where(and_(LedgerEntry.account_id.in_([a.id for a in accounts.values()]), LedgerEntry.created_at >= start,
                    LedgerEntry.created_at < end))
        .group_by(LedgerTransaction.id, Order.number)
        .order_by("at", LedgerTransaction.id))
    for row in db.session.execute(query.execution_options(yield_per=batch)):
        yield TransactionLine(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]))
