"""Accounts: users, their one-time codes and their address book."""
import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from marketplace.models.base import Base, Timestamped, UUIDPrimaryKey, utcnow


class Role(str, enum.Enum):
    BUYER = "BUYER"
    SELLER = "SELLER"
    ADMIN = "ADMIN"


class UserStatus(str, enum.Enum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"


class OtpPurpose(str, enum.Enum):
    VERIFY = "VERIFY"          # prove the account's phone or email
    RESET = "RESET"            # forgot password
    CHANGE_CONTACT = "CHANGE_CONTACT"  # re-verify a changed phone or email


def pg_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    return Enum(enum_cls, name=name, values_callable=lambda e: [m.value for m in e])


class User(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="has_contact"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("locale IN ('vi', 'en')", name="locale_known"),
        Index("ix_users_role_status", "role", "status"),
    )

    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)  # E.164
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(pg_enum(Role, "user_role"), default=Role.BUYER)
    status: Mapped[UserStatus] = mapped_column(pg_enum(UserStatus, "user_status"), default=UserStatus.ACTIVE)
    status_reason: Mapped[str | None] = mapped_column(Text)
    is_verified: Mapped[bool] = mapped_column(default=False)
    # Part of the login session id: bumping it ends every session and remember cookie.
    session_version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    avatar_key: Mapped[str | None] = mapped_column(String(200))
    # The interface language and time zone the user chose (profile, the language switcher); None: the
    # browser's language and DEFAULT_TIMEZONE. Checked here against config LOCALES; zones by services.
    locale: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))
    last_login_at: Mapped[datetime | None]

    addresses: WriteOnlyMapped["Address"] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.status == UserStatus.ACTIVE

    @property
    def is_anonymous(self) -> bool:
        return False

    # The login this request belongs to (a LoginSession id), set by the login and by the loader;
    # not a column: one user has a login per browser or phone.
    login_token = None  # uuid.UUID | None (not annotated: an annotation would map it)

    def get_id(self) -> str:
        """The session cookie's user id: user, session version and login. Logging out deletes the
        login, bumping the version ends them all; either way a copied cookie stops working."""
        return f"{self.id}.{self.session_version}.{self.login_token}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_seller(self) -> bool:
        return self.role == Role.SELLER

    @property
    def login_name(self) -> str:
        return self.email or self.phone or ""

    def __repr__(self) -> str:
        return f"<User {self.login_name}>"


class OtpCode(UUIDPrimaryKey, Timestamped, Base):
    """One live code per (user, purpose); a resend replaces it."""

    __tablename__ = "otp_codes"
    __table_args__ = (
        Index("uq_otp_codes_user_purpose", "user_id", "purpose", unique=True),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[OtpPurpose] = mapped_column(pg_enum(OtpPurpose, "otp_purpose"))
    destination: Mapped[str] = mapped_column(String(254))  # phone or email the code went to
    code_hash: Mapped[str] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship()


class Address(UUIDPrimaryKey, Timestamped, Base):
    __tablename__ = "addresses"
    __table_args__ = (
        # Exactly one default per user: the database refuses a second one.
        Index("uq_addresses_one_default", "user_id", unique=True, postgresql_where=text("is_default")),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    ward: Mapped[str | None] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    is_default: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="addresses")

    def one_line(self) -> str:
        parts = [self.line1, self.line2, self.ward, self.district, self.city, self.postal_code]
        return ", ".join(p for p in parts if p)


class LoginSession(UUIDPrimaryKey, Base):
    """One login: a browser or a phone signed in. Its id is in that login's session and remember
    cookies (User.get_id); logging out deletes the row, so a copy of the cookie dies with it."""

    __tablename__ = "login_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(200))  # to tell the user's devices apart
