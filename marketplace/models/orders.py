"""Orders: one per shop per checkout, their lines, their history, and checkout idempotency."""
import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, UUIDPrimaryKey
from marketplace.models.shops import Shop
from marketplace.models.users import User, pg_enum


class OrderStatus(str, enum.Enum):
    AWAITING_PAYMENT = "AWAITING_PAYMENT"  # online payment not yet confirmed (COD skips it)
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    SHIPPING = "SHIPPING"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class PaymentMethod(str, enum.Enum):
    COD = "COD"
    ONLINE = "ONLINE"  # paid through PAYMENT_PROVIDER before the shops see the orders


class CheckoutRequest(UUIDPrimaryKey, Timestamped, Base):
    """One row per placed checkout; the unique key makes a retried request a no-op."""

    __tablename__ = "checkout_requests"
    __table_args__ = (UniqueConstraint("user_id", "idempotency_key", name="uq_checkout_requests_user_key"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(100))


class Order(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("subtotal >= 0 AND shipping_fee >= 0 AND discount >= 0", name="amounts_non_negative"),
        CheckConstraint("discount <= subtotal", name="discount_within_subtotal"),
        CheckConstraint("total = subtotal - discount + shipping_fee", name="total_adds_up"),
        CheckConstraint("shipping_refunded BETWEEN 0 AND shipping_fee", name="shipping_refund_within_fee"),
        Index("ix_orders_buyer_created", "buyer_id", "created_at", "id"),
        Index("ix_orders_shop_status_created", "shop_id", "status", "created_at", "id"),
        Index("ix_orders_shop_created", "shop_id", "created_at", "id"),
        Index("ix_orders_created", "created_at"),
        # The settlement sweep: delivered orders whose earnings are not all available yet.
        Index("ix_orders_unsettled_delivered", "delivered_at",
              postgresql_where=text("delivered_at IS NOT NULL AND settled_at IS NULL")),
    )

    number: Mapped[str] = mapped_column(String(32), unique=True)
    checkout_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkout_requests.id", ondelete="RESTRICT"), index=True)
    buyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="RESTRICT"))
    status: Mapped[OrderStatus] = mapped_column(pg_enum(OrderStatus, "order_status"), default=OrderStatus.PENDING, index=True)
    payment_method: Mapped[PaymentMethod] = mapped_column(pg_enum(PaymentMethod, "payment_method"), default=PaymentMethod.COD)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int]
    shipping_fee: Mapped[int] = mapped_column(default=0)
    discount: Mapped[int] = mapped_column(default=0)
    total: Mapped[int]
    voucher_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vouchers.id", ondelete="SET NULL"))
    voucher_code: Mapped[str | None] = mapped_column(String(40))
    # The shipping address as it was when the order was placed.
    ship_recipient_name: Mapped[str] = mapped_column(String(120))
    ship_phone: Mapped[str] = mapped_column(String(20))
    ship_line1: Mapped[str] = mapped_column(String(200))
    ship_line2: Mapped[str | None] = mapped_column(String(200))
    ship_ward: Mapped[str | None] = mapped_column(String(100))
    ship_district: Mapped[str | None] = mapped_column(String(100))
    ship_city: Mapped[str] = mapped_column(String(100))
    ship_postal_code: Mapped[str | None] = mapped_column(String(20))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    delivered_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    # Money after the sale (models/ledger.py): shipping given back, and when the order's earnings
    # (every line not held by a return, and the shipping) became the shop's available balance.
    shipping_refunded: Mapped[int] = mapped_column(default=0, server_default="0")
    settled_at: Mapped[datetime | None]

    buyer: Mapped[User] = relationship()
    shop: Mapped[Shop] = relationship()
    items: Mapped[list["OrderItem"]] = relationship(back_populates="order", cascade="all, delete-orphan")
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", order_by="OrderEvent.created_at", cascade="all, delete-orphan"
    )


class OrderItem(UUIDPrimaryKey, Base):
    """A bought line, copied from the catalog so later edits never change it."""

    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_non_negative"),
        CheckConstraint("line_total = unit_price * quantity", name="line_total_adds_up"),
        # What the buyer paid for the line is line_total - discount_share (the order's voucher shared
        # out over its lines); commission and refunds are bounded by it.
        CheckConstraint("discount_share BETWEEN 0 AND line_total", name="discount_share_within_line"),
        CheckConstraint("commission_rate_bp BETWEEN 0 AND 10000", name="commission_rate_in_range"),
        CheckConstraint("commission BETWEEN 0 AND line_total - discount_share", name="commission_within_paid"),
        CheckConstraint("commission_refunded BETWEEN 0 AND commission", name="commission_refund_within_commission"),
        CheckConstraint("refunded_amount BETWEEN 0 AND line_total - discount_share", name="refund_within_paid"),
        CheckConstraint("refunded_quantity BETWEEN 0 AND quantity", name="refunded_units_within_quantity"),
        CheckConstraint("return_quantity BETWEEN 0 AND quantity", name="returned_units_within_quantity"),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    variant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("product_variants.id", ondelete="SET NULL"), index=True)
    product_title: Mapped[str] = mapped_column(String(200))
    variant_name: Mapped[str] = mapped_column(String(120), default="")
    sku: Mapped[str] = mapped_column(String(64))
    image_key: Mapped[str | None] = mapped_column(String(200))
    unit_price: Mapped[int]
    quantity: Mapped[int]
    line_total: Mapped[int]
    discount_share: Mapped[int] = mapped_column(default=0, server_default="0")
    commission_rate_bp: Mapped[int] = mapped_column(default=0, server_default="0")  # frozen when the order was placed
    commission: Mapped[int] = mapped_column(default=0, server_default="0")
    commission_refunded: Mapped[int] = mapped_column(default=0, server_default="0")
    refunded_amount: Mapped[int] = mapped_column(default=0, server_default="0")
    refunded_quantity: Mapped[int] = mapped_column(default=0, server_default="0")
    return_quantity: Mapped[int] = mapped_column(default=0, server_default="0")  # units in returns not refused or withdrawn
    settled_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(back_populates="items")

    @property
    def paid(self) -> int:
        """What the buyer paid for this line: its total less its share of the voucher."""
        return self.line_total - self.discount_share


class OrderEvent(UUIDPrimaryKey, Timestamped, Base):
    """One row per status change: the order's timeline."""

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_order_created", "order_id", "created_at"),)

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[OrderStatus | None] = mapped_column(pg_enum(OrderStatus, "order_status"))
    to_status: Mapped[OrderStatus] = mapped_column(pg_enum(OrderStatus, "order_status"))
    note: Mapped[str | None] = mapped_column(Text)

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
