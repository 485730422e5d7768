"""Seller center vouchers: list, create, edit, deactivate; own shop only; errors on their field."""
import re

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Role, Voucher, VoucherKind
from tests.cart_support import login
from tests.factories import make_shop, make_user, make_voucher


@pytest.fixture
def seller(client):
    shop = make_shop(name="Tiệm Trà")
    owner = db.session.get(type(shop.owner), shop.owner_id)
    db.session.commit()
    login(client, owner)
    return shop


def voucher_form(**overrides):
    values = {"code": "tet2025", "kind": "PERCENT", "value": "15", "max_discount": "5.00", "min_spend": "20.00",
              "starts_at": "2025-01-01T00:00", "ends_at": "2030-01-01T00:00", "usage_limit": "100",
              "per_user_limit": "1", "is_active": "y"}
    values.update(overrides)
    return values


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">([^<]*)<', html)
    return match.group(1) if match else ""


def test_only_sellers_with_a_shop_get_in(client):
    login(client, make_user())
    assert client.get("/seller/vouchers").status_code == 302
    shopless = make_user(role=Role.SELLER)
    login(client, shopless)
    response = client.get("/seller/vouchers")
    assert response.status_code == 302 and response.headers["Location"] == "/seller/register"  # to open one


def test_list_shows_only_this_shops_vouchers_with_their_uses(client, seller):
    make_voucher(seller, code="MINE10", usage_limit=50, used_count=7)
    make_voucher(make_shop(), code="THEIRS")
    db.session.commit()
    html = client.get("/seller/vouchers").get_data(as_text=True)
    assert "MINE10" in html and "7 / 50" in html and "THEIRS" not in html


def test_create_parses_money_into_minor_units(client, seller):
    assert client.get("/seller/vouchers/new").status_code == 200
    response = client.post("/seller/vouchers/new", data=voucher_form())
    assert response.status_code == 302 and response.headers["Location"].endswith("/seller/vouchers")
    voucher = db.session.scalar(select(Voucher).where(Voucher.shop_id == seller.id))
    assert (voucher.code, voucher.kind, voucher.value, voucher.max_discount, voucher.min_spend) == (
        "TET2025", VoucherKind.PERCENT, 15, 500, 2000)
    assert (voucher.usage_limit, voucher.per_user_limit, voucher.is_active) == (100, 1, True)


def test_a_duplicate_code_in_any_case_is_refused_on_the_code_field(client, seller):
    make_voucher(seller, code="TET2025")
    db.session.commit()
    response = client.post("/seller/vouchers/new", data=voucher_form(code="Tet2025"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "code") == "Your shop already has a voucher TET2025."


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"ends_at": "2024-01-01T00:00"}, "ends_at", "The end must be after the start."),
    ({"value": "150"}, "value", "A percentage is between 1 and 100."),
    ({"value": "ten"}, "value", "Enter a whole percentage, e.g. 10."),
    ({"kind": "FIXED", "value": "1.234"}, "value", "Enter an amount with at most 2 decimals."),
    ({"code": "no spaces"}, "code", "Use 3 to 40 letters, digits, - or _."),
    ({"usage_limit": "0"}, "usage_limit", "Enter a whole number from 1 to 2,147,483,647."),
])
def test_bad_values_are_refused_next_to_their_field(client, seller, overrides, field, message):
    response = client.post("/seller/vouchers/new", data=voucher_form(**overrides))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), field) == message
    assert db.session.scalar(select(Voucher).where(Voucher.shop_id == seller.id)) is None


def test_edit_and_deactivate_own_voucher(client, seller):
    voucher = make_voucher(seller, code="SUMMER", kind=VoucherKind.FIXED, value=700, used_count=3)
    db.session.commit()
    form = client.get(f"/seller/vouchers/{voucher.id}/edit").get_data(as_text=True)
    assert 'value="7.00"' in form and "Used 3 times so far." in form
    response = client.post(f"/seller/vouchers/{voucher.id}/edit",
                           data=voucher_form(code="SUMMER", kind="FIXED", value="9.50", max_discount=""))
    assert response.status_code == 302
    db.session.refresh(voucher)
    assert (voucher.value, voucher.used_count, voucher.max_discount) == (950, 3, None)
    assert client.post(f"/seller/vouchers/{voucher.id}/deactivate").status_code == 302
    db.session.refresh(voucher)
    assert voucher.is_active is False
    assert "Inactive" in client.get("/seller/vouchers").get_data(as_text=True)


def test_another_shops_voucher_is_a_404(client, seller):
    theirs = make_voucher(make_shop(), code="THEIRS")
    db.session.commit()
    assert client.get(f"/seller/vouchers/{theirs.id}/edit").status_code == 404
    assert client.post(f"/seller/vouchers/{theirs.id}/edit", data=voucher_form()).status_code == 404
    assert client.post(f"/seller/vouchers/{theirs.id}/deactivate").status_code == 404
    db.session.refresh(theirs)
    assert theirs.is_active and theirs.code == "THEIRS"


def test_the_seller_sidebar_links_to_vouchers(client, seller):
    assert 'href="/seller/vouchers"' in client.get("/seller/vouchers").get_data(as_text=True)


def test_pages_of_vouchers_follow_a_cursor_and_a_broken_one_starts_over(client, seller):
    from datetime import datetime, timedelta, timezone

    start = datetime.now(timezone.utc)
    for i in range(22):
        make_voucher(seller, code=f"PAGE{i:02d}", created_at=start + timedelta(seconds=i))
    db.session.commit()
    first = client.get("/seller/vouchers").get_data(as_text=True)
    assert "PAGE21" in first and "PAGE01" not in first
    cursor = re.search(r'href="/seller/vouchers\?cursor=([^"]+)"', first).group(1)
    second = client.get(f"/seller/vouchers?cursor={cursor}").get_data(as_text=True)
    assert "PAGE01" in second and "PAGE00" in second and "PAGE21" not in second
    assert client.get("/seller/vouchers?cursor=WzEsMl0").status_code == 302  # [1,2]: not ours
    assert client.get("/seller/vouchers?cursor=%%%").status_code == 302
