"""The address book: up to 10 addresses per user, exactly one default when any exist.

The partial unique index uq_addresses_one_default guards the "one default" rule in
the database. Changing the default therefore clears the old one and FLUSHES before
setting the new one: in a single flush SQLAlchemy may order the two UPDATEs either
way and the index would fire. Every write locks the owner's users row
(SELECT .. FOR UPDATE), so two tabs adding or re-defaulting at once take turns and
neither the 10-address limit nor the single default can be raced past.
"""
import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from marketplace.extensions import db
from marketplace.models import Address, User
from marketplace.services.accounts.accounts import normalize_phone
from marketplace.services.core.errors import NotFound, ValidationFailed

MAX_ADDRESSES = 10
# field: (max length, what leaving it empty says; None when it may be empty)
FIELDS = {
    "recipient_name": (120, _l("Enter the recipient.")),
    "line1": (200, _l("Enter the address.")),
    "line2": (200, None),
    "ward": (100, None),
    "district": (100, None),
    "city": (100, _l("Enter the city.")),
    "postal_code": (20, None),
}


def _lock_owner(user: User) -> None:
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())


def _clean(data: dict) -> dict:
    """Trimmed values for every address column; all problems reported at once, per field."""
    values, errors = {}, {}
    for name, (limit, when_empty) in FIELDS.items():
        value = " ".join(str(data.get(name) or "").split())
        if when_empty is not None and not value:
            errors[name] = str(when_empty)
        elif len(value) > limit:
            errors[name] = _("Use at most %(limit)d characters.", limit=limit)
        values[name] = value or None
    try:
        values["phone"] = normalize_phone(data.get("phone"))
    except ValidationFailed as exc:
        errors["phone"] = exc.message
    if errors:
        raise ValidationFailed(_("Some address fields need fixing."), code="validation_error", fields=errors)
    return values


def list_addresses(user: User) -> list[Address]:
    """Default first, then newest."""
    return list(db.session.scalars(
        select(Address).where(Address.user_id == user.id)
        .order_by(Address.is_default.desc(), Address.created_at.desc(), Address.id.desc())
    ))


def get_address(user: User, address_id: uuid.UUID) -> Address:
    """The user's own address; anybody else's is NotFound, never Forbidden."""
    address = db.session.scalar(select(Address).where(Address.id == address_id, Address.user_id == user.id))
    if address is None:
        raise NotFound(_("We couldn't find that address."))
    return address


def default_address(user: User) -> Address | None:
    return db.session.scalar(select(Address).where(Address.user_id == user.id, Address.is_default))


def _make_default(user: User, address: Address) -> None:
    db.session.execute(
        update(Address).where(Address.user_id == user.id, Address.is_default, Address.id != address.id)
        .values(is_default=False).execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    address.is_default = True
    db.session.flush()


def create_address(user: User, data: dict, make_default: bool = False) -> Address:
    """Add an address; the first one (or one asked for) becomes the default."""
    values = _clean(data)
    _lock_owner(user)
    count = db.session.scalar(select(func.count()).select_from(Address).where(Address.user_id == user.id))
    if count >= MAX_ADDRESSES:
        raise ValidationFailed(_("You can keep up to %(limit)d addresses. Delete one to add another.",
                                 limit=MAX_ADDRESSES),
                               code="address_limit")
    address = Address(user_id=user.id, is_default=False, **values)
    db.session.add(address)
    db.session.flush()
    if make_default or count == 0:
        _make_default(user, address)
    return address


def update_address(user: User, address_id: uuid.UUID, data: dict, make_default: bool = False) -> Address:
    """Edit an address. The default can move here, but not be dropped: some address must stay default."""
    values = _clean(data)
    _lock_owner(user)
    address = get_address(user, address_id)
    for name, value in values.items():
        setattr(address, name, value)
    db.session.flush()
    if make_default and not address.is_default:
        _make_default(user, address)
    return address


def set_default_address(user: User, address_id: uuid.UUID) -> Address:
    _lock_owner(user)
    address = get_address(user, address_id)
    if not address.is_default:
        _make_default(user, address)
    return address


def delete_address(user: User, address_id: uuid.UUID) -> Address | None:
    """Delete an address; if it was the default, the most recent other one takes over. Returns the new default."""
    _lock_owner(user)
    address = get_address(user, address_id)
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    if not was_default:
        return None
    successor = db.session.scalar(
        select(Address).where(Address.user_id == user.id)
        .order_by(Address.created_at.desc(), Address.id.desc()).limit(1)
    )
    if successor is not None:
        successor.is_default = True
        db.session.flush()
    return successor
