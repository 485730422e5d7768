"""Where the money goes: commission rates, the double-entry ledger, refunds and payouts.

The ledger. Every money event is one `LedgerTransaction` whose `LedgerEntry` rows sum to zero (a
deferred constraint trigger checks it at commit); entries and transactions are append-only (a trigger
refuses UPDATE and DELETE): a correction is a new transaction. Amounts are signed, debit positive:
an account that the platform owes (a shop's balance, commission earned, refunds owed) grows with
negative entries, and `LedgerAccount.owed` turns that into the figure people read.

Accounts, one per kind and currency (and per shop for the SHOP_* kinds):
  CASH                money the platform holds (provider settlements, cash collected on delivery)
  BUYER_FUNDS         money paid by buyers for orders not yet delivered
  SHOP_PENDING        a shop's earnings from delivered orders, not yet settled
  SHOP_AVAILABLE      a shop's earnings it may withdraw
  COMMISSION          the platform's revenue
  REFUNDS_OWED        refunds decided, not yet paid back to the buyer
  PAYOUTS_IN_TRANSIT  payouts a shop asked for, not yet paid to its bank

Only the SHOP_* accounts keep a running `balance` (a trigger adds each entry to it): a payout is
checked against it under the row's lock and its CHECK keeps SHOP_AVAILABLE from being overdrawn.
The platform's own accounts are summed when read (one hot row would make every payment wait).
"""
import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, UUIDPrimaryKey
from marketplace.models.shops import Shop

BASIS_POINTS = 10_000  # a rate of 500 is 5 %


class AccountKind(str, enum.Enum):
    CASH = "CASH"
    BUYER_FUNDS = "BUYER_FUNDS"
    SHOP_PENDING = "SHOP_PENDING"
    SHOP_AVAILABLE = "SHOP_AVAILABLE"
    COMMISSION = "COMMISSION"
    REFUNDS_OWED = "REFUNDS_OWED"
    PAYOUTS_IN_TRANSIT = "PAYOUTS_IN_TRANSIT"

    @property
    def per_shop(self) -> bool:
        return self.value.startswith("SHOP_")

    @property
    def debit_normal(self) -> bool:
        """True for what the platform has (cash); False for what it owes or earned."""
        return self is AccountKind.CASH


class CommissionRate(UUIDPrimaryKey, Timestamped, Base):
    """An admin's override of COMMISSION_RATE for one shop or one category (and the categories under it).
    A shop's rate wins over its products' categories'; the nearest category wins over its parents'."""

    __tablename__ = "commission_rates"
    __table_args__ = (
        CheckConstraint(f"rate_bp BETWEEN 0 AND {BASIS_POINTS}", name="rate_in_range"),
        CheckConstraint("(shop_id IS NULL) <> (category_id IS NULL)", name="one_scope"),
    )

    shop_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), unique=True)
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"),
                                                          unique=True)
    rate_bp: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class LedgerAccount(UUIDPrimaryKey, Base):
    __tablename__ = "ledger_accounts"
    __table_args__ = (
        CheckConstraint("kind IN ('CASH', 'BUYER_FUNDS', 'SHOP_PENDING', 'SHOP_AVAILABLE', 'COMMISSION', "
                        "'REFUNDS_OWED', 'PAYOUTS_IN_TRANSIT')", name="kind_known"),
        CheckConstraint("(shop_id IS NOT NULL) = (kind IN ('SHOP_PENDING', 'SHOP_AVAILABLE'))", name="shop_iff_shop_kind"),
        # A shop's available balance is what it may withdraw: never below nothing (credit-normal, so <= 0).
        CheckConstraint("kind <> 'SHOP_AVAILABLE' OR balance <= 0", name="available_not_overdrawn"),
        # NULLS NOT DISTINCT: one CASH account per currency although its shop_id is NULL.
        Index("uq_ledger_accounts_kind_shop_currency", "kind", "shop_id", "currency", unique=True,
              postgresql_nulls_not_distinct=True),
    )

    kind: Mapped[str] = mapped_column(String(20))
    shop_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("shops.id", ondelete="RESTRICT"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    balance: Mapped[int] = mapped_column(BigInteger, default=0)  # SHOP_* only: the sum of its entries

    @property
    def owed(self) -> int:
        """The balance the way people read it: what the platform has (CASH) or owes/earned (the rest)."""
        return self.balance if AccountKind(self.kind).debit_normal else -self.balance


class TransactionKind(str, enum.Enum):
    PAYMENT_CAPTURED = "PAYMENT_CAPTURED"  # buyer's money in (online payment, or cash collected on delivery)
    SALE_EARNED = "SALE_EARNED"            # delivered: the shop's share pending, the platform's commission
    SETTLED = "SETTLED"                    # pending -> available after SETTLEMENT_DAYS
    REFUND = "REFUND"                      # a refund decided: out of the shop's balance (or buyer funds)
    REFUND_PAID = "REFUND_PAID"            # the refund reached the buyer (provider, or marked paid)
    PAYOUT_REQUESTED = "PAYOUT_REQUESTED"  # available -> in transit
    PAYOUT_PAID = "PAYOUT_PAID"            # in transit -> out of cash
    PAYOUT_REFUSED = "PAYOUT_REFUSED"      # in transit -> back to available
    ADJUSTMENT = "ADJUSTMENT"              # an admin's correction


class LedgerTransaction(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "ledger_transactions"
    __table_args__ = (
        CheckConstraint("kind IN ('PAYMENT_CAPTURED', 'SALE_EARNED', 'SETTLED', 'REFUND', 'REFUND_PAID', "
                        "'PAYOUT_REQUESTED', 'PAYOUT_PAID', 'PAYOUT_REFUSED', 'ADJUSTMENT')", name="kind_known"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    # What the event was, once: "earn:<order id>" makes a second posting of it a no-op.
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    memo: Mapped[str] = mapped_column(String(200), default="")
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), index=True)
    refund_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("refunds.id", ondelete="RESTRICT"), index=True)
    payout_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payouts.id", ondelete="RESTRICT"), index=True)

    entries: Mapped[list["LedgerEntry"]] = relationship(back_populates="transaction", order_by="LedgerEntry.id")


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        # A shop's statement and balance history: its account's entries in time order.
        Index("ix_ledger_entries_account_created", "account_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_transactions.id", ondelete="RESTRICT"),
                                                      index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_accounts.id", ondelete="RESTRICT"))
    amount: Mapped[int] = mapped_column(BigInteger)  # debit positive, credit negative
    # What the money is for: settlement moves a delivered line's pending earnings unless a return holds it.
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), index=True)
    order_item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("order_items.id", ondelete="RESTRICT"),
                                                            index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))

    transaction: Mapped[LedgerTransaction] = relationship(back_populates="entries")
    account: Mapped[LedgerAccount] = relationship()


class LedgerShopHour(Base):
    """A shop's ledger activity per UTC hour and transaction kind: how many transactions, and how much
    each of its accounts moved (debit positive, as the entries). Kept by a statement trigger on
    ledger_entries (migration led02) in the transaction that posts, read by the monthly statement: a
    month is at most 24 x 31 rows per kind whatever the shop's volume, and the balance before it a sum
    of these rows. A transaction counts in the hour of its first entry."""

    __tablename__ = "ledger_shop_hours"

    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="RESTRICT"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    transactions: Mapped[int] = mapped_column(Integer)
    pending: Mapped[int] = mapped_column(BigInteger)
    available: Mapped[int] = mapped_column(BigInteger)


class RefundStatus(str, enum.Enum):
    OWED = "OWED"      # decided; the provider is being asked, or (cash on delivery) an admin pays it by hand
    PAID = "PAID"      # back with the buyer: the provider's refund id, or the admin's bank reference
    FAILED = "FAILED"  # the provider refused: an admin pays it by hand


class Refund(UUIDPrimaryKey, Timestamped, Base):
    """Money given back for one order: some of its lines and/or its shipping. Per line and for shipping
    it can never exceed what was paid: order_items.refunded_amount and orders.shipping_refunded carry
    CHECKs, and the order row is locked while a refund is decided."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("status IN ('OWED', 'PAID', 'FAILED')", name="status_known"),
        CheckConstraint("method IN ('ONLINE', 'COD')", name="method_known"),
        CheckConstraint("items_amount >= 0 AND shipping_amount >= 0", name="parts_not_negative"),
        CheckConstraint("amount = items_amount + shipping_amount AND amount > 0", name="amount_adds_up"),
        CheckConstraint("status <> 'PAID' OR paid_at IS NOT NULL", name="paid_has_date"),
        # The admin's queue of refunds to pay by hand.
        Index("ix_refunds_owed", "created_at", postgresql_where=text("status <> 'PAID'")),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), index=True)
    return_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("returns.id", ondelete="RESTRICT"), index=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("checkout_payments.id", ondelete="RESTRICT"),
                                                         index=True)
    method: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=RefundStatus.OWED.value)
    items_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    shipping_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(200))
    provider_refund_id: Mapped[str | None] = mapped_column(String(255))
    reference: Mapped[str | None] = mapped_column(String(120))  # the admin's bank transfer reference
    failure: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paid_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paid_at: Mapped[datetime | None]

    items: Mapped[list["RefundItem"]] = relationship(back_populates="refund", cascade="all, delete-orphan")


class RefundItem(UUIDPrimaryKey, Base):
    __tablename__ = "refund_items"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("refund_id", "order_item_id", name="uq_refund_items_refund_line"),
    )

    refund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("refunds.id", ondelete="CASCADE"))
    order_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("order_items.id", ondelete="RESTRICT"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)  # units given back (0: money only, a goodwill partial refund)
    amount: Mapped[int] = mapped_column(BigInteger)

    refund: Mapped[Refund] = relationship(back_populates="items")


class PayoutStatus(str, enum.Enum):
    REQUESTED = "REQUESTED"  # the seller asked; the amount left the available balance
    APPROVED = "APPROVED"    # an admin approved: the transfer is being made
    PAID = "PAID"            # an admin marked it paid, with the bank's reference
    REFUSED = "REFUSED"      # an admin refused, with a reason: the amount is available again


class Payout(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "payouts"
    __table_args__ = (
        CheckConstraint("status IN ('REQUESTED', 'APPROVED', 'PAID', 'REFUSED')", name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("status <> 'PAID' OR (reference IS NOT NULL AND paid_at IS NOT NULL)", name="paid_has_reference"),
        CheckConstraint("status <> 'REFUSED' OR refuse_reason IS NOT NULL", name="refused_has_reason"),
        Index("ix_payouts_shop_created", "shop_id", "created_at", "id"),
        Index("ix_payouts_open", "created_at", postgresql_where=text("status IN ('REQUESTED', 'APPROVED')")),
    )

    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="RESTRICT"))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(10), default=PayoutStatus.REQUESTED.value)
    # The shop's bank details when it asked (a later edit never redirects a payout already asked for).
    bank_name: Mapped[str] = mapped_column(String(120))
    bank_account_name: Mapped[str] = mapped_column(String(120))
    bank_account_number: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(120))
    refuse_reason: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    refused_at: Mapped[datetime | None]

    shop: Mapped[Shop] = relationship()
