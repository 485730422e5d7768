"""Voucher arithmetic (integer minor units) and validation with an exact reason."""
from datetime import datetime, timedelta, timezone

import pytest

from marketplace.extensions import db
from marketplace.models import VoucherKind, VoucherUsage
from marketplace.services.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.services.ordering import vouchers
from marketplace.services.ordering.vouchers import VoucherInvalid, compute_discount
from tests.factories import make_order, make_shop, make_user, make_voucher

P, F = VoucherKind.PERCENT, VoucherKind.FIXED
NOW = datetime.now(timezone.utc)


@pytest.mark.parametrize(("kind", "value", "cap", "subtotal", "expected"), [
    (P, 10, None, 12345, 1234),       # floor, never rounded up
    (P, 15, None, 999, 149),          # 149.85 -> 149
    (P, 33, None, 1, 0),              # a fraction of a minor unit is nothing
    (P, 50, 2000, 10000, 2000),       # capped by max_discount
    (P, 50, 2000, 3000, 1500),        # under the cap
    (P, 100, None, 4500, 4500),       # 100% is the whole subtotal, never more
    (F, 5000, None, 12000, 5000),
    (F, 5000, None, 3000, 3000),      # a fixed amount above the subtotal stops at the subtotal
    (F, 5000, None, 0, 0),
    (P, 10, 50000, 1_234_567, 50000),  # VND: whole dong, capped
    (P, 7, None, 1_234_567, 86419),   # VND: 86,419.69 -> 86,419 dong
    (F, 20000, None, 150000, 20000),  # VND fixed
])
def test_discount_arithmetic(kind, value, cap, subtotal, expected):
    assert compute_discount(kind, value, cap, subtotal) == expected


def test_discount_is_an_int_never_a_float():
    assert isinstance(compute_discount(P, 15, None, 999), int)


def test_validate_gives_the_discount():
    voucher = make_voucher(kind=P, value=20, max_discount=1500)
    assert vouchers.validate(voucher.shop_id, voucher.code.lower(), 5000, make_user()) == 1000
    assert vouchers.validate(voucher.shop_id, voucher.code, 50000, make_user()) == 1500


@pytest.mark.parametrize(("fields", "subtotal", "reason"), [
    ({"is_active": False}, 5000, "inactive"),
    ({"starts_at": NOW + timedelta(days=1), "ends_at": NOW + timedelta(days=2)}, 5000, "not_started"),
    ({"starts_at": NOW - timedelta(days=2), "ends_at": NOW - timedelta(days=1)}, 5000, "expired"),
    ({"min_spend": 10000}, 9999, "min_spend_not_met"),
    ({"usage_limit": 3, "used_count": 3}, 5000, "used_up"),
])
def test_validate_says_exactly_why(fields, subtotal, reason):
    voucher = make_voucher(**fields)
    with pytest.raises(VoucherInvalid) as caught:
        vouchers.validate(voucher.shop_id, voucher.code, subtotal, make_user())
    assert caught.value.code == reason
    assert voucher.code in caught.value.message


def test_min_spend_message_says_how_much_more():
    voucher = make_voucher(min_spend=10000)
    with pytest.raises(VoucherInvalid) as caught:
        vouchers.validate(voucher.shop_id, voucher.code, 7500, make_user())
    assert "$100.00" in caught.value.message and "$25.00 more" in caught.value.message


def test_unknown_and_wrong_shop_codes():
    voucher = make_voucher(code="ONLYHERE")
    other_shop = make_shop()
    with pytest.raises(VoucherInvalid) as unknown:
        vouchers.validate(voucher.shop_id, "NOPE123", 5000, None)
    assert unknown.value.code == "unknown"
    with pytest.raises(VoucherInvalid) as wrong:
        vouchers.validate(other_shop.id, "onlyhere", 5000, None)
    assert wrong.value.code == "wrong_shop"


def test_per_user_limit_counts_this_buyers_uses_only():
    voucher = make_voucher(per_user_limit=1)
    buyer, other = make_user(), make_user()
    order = make_order(buyer=buyer)
    db.session.add(VoucherUsage(voucher_id=voucher.id, user_id=buyer.id, order_id=order.id))
    db.session.flush()
    with pytest.raises(VoucherInvalid) as caught:
        vouchers.validate(voucher.shop_id, voucher.code, 5000, buyer)
    assert caught.value.code == "already_used"
    assert vouchers.validate(voucher.shop_id, voucher.code, 5000, other) == 500


def test_available_vouchers_lists_only_usable_ones():
    shop = make_shop()
    buyer = make_user()
    good = make_voucher(shop, code="GOOD1")
    make_voucher(shop, code="OFF01", is_active=False)
    make_voucher(shop, code="FULL1", usage_limit=1, used_count=1)
    make_voucher(shop, code="LATER", starts_at=NOW + timedelta(days=1), ends_at=NOW + timedelta(days=3))
    mine = make_voucher(shop, code="ONCE1", per_user_limit=1)
    big = make_voucher(shop, code="BIG01", min_spend=100000)
    order = make_order(buyer=buyer)
    db.session.add(VoucherUsage(voucher_id=mine.id, user_id=buyer.id, order_id=order.id))
    db.session.flush()
    listed = vouchers.available_vouchers([shop.id], buyer)[shop.id]
    assert {v.code for v in listed} == {"GOOD1", "BIG01"}
    qualifying = vouchers.available_for_shop(shop.id, buyer, subtotal=5000)
    assert [(q.voucher.id, q.discount) for q in qualifying] == [(good.id, 500)]
    assert {v.code for v in vouchers.available_vouchers([shop.id], make_user())[shop.id]} == {"GOOD1", "BIG01", "ONCE1"}
    assert big.id in {v.id for v in listed}


# --- the seller's CRUD ------------------------------------------------------------------

def _values(**overrides):
    values = {"code": "spring10", "kind": "PERCENT", "value": 10, "max_discount": 500, "min_spend": 1000,
              "starts_at": NOW, "ends_at": NOW + timedelta(days=7), "usage_limit": 100, "per_user_limit": 1}
    values.update(overrides)
    return values


def test_create_stores_the_code_upper_case_and_unique_per_shop_ignoring_case():
    shop = make_shop()
    voucher = vouchers.create_voucher(shop, **_values())
    assert voucher.code == "SPRING10" and voucher.used_count == 0 and voucher.is_active
    with pytest.raises(Conflict) as caught:
        vouchers.create_voucher(shop, **_values(code="Spring10"))
    assert caught.value.code == "duplicate_code" and "code" in caught.value.fields
    assert vouchers.create_voucher(make_shop(), **_values()).code == "SPRING10"  # another shop may


@pytest.mark.parametrize(("overrides", "field"), [
    ({"code": "x"}, "code"),
    ({"code": "has space"}, "code"),
    ({"value": 0}, "value"),
    ({"value": 101}, "value"),
    ({"kind": "FIXED", "value": -5}, "value"),
    ({"ends_at": NOW - timedelta(days=1)}, "ends_at"),
    ({"usage_limit": 0}, "usage_limit"),
    ({"per_user_limit": 0}, "per_user_limit"),
    ({"min_spend": -1}, "min_spend"),
    ({"kind": "BOGUS"}, "kind"),
])
def test_create_refuses_bad_values_naming_the_field(overrides, field):
    with pytest.raises(ValidationFailed) as caught:
        vouchers.create_voucher(make_shop(), **_values(**overrides))
    assert field in caught.value.fields


def test_fixed_vouchers_drop_max_discount():
    voucher = vouchers.create_voucher(make_shop(), **_values(kind="FIXED", value=700, max_discount=300))
    assert voucher.kind == VoucherKind.FIXED and voucher.max_discount is None


def test_update_keeps_uses_and_refuses_a_limit_below_them():
    shop = make_shop()
    voucher = make_voucher(shop, usage_limit=10, used_count=4)
    vouchers.update_voucher(shop, voucher.id, value=25, usage_limit=4)
    assert voucher.value == 25 and voucher.used_count == 4
    with pytest.raises(ValidationFailed) as caught:
        vouchers.update_voucher(shop, voucher.id, usage_limit=3)
    assert "usage_limit" in caught.value.fields


def test_another_shops_voucher_is_not_found():
    voucher = make_voucher()
    with pytest.raises(NotFound):
        vouchers.update_voucher(make_shop(), voucher.id, value=5)
    with pytest.raises(NotFound):
        vouchers.deactivate_voucher(make_shop(), voucher.id)


def test_deactivate_and_list_newest_first_with_a_cursor():
    shop = make_shop()
    created = [make_voucher(shop, code=f"CODE{i}", created_at=NOW + timedelta(seconds=i)) for i in range(5)]
    vouchers.deactivate_voucher(shop, created[0].id)
    assert created[0].is_active is False
    first = vouchers.list_shop_vouchers(shop, limit=3)
    assert [v.code for v in first.items] == ["CODE4", "CODE3", "CODE2"] and first.next_cursor
    second = vouchers.list_shop_vouchers(shop, cursor=first.next_cursor, limit=3)
    assert [v.code for v in second.items] == ["CODE1", "CODE0"] and second.next_cursor is None
