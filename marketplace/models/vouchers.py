"""Shop vouchers and their recorded uses."""
import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, UUIDPrimaryKey
from marketplace.models.shops import Shop
from marketplace.models.users import pg_enum


class VoucherKind(str, enum.Enum):
    PERCENT = "PERCENT"
    FIXED = "FIXED"


class Voucher(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "vouchers"
    __table_args__ = (
        # Codes are unique per shop regardless of case.
        Index("uq_vouchers_shop_code", "shop_id", text("lower(code)"), unique=True),
        # "That code belongs to another shop": the lookup across shops (migration vchr01).
        Index("ix_vouchers_lower_code", text("lower(code)")),
        CheckConstraint("value > 0", name="value_positive"),
        CheckConstraint("kind <> 'PERCENT' OR value <= 100", name="percent_at_most_100"),
        CheckConstraint("min_spend >= 0", name="min_spend_non_negative"),
        CheckConstraint("max_discount IS NULL OR max_discount > 0", name="max_discount_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("used_count >= 0", name="used_count_non_negative"),
        CheckConstraint("usage_limit IS NULL OR used_count <= usage_limit", name="within_usage_limit"),
        CheckConstraint("per_user_limit IS NULL OR per_user_limit > 0", name="per_user_limit_positive"),
    )

    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[VoucherKind] = mapped_column(pg_enum(VoucherKind, "voucher_kind"))
    value: Mapped[int]  # percent (1-100) or an amount in minor units
    max_discount: Mapped[int | None]
    min_spend: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    usage_limit: Mapped[int | None]
    per_user_limit: Mapped[int | None]
    used_count: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    shop: Mapped[Shop] = relationship()


class VoucherUsage(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "voucher_usages"
    __table_args__ = (Index("ix_voucher_usages_voucher_user", "voucher_id", "user_id"),)

    voucher_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vouchers.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
