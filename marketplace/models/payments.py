"""Online payment: one payment per checkout, its attempts with the provider, every notification
the provider sent (the exactly-once ledger) and the refunds it made."""
import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, Timestamped, UUIDPrimaryKey


class PaymentStatus(str, enum.Enum):
    PENDING = "PENDING"    # the shopper may still pay (until hold_until)
    PAID = "PAID"          # captured: its orders went on to PENDING
    EXPIRED = "EXPIRED"    # not paid in time: its orders were cancelled
    REFUNDED = "REFUNDED"  # paid after it expired or was cancelled: the money went back
    CANCELLED = "CANCELLED"  # the buyer cancelled its orders before paying


class CheckoutPayment(UUIDPrimaryKey, Timestamped, Base):
    """What a checkout's orders cost together; its orders share its checkout_id."""

    __tablename__ = "checkout_payments"
    __table_args__ = (
        CheckConstraint("status IN ('PENDING', 'PAID', 'EXPIRED', 'REFUNDED', 'CANCELLED')", name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("attempt >= 0", name="attempt_not_negative"),
        # expire_due's sweep: only the pending ones, by deadline.
        Index("ix_checkout_payments_pending_hold", "hold_until", postgresql_where=text("status = 'PENDING'")),
    )

    buyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    checkout_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkout_requests.id", ondelete="RESTRICT"),
                                                   unique=True)
    provider: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default=PaymentStatus.PENDING.value)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    hold_until: Mapped[datetime]
    attempt: Mapped[int] = mapped_column(default=1)
    provider_reference: Mapped[str | None] = mapped_column(String(255))  # the current attempt's
    last_outcome: Mapped[str | None] = mapped_column(String(10))  # "failed"/"cancelled": the current attempt's end
    paid_reference: Mapped[str | None] = mapped_column(String(255))  # the attempt that paid
    paid_at: Mapped[datetime | None]


class PaymentAttempt(UUIDPrimaryKey, Timestamped, Base):
    """Every attempt's provider reference: a late notification for an older attempt still finds its payment."""

    __tablename__ = "payment_attempts"
    __table_args__ = (UniqueConstraint("provider", "reference", name="uq_payment_attempts_provider_reference"),)

    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkout_payments.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int]
    provider: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(255))


class PaymentEvent(UUIDPrimaryKey, Timestamped, Base):
    """One row per provider notification, kept whatever we decided: the unique key makes a resent
    or parallel copy a no-op."""

    __tablename__ = "payment_events"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_payment_events_provider_event"),)

    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("checkout_payments.id", ondelete="SET NULL"),
                                                         index=True)
    reference: Mapped[str] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    raw: Mapped[dict] = mapped_column(JSONB, default=dict)
    result: Mapped[str] = mapped_column(String(20))


class PaymentRefund(UUIDPrimaryKey, Timestamped, Base):
    """Money given back through the provider: a payment that came after its hold, or a second attempt paid."""

    __tablename__ = "payment_refunds"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkout_payments.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(255))  # the paid attempt
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    provider_refund_id: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(String(200))
