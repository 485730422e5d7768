"""Posting to the double-entry ledger (models/ledger.py explains the accounts and the sign).

`post` writes one transaction and its entries; the database checks at COMMIT that they sum to zero
and refuses to change them afterwards. A transaction with a `key` is posted at most once: the key's
unique index turns a second posting of the same event (a retried job, a replayed notification, two
racing requests) into a no-op that returns None. A shop account's balance moves with its entries (a
trigger), under that account row's lock until the transaction ends: that lock is what makes two
payouts of one balance wait for each other.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, text
from sqlalchemy import insert as core_insert
from sqlalchemy.dialects.postgresql import insert

from marketplace.extensions import db
from marketplace.models import AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction, TransactionKind
from marketplace.models.base import utcnow

K = AccountKind


@dataclass(frozen=True)
class Entry:
    """One line of a transaction: `amount` debit positive, credit negative (minor units)."""

    kind: AccountKind
    amount: int
    shop_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    order_item_id: uuid.UUID | None = None


def debit(kind: AccountKind, amount: int, **about) -> Entry:
    return Entry(kind, amount, **about)


def credit(kind: AccountKind, amount: int, **about) -> Entry:
    return Entry(kind, -amount, **about)


def account_id(kind: AccountKind, currency: str, shop_id: uuid.UUID | None = None) -> uuid.UUID:
    """The account's id, made on first use (two first uses at once make one: the unique index decides).

    Remembered for the rest of the current (innermost) transaction: accounts are never deleted, and
    one made by a transaction or savepoint that rolls back is forgotten with it (a new one starts a
    new memo). A batch of postings (the benchmark's history) then looks each account up once."""
    memo = _memo()
    found = memo.get((kind, currency, shop_id)) or _find_account(kind, currency, shop_id)
    if found is None:
        db.session.execute(insert(LedgerAccount).values(id=uuid.uuid4(), kind=kind.value, shop_id=shop_id,
                                                        currency=currency, balance=0)
                           .on_conflict_do_nothing())
        found = _find_account(kind, currency, shop_id)
    memo[(kind, currency, shop_id)] = found
    return found


def _memo() -> dict:
    """The account ids seen in the session's innermost transaction."""
    session = db.session()  # the scoped session's own Session
    transaction = session.get_nested_transaction() or session.get_transaction()
    held = session.info.get("ledger_accounts")
    if held is None or held[0] is not transaction:
        held = session.info["ledger_accounts"] = (transaction, {})
    return held[1]


def _find_account(kind: AccountKind, currency: str, shop_id: uuid.UUID | None) -> uuid.UUID | None:
    query = select(LedgerAccount.id).where(LedgerAccount.kind == kind.value, LedgerAccount.currency == currency)
    query = query.where(LedgerAccount.shop_id.is_(None) if shop_id is None else LedgerAccount.shop_id == shop_id)
    return db.session.scalar(query)


_TRANSACTION_COLUMNS = ("id", "kind", "currency", "key", "memo", "actor_id", "order_id", "refund_id", "payout_id",
                        "created_at")
# The dialect's INSERT … ON CONFLICT has no cache key in SQLAlchemy 2.0 (sqlalchemy#10445): built with
# insert().on_conflict_do_nothing() it was compiled again at every posting, which cost more Python than
# the posting's database work. As text it is compiled once; the table's own types bind the values.
_NEW_TRANSACTION = (
    text(f"INSERT INTO ledger_transactions ({', '.join(_TRANSACTION_COLUMNS)}) "
         f"VALUES ({', '.join(':' + name for name in _TRANSACTION_COLUMNS)}) ON CONFLICT (key) DO NOTHING RETURNING id")
    .bindparams(*(bindparam(name, type_=LedgerTransaction.__table__.c[name].type) for name in _TRANSACTION_COLUMNS))
    .columns(LedgerTransaction.__table__.c.id))
_NEW_ENTRIES = core_insert(LedgerEntry.__table__)  # the table's: an ORM entity's bulk INSERT has no cache key either


def post(kind: TransactionKind, currency: str, entries: list[Entry], *, key: str | None = None, memo: str = "",
         actor_id: uuid.UUID | None = None, order_id: uuid.UUID | None = None, refund_id: uuid.UUID | None = None,
         payout_id: uuid.UUID | None = None, at: datetime | None = None) -> uuid.UUID | None:
    """Write one balanced transaction; None (and nothing written) when `key` was posted before.
    `at`: when it happened, if not now (the demo's history).

    Entries of zero are left out (a line with no commission). Raises ValueError for entries that do not
    sum to zero or a shop account without its shop: those are bugs, not a user's mistake."""
    entries = [entry for entry in entries if entry.amount]
    if sum(entry.amount for entry in entries) != 0:
        raise ValueError(f"unbalanced {kind.value}: {entries}")
    if any(entry.kind.per_shop != (entry.shop_id is not None) for entry in entries):
        raise ValueError(f"a shop account needs its shop, and only a shop account has one: {entries}")
    if not entries:
        return None
    transaction_id = db.session.scalar(_NEW_TRANSACTION, dict(
        id=uuid.uuid4(), kind=kind.value, currency=currency, key=key, memo=memo[:200], actor_id=actor_id,
        order_id=order_id, refund_id=refund_id, payout_id=payout_id, created_at=at or utcnow()))
    if transaction_id is None:
        return None
    accounts = {(e.kind, e.shop_id): None for e in entries}
    # Shop accounts in a fixed order: two transactions touching the same shops lock them alike.
    for kind_, shop_id in sorted(accounts, key=lambda pair: (pair[0].value, str(pair[1]))):
        accounts[(kind_, shop_id)] = account_id(kind_, currency, shop_id)
    # One statement for all the entries: with the balance check set IMMEDIATE (the tests do) it then
    # runs once they are all in, as it does at COMMIT.
    # (executemany: the driver sends one multi-row INSERT, and the statement compiles once, cached.)
    db.session.connection().execute(_NEW_ENTRIES, [
        dict(transaction_id=transaction_id, account_id=accounts[(e.kind, e.shop_id)], amount=e.amount,
             order_id=e.order_id, order_item_id=e.order_item_id, created_at=at or utcnow())
        for e in entries
    ])
    return transaction_id


def locked_balance(kind: AccountKind, currency: str, shop_id: uuid.UUID) -> int:
    """A shop account's balance as people read it (what the platform owes the shop), its row locked
    until the transaction ends: what a payout checks before it takes money out."""
    account = db.session.scalar(
        select(LedgerAccount).where(LedgerAccount.id == account_id(kind, currency, shop_id))
        .with_for_update().execution_options(populate_existing=True))
    return account.owed
