"""Schemas of the auth and profile API. Phone/email/password rules are checked by the
services (one rule, two faces); these models only fix the shape and sizes."""
import uuid

from pydantic import Field

from marketplace.api.schemas import ApiModel, Moment, one_line
from marketplace.api.schemas.uploads import FilesIn, UploadedFile
from marketplace.models import Address, User
from marketplace.services.accounts.profile import thumb_key
from marketplace.storage import media_url

Phone = Field(default=None, description="Phone number; without a country code the default region applies")
Email = Field(default=None, description="Email address")


class UserOut(ApiModel):
    id: uuid.UUID
    email: str | None
    phone: str | None
    full_name: str
    role: str
    is_verified: bool
    avatar_url: str | None
    avatar_thumb_url: str | None = None
    created_at: Moment

    @classmethod
    def of(cls, user: User) -> "UserOut":
        return cls(id=user.id, email=user.email, phone=user.phone, full_name=user.full_name,
                   role=user.role.value, is_verified=user.is_verified, avatar_url=media_url(user.avatar_key),
                   avatar_thumb_url=media_url(thumb_key(user.avatar_key)), created_at=user.created_at)


class UserEnvelope(ApiModel):
    user: UserOut
    csrf_token: str | None = Field(default=None, description="A new session starts at login: use this token from now on")


class ContactIn(ApiModel):
    phone: one_line(30) | None = Phone
    email: one_line(254) | None = Email


class RegisterIn(ContactIn):
    password: str = Field(max_length=200)
    full_name: one_line(200)


class VerifyOtpIn(ContactIn):
    code: one_line(10)


class LoginIn(ApiModel):
    login: one_line(254) = Field(description="Phone number or email")
    password: str = Field(max_length=200)
    remember: bool = False


class ResetPasswordIn(ContactIn):
    code: one_line(10)
    new_password: str = Field(max_length=200)


class AcceptedOut(ApiModel):
    status: str = "accepted"
    message: str
    resend_after: int | None = Field(default=None, description="Seconds before another code may be asked for")


class ProfileIn(ApiModel):
    full_name: one_line(200) | None = None
    phone: one_line(30) | None = Field(
        default=None, description="A new phone is applied after verify-contact; \"\" removes it")
    email: one_line(254) | None = Field(
        default=None, description="A new email is applied after verify-contact; \"\" removes it")


class ProfileOut(ApiModel):
    user: UserOut
    pending_contact: str | None = Field(default=None, description="A new phone/email waiting for its code")


class AvatarIn(FilesIn):
    """multipart/form-data: the new avatar, one part named `avatar`."""

    avatar: UploadedFile = Field(description="A JPEG, PNG, WebP or GIF file, up to 5 MB; stored re-encoded as "
                                             "WebP (with a thumbnail), without its metadata")


class CodeIn(ApiModel):
    code: one_line(10)


class AddressIn(ApiModel):
    recipient_name: one_line(200)
    phone: one_line(30)
    line1: one_line(300)
    line2: one_line(300) | None = None
    ward: one_line(200) | None = None
    district: one_line(200) | None = None
    city: one_line(200)
    postal_code: one_line(40) | None = None
    is_default: bool = False


class AddressOut(ApiModel):
    id: uuid.UUID
    recipient_name: str
    phone: str
    line1: str
    line2: str | None
    ward: str | None
    district: str | None
    city: str
    postal_code: str | None
    is_default: bool
    created_at: Moment

    @classmethod
    def of(cls, address: Address) -> "AddressOut":
        return cls.model_validate(address)


class AddressListOut(ApiModel):
    items: list[AddressOut]
    next_cursor: str | None = None
