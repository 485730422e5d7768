"""Hostile numbers (issue 13, items 5b and 8c): values past the INTEGER columns (2^31, 2^63, 30
digits) and digits other than 0-9 ("١٢" was stored as 12) in every numeric input of the
forms and the API schemas. Never a 500; a field error naming the field; nothing stored.
"""
import pytest
from sqlalchemy import func, select
from wtforms import DecimalField, FloatField, IntegerField

from marketplace.extensions import db
from marketplace.models import CartItem, Order, Voucher
from marketplace.money import parse_money
from marketplace.reviews.forms import int_or_none
from marketplace.services.cart import cart
from marketplace.services.core.input_rules import DIGITS_MESSAGE, INT4_MAX, INT8_MAX, MONEY_MAX, parse_whole
from marketplace.web.forms import PageForm, WholeNumberField
from tests.factories import make_voucher
from tests.security.input_walk import (
    form_classes, form_id, input_models, model_leaves, unbound_fields, upper_bound, validator_functions,
)
from tests.security.support import client_for, db_fingerprint

HUGE = [str(2**31), str(2**63), "1" + "0" * 30]
NOT_ASCII = ["١٢", "１２", "²"]  # Arabic-Indic, fullwidth, superscript (isdigit() but not int())


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- the rules ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", NOT_ASCII + ["١٢.٥٠", " ٣ "])
def test_money_and_whole_numbers_take_ascii_digits_only(app, text):
    with app.app_context(), pytest.raises(ValueError, match=DIGITS_MESSAGE):
        parse_money(text)
    with pytest.raises(ValueError, match=DIGITS_MESSAGE):
        parse_whole(text, maximum=INT4_MAX)
    assert int_or_none(text) is None  # the review rating


def test_money_stops_at_the_integer_column(app):
    with app.app_context():
        assert parse_money("21,474,836.47") == MONEY_MAX
        for text in ["21474836.48", "9" * 5000, *HUGE]:
            with pytest.raises(ValueError, match=r"Enter an amount up to \$21,474,836.47"):
                parse_money(text)


def test_whole_numbers_stop_at_their_maximum():
    assert parse_whole(" 007 ", maximum=10) == 7
    for text in ["11", "9" * 5000, "-1", "1.5", "1e3", "0x10"]:
        with pytest.raises(ValueError, match="Enter a whole number from 0 to 10."):
            parse_whole(text, maximum=10)


# --- every form and schema, walked ------------------------------------------------------------------

def test_no_form_reads_numbers_with_int_or_decimal():
    """IntegerField & co. use int()/Decimal(): any Unicode digit, any size. WholeNumberField doesn't."""
    loose = [f"{form_id(cls)}.{name}" for cls in form_classes() for name, field in unbound_fields(cls)
             if issubclass(field.field_class, (IntegerField, DecimalField, FloatField))
             and not issubclass(field.field_class, WholeNumberField)]
    assert loose == []


def test_every_page_form_reads_forms_only():
    from flask_wtf import FlaskForm

    assert [form_id(cls) for cls in form_classes()
            if issubclass(cls, FlaskForm) and not issubclass(cls, PageForm)] == []


NUMERIC = [(model, name, leaf, metadata) for model in input_models() for name, leaf, metadata in model_leaves(model)
           if leaf in (int, float)]


def test_the_numeric_api_fields_are_found():
    names = {f"{model.__name__}.{name}" for model, name, _, _ in NUMERIC}
    assert {"PlaceOrdersIn.expected_total", "VoucherValidateIn.subtotal", "ProductListQuery.min_price",
            "CartItemIn.quantity", "ReviewCreateIn.rating", "NotificationListQuery.limit"} <= names


@pytest.mark.parametrize(("model", "name", "leaf", "metadata"), NUMERIC,
                         ids=[f"{m.__name__}.{n}" for m, n, _, _ in NUMERIC])
def test_every_numeric_api_field_is_bounded_and_ascii(model, name, leaf, metadata):
    bound = upper_bound(metadata)
    assert bound is not None and bound <= INT8_MAX, "bound it by its column (api/schemas whole/number)"
    assert any(func.__name__ == "_ascii_digits" for func in validator_functions(metadata))
    for value in [v for v in (2**31, 2**63, 10**30) if v > bound] + [int(bound) + 1, *NOT_ASCII]:
        errors = _errors_of(model, name, value)
        assert errors, f"{name}={value!r} was accepted"
        if isinstance(value, str):
            assert errors[0]["msg"] == f"Value error, {DIGITS_MESSAGE}"


def _errors_of(model, name, value) -> list:
    from pydantic import ValidationError

    try:
        model.model_validate({name: value})
    except ValidationError as error:
        return [e for e in error.errors() if e["loc"] and e["loc"][0] == name]
    return []


# --- the API, end to end ------------------------------------------------------------------------

def error_fields(response, status: int = 422) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_json()["error"]["fields"]


@pytest.mark.parametrize("value", [2**31, 2**63, 10**30, "١٢"])
def test_api_numbers_past_their_column_are_a_422_naming_the_field(app, world, value):
    client = client_for(app, world.buyer_a)
    shop = str(world.shop_b.id)
    assert "subtotal" in error_fields(client.post("/api/v1/vouchers/validate",
                                                  json={"shop_id": shop, "code": "TEN", "subtotal": value}))
    assert "subtotal" in error_fields(client.get(f"/api/v1/vouchers/available?shop_id={shop}&subtotal={value}"))
    assert "min_price" in error_fields(client.get(f"/api/v1/products?min_price={value}"))
    assert "quantity" in error_fields(client.post("/api/v1/cart/items", json={
        "variant_id": str(world.product_a.variants[0].id), "quantity": value}))


@pytest.mark.parametrize("value", [2**63, 10**30, "١٢"])
def test_api_expected_total_is_bounded_too(app, world, value):
    response = client_for(app, world.buyer_a).post(
        "/api/v1/orders", json={"address_id": str(world.address_a.id), "expected_total": value},
        headers={"Idempotency-Key": "hostile"})
    fields = error_fields(response)
    assert "expected_total" in fields
    if isinstance(value, str):
        assert fields["expected_total"] == DIGITS_MESSAGE


# --- the pages ----------------------------------------------------------------------------------

def voucher_form(**overrides) -> dict:
    values = {"code": "HOSTILE", "kind": "FIXED", "value": "5.00", "max_discount": "", "min_spend": "0",
              "starts_at": "2025-01-01T00:00", "ends_at": "2030-01-01T00:00", "usage_limit": "",
              "per_user_limit": "", "is_active": "y"}
    values.update(overrides)
    return values


VOUCHER_CASES = [(field, value, kind) for field, kind in [
    ("value", "FIXED"), ("value", "PERCENT"), ("max_discount", "PERCENT"), ("min_spend", "FIXED"),
    ("usage_limit", "FIXED"), ("per_user_limit", "FIXED")] for value in HUGE + NOT_ASCII]


@pytest.mark.parametrize("edit", [False, True], ids=["create", "edit"])
@pytest.mark.parametrize(("field", "value", "kind"), VOUCHER_CASES,
                         ids=[f"{f}-{k}-{v[:6]}" for f, v, k in VOUCHER_CASES])
def test_voucher_numbers_are_field_errors_on_create_and_edit(app, world, edit, field, value, kind):
    client = client_for(app, world.seller_a)
    voucher = make_voucher(world.shop_a, code="KEEP") if edit else None
    db.session.commit()
    before = db_fingerprint()
    overrides = {"kind": kind, field: value} | ({"value": "10"} if kind == "PERCENT" and field != "value" else {})
    path = f"/seller/vouchers/{voucher.id}/edit" if edit else "/seller/vouchers/new"
    response = client.post(path, data=voucher_form(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    if value in NOT_ASCII:
        assert DIGITS_MESSAGE in html
    assert db_fingerprint() == before


def test_the_largest_amount_still_fits(app, world):
    client = client_for(app, world.seller_a)
    response = client.post("/seller/vouchers/new", data=voucher_form(value="21474836.47", usage_limit=str(INT4_MAX)))
    assert response.status_code == 302
    voucher = db.session.scalar(select(Voucher).where(Voucher.shop_id == world.shop_a.id))
    assert (voucher.value, voucher.usage_limit) == (MONEY_MAX, INT4_MAX)


@pytest.mark.parametrize("field", ["price", "stock"])
@pytest.mark.parametrize("value", HUGE + NOT_ASCII)
def test_product_prices_and_stock(app, world, field, value):
    data = {"title": "Hostile kettle", "category_id": str(world.category.id), "variants-0-sku": "HK-1",
            "variants-0-options": "", "variants-0-price": "10.00", "variants-0-stock": "3"}
    data[f"variants-0-{field}"] = value
    db.session.commit()
    before = db_fingerprint()
    response = client_for(app, world.seller_a).post("/seller/products/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="variants-0-{field}-error"' in html
    if value in NOT_ASCII:
        assert DIGITS_MESSAGE in html
    assert db_fingerprint() == before


@pytest.mark.parametrize("value", HUGE + NOT_ASCII)
def test_cart_quantities(app, world, value):
    client = client_for(app, world.buyer_b)
    variant = world.product_a.variants[0]
    response = client.post("/cart/items", data={"variant_id": str(variant.id), "quantity": value})
    assert response.status_code == 302 and response.headers["Location"] == "/cart"  # refused with a flash
    assert count(CartItem, CartItem.user_id == world.buyer_b.id) == 0
    line_id, _ = cart.add_item(world.buyer_b, variant.id, 2)
    db.session.commit()
    response = client.post(f"/cart/lines/{line_id}", data={"quantity": value})
    html = response.get_data(as_text=True)  # the cart again, the reason beside the line
    assert response.status_code == 422 and 'aria-invalid="true"' in html and "Your cart still has 2." in html
    db.session.expire_all()
    assert db.session.get(CartItem, line_id).quantity == 2


@pytest.mark.parametrize("value", [str(2**63), "1" + "0" * 30, *NOT_ASCII])
def test_checkout_expected_total(app, world, value):
    cart.add_item(world.buyer_b, world.product_a.variants[0].id, 1)
    db.session.commit()
    response = client_for(app, world.buyer_b).post("/checkout", data={
        "address_id": "new", "payment_method": "COD", "idempotency_key": "hostile", "expected_total": value,
        "new_address-recipient_name": "B", "new_address-phone": "0901234567", "new_address-line1": "1 Street",
        "new_address-city": "Huế"})
    assert response.status_code == 422
    assert count(Order, Order.buyer_id == world.buyer_b.id) == 0


@pytest.mark.parametrize("value", HUGE + NOT_ASCII)
@pytest.mark.parametrize("path", ["/search?q=kettle&min_price={0}", "/c/{slug}?max_price={0}"])
def test_listing_price_filters(app, world, path, value):
    db.session.commit()
    response = client_for(app, world.buyer_a).get(path.format(value, slug=world.category.slug))
    assert response.status_code == 422
    if value in NOT_ASCII:
        assert DIGITS_MESSAGE in response.get_data(as_text=True)
