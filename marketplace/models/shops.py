"""Shops: one per seller, moderated by admins."""
import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, UUIDPrimaryKey
from marketplace.models.users import User, pg_enum


class ShopStatus(str, enum.Enum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    REJECTED = "REJECTED"
    SUSPENDED = "SUSPENDED"


class Shop(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "shops"

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    logo_key: Mapped[str | None] = mapped_column(String(200))
    banner_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[ShopStatus] = mapped_column(pg_enum(ShopStatus, "shop_status"), default=ShopStatus.PENDING, index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None]
    # Where its payouts go (the seller's shop profile); copied onto each payout when asked for.
    bank_name: Mapped[str | None] = mapped_column(String(120))
    bank_account_name: Mapped[str | None] = mapped_column(String(120))
    bank_account_number: Mapped[str | None] = mapped_column(String(40))

    owner: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status == ShopStatus.ACTIVE
