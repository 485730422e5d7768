"""API: the logged-in user's profile and address book."""
import uuid

from flask import request
from flask_login import current_user
from spectree import Response

from marketplace.api import bp
from marketplace.api.auth import too_soon
from marketplace.api.errors import takes_files
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.accounts import (
    AddressIn, AddressListOut, AddressOut, AvatarIn, CodeIn, ProfileIn, ProfileOut, UserOut,
)
from marketplace.api.spec import SESSION, SESSION_CSRF, spec
from marketplace.services.accounts import addresses as address_book
from marketplace.services.accounts import profile as profiles
from marketplace.services.accounts.otp import ResendTooSoon
from marketplace.web.auth import login_required
from marketplace.web.limits import contact_change_limit, otp_verify_limit
from marketplace.web.sessions import counting_failed_tries

ADDRESS_FIELDS = ("recipient_name", "phone", "line1", "line2", "ward", "district", "city", "postal_code")


def _profile_out() -> ProfileOut:
    user = current_user._get_current_object()
    pending = profiles.pending_contact(user)
    return ProfileOut(user=UserOut.of(user), pending_contact=pending.value if pending else None)


@bp.get("/profile")
@login_required
@spec.validate(resp=Response(HTTP_200=ProfileOut, HTTP_401=ErrorOut), tags=["profile"], security=SESSION)
def get_profile():
    """Logged-in users: their profile, with a phone/email change still waiting for its code."""
    return _profile_out(), 200


@bp.put("/profile")
@login_required
@contact_change_limit
@spec.validate(json=ProfileIn, resp=Response(HTTP_200=ProfileOut, HTTP_401=ErrorOut, HTTP_422=ErrorOut,
                                             HTTP_429=ErrorOut), tags=["profile"], security=SESSION_CSRF)
def update_profile():
    """Logged-in users: change the name now; a new phone or email is sent a code and applied by verify-contact."""
    body = request.context.json
    try:
        profiles.update_profile(current_user._get_current_object(), full_name=body.full_name,
                                email=body.email, phone=body.phone)
    except ResendTooSoon as error:
        return too_soon(error)
    return _profile_out(), 200


@bp.post("/profile/verify-contact")
@login_required
@otp_verify_limit
@spec.validate(json=CodeIn, resp=Response(HTTP_200=ProfileOut, HTTP_401=ErrorOut, HTTP_422=ErrorOut,
                                          HTTP_429=ErrorOut), tags=["profile"], security=SESSION_CSRF)
def verify_contact():
    """Logged-in users: apply the pending phone/email with the code sent to it (5 tries)."""
    with counting_failed_tries():
        profiles.confirm_contact_change(current_user._get_current_object(), request.context.json.code)
    return _profile_out(), 200


@bp.put("/profile/avatar")
@takes_files
@login_required
@spec.validate(form=AvatarIn, resp=Response(HTTP_200=ProfileOut, HTTP_401=ErrorOut, HTTP_413=ErrorOut,
                                            HTTP_415=ErrorOut, HTTP_422=ErrorOut),
               tags=["profile"], security=SESSION_CSRF)
def set_avatar():
    """Logged-in users: replace their avatar (multipart/form-data, one part named `avatar`).

    A real JPEG, PNG, WebP or GIF up to 5 MB, re-encoded as WebP with a thumbnail; the old
    files are deleted once the change is committed. The web profile has no "remove avatar",
    so neither has the API.
    """
    profiles.set_avatar(current_user._get_current_object(), request.context.form.avatar.read())
    return _profile_out(), 200


@bp.get("/profile/addresses")
@login_required
@spec.validate(resp=Response(HTTP_200=AddressListOut, HTTP_401=ErrorOut), tags=["profile"], security=SESSION)
def list_addresses():
    """Logged-in users: their addresses, default first (at most 10, so one page)."""
    items = [AddressOut.of(a) for a in address_book.list_addresses(current_user)]
    return AddressListOut(items=items, next_cursor=None), 200


def _address_data(body: AddressIn) -> dict:
    return {name: getattr(body, name) for name in ADDRESS_FIELDS}


@bp.post("/profile/addresses")
@login_required
@spec.validate(json=AddressIn, resp=Response(HTTP_201=AddressOut, HTTP_401=ErrorOut, HTTP_422=ErrorOut),
               tags=["profile"], security=SESSION_CSRF)
def create_address():
    """Logged-in users: add an address (up to 10); the first one, or one sent with is_default, is the default."""
    body = request.context.json
    address = address_book.create_address(current_user, _address_data(body), make_default=body.is_default)
    return AddressOut.of(address), 201


@bp.put("/profile/addresses/<uuid:address_id>")
@login_required
@spec.validate(json=AddressIn, resp=Response(HTTP_200=AddressOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut,
                                             HTTP_422=ErrorOut), tags=["profile"], security=SESSION_CSRF)
def update_address(address_id: uuid.UUID):
    """Logged-in users: replace one of their addresses; is_default=true moves the default here."""
    body = request.context.json
    address = address_book.update_address(current_user, address_id, _address_data(body),
                                          make_default=body.is_default)
    return AddressOut.of(address), 200


@bp.delete("/profile/addresses/<uuid:address_id>")
@login_required
@spec.validate(resp=Response(HTTP_204=None, HTTP_401=ErrorOut, HTTP_404=ErrorOut), tags=["profile"],
               security=SESSION_CSRF)
def delete_address(address_id: uuid.UUID):
    """Logged-in users: delete one of their addresses; the newest other one becomes default if needed."""
    address_book.delete_address(current_user, address_id)
    return "", 204


@bp.post("/profile/addresses/<uuid:address_id>/default")
@login_required
@spec.validate(resp=Response(HTTP_200=AddressOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut), tags=["profile"],
               security=SESSION_CSRF)
def set_default_address(address_id: uuid.UUID):
    """Logged-in users: make one of their addresses the default."""
    address = address_book.set_default_address(current_user, address_id)
    return AddressOut.of(address), 200
