"""Returns: a buyer sends some lines of a delivered order back; one state machine in one table.

REQUESTED --seller accepts--> ACCEPTED --buyer's tracking--> SHIPPED_BACK --seller's receipt--> RECEIVED
    |                                                                           (refund made: REFUNDED)
    +--seller refuses--> REFUSED (the buyer may dispute it: DISPUTED)
    +--seller silent RETURN_RESPONSE_DAYS--> DISPUTED --admin--> ACCEPTED or CLOSED
    +--buyer withdraws--> CANCELLED
A return's lines are counted on order_items.return_quantity (CHECK <= quantity), so two returns can
never take back more units than were bought; one open return per order (a partial unique index).
"""
import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, UUIDPrimaryKey


class ReturnStatus(str, enum.Enum):
    REQUESTED = "REQUESTED"
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"
    DISPUTED = "DISPUTED"
    SHIPPED_BACK = "SHIPPED_BACK"
    RECEIVED = "RECEIVED"
    REFUNDED = "REFUNDED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


OPEN_RETURN_STATUSES = ("REQUESTED", "ACCEPTED", "DISPUTED", "SHIPPED_BACK", "RECEIVED")
_STATUSES_SQL = ", ".join(f"'{s.value}'" for s in ReturnStatus)
_OPEN_SQL = ", ".join(f"'{s}'" for s in OPEN_RETURN_STATUSES)


class ReturnReason(str, enum.Enum):
    DAMAGED = "DAMAGED"
    WRONG_ITEM = "WRONG_ITEM"
    NOT_AS_DESCRIBED = "NOT_AS_DESCRIBED"
    MISSING_PARTS = "MISSING_PARTS"
    CHANGED_MIND = "CHANGED_MIND"
    OTHER = "OTHER"


class ReturnRequest(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "returns"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES_SQL})", name="status_known"),
        CheckConstraint("reason IN ('DAMAGED', 'WRONG_ITEM', 'NOT_AS_DESCRIBED', 'MISSING_PARTS', "
                        "'CHANGED_MIND', 'OTHER')", name="reason_known"),
        CheckConstraint("status <> 'REFUSED' OR refuse_reason IS NOT NULL", name="refused_has_reason"),
        CheckConstraint("status <> 'SHIPPED_BACK' OR tracking_number IS NOT NULL", name="shipped_has_tracking"),
        # One open return per order: a second request waits for the first to end.
        Index("uq_returns_open_order", "order_id", unique=True, postgresql_where=text(f"status IN ({_OPEN_SQL})")),
        Index("ix_returns_buyer_created", "buyer_id", "created_at", "id"),
        Index("ix_returns_shop_status_created", "shop_id", "status", "created_at", "id"),
        # The sweep that sends a return the seller left unanswered to the admin.
        Index("ix_returns_requested_respond_by", "respond_by", postgresql_where=text("status = 'REQUESTED'")),
    )

    number: Mapped[str] = mapped_column(String(32), unique=True)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), index=True)
    buyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(15), default=ReturnStatus.REQUESTED.value)
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    respond_by: Mapped[datetime]  # the seller's deadline (RETURN_RESPONSE_DAYS)
    refuse_reason: Mapped[str | None] = mapped_column(Text)
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    restock: Mapped[bool | None]  # the seller's choice on receipt: do the units go back on sale?
    decision_note: Mapped[str | None] = mapped_column(Text)  # the admin's, on a disputed return
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    items: Mapped[list["ReturnItem"]] = relationship(back_populates="return_request", cascade="all, delete-orphan")
    images: Mapped[list["ReturnImage"]] = relationship(order_by="ReturnImage.position", cascade="all, delete-orphan")
    events: Mapped[list["ReturnEvent"]] = relationship(order_by="ReturnEvent.created_at", cascade="all, delete-orphan")


class ReturnItem(UUIDPrimaryKey, Base):
    __tablename__ = "return_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        UniqueConstraint("return_id", "order_item_id", name="uq_return_items_return_line"),
    )

    return_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"))
    order_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("order_items.id", ondelete="RESTRICT"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)

    return_request: Mapped[ReturnRequest] = relationship(back_populates="items")


class ReturnImage(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "return_images"
    __table_args__ = (
        CheckConstraint("position BETWEEN 0 AND 4", name="at_most_five"),
        UniqueConstraint("return_id", "position", name="uq_return_images_return_position"),
    )

    return_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class ReturnEvent(UUIDPrimaryKey, Timestamped, Base):
    """One row per status change: the return's timeline."""

    __tablename__ = "return_events"
    __table_args__ = (Index("ix_return_events_return_created", "return_id", "created_at"),)

    return_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(15))
    to_status: Mapped[str] = mapped_column(String(15))
    note: Mapped[str | None] = mapped_column(Text)
