"""The address book: validation, the limit of 10, exactly one default, object ownership."""
import uuid

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Address
from marketplace.services.accounts import addresses as book
from marketplace.services.core.errors import NotFound, ValidationFailed
from tests.factories import make_user

DATA = {"recipient_name": "Nguyễn An", "phone": "0901234567", "line1": "12 Lê Lợi", "ward": "Bến Nghé",
        "district": "Quận 1", "city": "Hồ Chí Minh", "postal_code": "700000"}


def _defaults(user) -> list[uuid.UUID]:
    return list(db.session.scalars(select(Address.id).where(Address.user_id == user.id, Address.is_default)))


def test_first_address_becomes_default_and_phone_is_normalised():
    user = make_user()
    first = book.create_address(user, DATA)
    assert first.is_default and first.phone == "+84901234567"
    second = book.create_address(user, {**DATA, "line1": "34 Hai Bà Trưng"})
    assert not second.is_default
    assert _defaults(user) == [first.id]


def test_create_as_default_moves_the_default():
    user = make_user()
    first = book.create_address(user, DATA)
    second = book.create_address(user, DATA, make_default=True)
    assert _defaults(user) == [second.id]
    db.session.refresh(first)
    assert not first.is_default


def test_all_field_problems_are_reported_at_once():
    user = make_user()
    with pytest.raises(ValidationFailed) as error:
        book.create_address(user, {"recipient_name": "", "phone": "12", "line1": "x" * 201, "city": ""})
    assert set(error.value.fields) == {"recipient_name", "phone", "line1", "city"}
    assert db.session.scalar(select(func.count()).select_from(Address).where(Address.user_id == user.id)) == 0


def test_at_most_ten_addresses():
    user = make_user()
    for n in range(book.MAX_ADDRESSES):
        book.create_address(user, {**DATA, "line1": f"{n} Street"})
    with pytest.raises(ValidationFailed) as error:
        book.create_address(user, DATA)
    assert error.value.code == "address_limit" and "10" in error.value.message


def test_set_default_never_trips_the_unique_index():
    user = make_user()
    created = [book.create_address(user, {**DATA, "line1": f"{n} Street"}) for n in range(4)]
    for address in reversed(created):
        book.set_default_address(user, address.id)
        assert _defaults(user) == [address.id]
    book.set_default_address(user, created[0].id)  # already default: no change, no error
    assert _defaults(user) == [created[0].id]


def test_list_puts_default_first_then_newest():
    user = make_user()
    a = book.create_address(user, {**DATA, "line1": "A"})
    b = book.create_address(user, {**DATA, "line1": "B"})
    c = book.create_address(user, {**DATA, "line1": "C"})
    book.set_default_address(user, b.id)
    assert [x.id for x in book.list_addresses(user)] == [b.id, c.id, a.id]


def test_deleting_the_default_promotes_the_most_recent_other():
    user = make_user()
    a = book.create_address(user, {**DATA, "line1": "A"})
    b = book.create_address(user, {**DATA, "line1": "B"})
    c = book.create_address(user, {**DATA, "line1": "C"})
    assert book.delete_address(user, b.id) is None  # not the default: nothing moves
    assert _defaults(user) == [a.id]
    assert book.delete_address(user, a.id).id == c.id
    assert _defaults(user) == [c.id]
    assert book.delete_address(user, c.id) is None
    assert book.list_addresses(user) == []


def test_update_changes_fields_and_can_take_the_default():
    user = make_user()
    a = book.create_address(user, DATA)
    b = book.create_address(user, DATA)
    book.update_address(user, b.id, {**DATA, "city": "Hà Nội", "line2": "  Tầng 3 "}, make_default=True)
    assert b.city == "Hà Nội" and b.line2 == "Tầng 3"
    assert _defaults(user) == [b.id]
    # not asking for default does not drop it: some address must stay default
    book.update_address(user, b.id, DATA, make_default=False)
    assert _defaults(user) == [b.id]
    assert a


def test_another_users_address_is_not_found():
    owner, other = make_user(), make_user()
    address = book.create_address(owner, DATA)
    for action in (
        lambda: book.get_address(other, address.id),
        lambda: book.update_address(other, address.id, DATA),
        lambda: book.set_default_address(other, address.id),
        lambda: book.delete_address(other, address.id),
    ):
        with pytest.raises(NotFound):
            action()
    assert book.get_address(owner, address.id) is address
