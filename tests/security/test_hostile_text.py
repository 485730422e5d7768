"""Hostile text (issue 13, item 8a): bidi overrides (U+202E makes "gpj.exe" read "exe.jpg"), other
bidi controls, C0/C1 control characters, DEL and line breaks in names, addresses, codes,
titles. One-line fields refuse them all; multi-line fields (descriptions, reviews, reasons)
keep newlines and tabs and refuse the rest; search boxes drop them. Every page form and API
input model is walked, so a text field added later must choose its rule.
"""
import re
import uuid

import pytest
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from marketplace.extensions import db
from marketplace.models import OrderStatus
from marketplace.services.cart import cart
from marketplace.services.core.input_rules import text_problem
from marketplace.web.forms import ASCII_DIGITS, PlainText, strip_controls
from tests.factories import make_order
from tests.security.input_walk import (
    form_classes, form_id, input_models, model_leaves, unbound_fields, validator_functions,
)
from tests.security.support import client_for, db_fingerprint

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"]
BREAKS = ["\n", "\r", "\t", "\u2028"]
PAYLOADS = ["Evil\u202eName", "Two\nLines", "Bell\x07", "C1\x85", "Iso\u2066late"]


# --- the rule -----------------------------------------------------------------------------------

@pytest.mark.parametrize("char", BIDI + CONTROLS + BREAKS, ids=lambda c: f"U+{ord(c):04X}")
def test_one_line_refuses_controls_bidi_and_breaks(char):
    assert text_problem(f"Tên{char}shop")


@pytest.mark.parametrize("char", BIDI + CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_several_lines_refuse_controls_and_bidi(char):
    assert text_problem(f"Mô tả{char}", multiline=True)


def test_several_lines_keep_newlines_and_tabs_and_real_text_passes():
    assert text_problem("Áo khoác\r\n\tẤm\u2028", multiline=True) is None
    for text in ["Nguyễn Thị Minh Khai", "مرحبا\u200fبالعالم", "שלום", "Café ☕", "12/3 Lê Lợi, P.1"]:
        assert text_problem(text) is None
    assert "text-direction" in text_problem("a\u202eb") and "U+202E" in text_problem("a\u202eb")
    assert text_problem("a\nb") == "Keep this to one line: remove the line breaks."


def test_search_text_is_cleaned_not_refused():
    assert strip_controls("kettle\u202e\n\x07") == "kettle   "


# --- every form field and every API string, walked ----------------------------------------------

def _text_rule(field) -> str | None:
    validators = field.kwargs.get("validators") or ()
    rules = [v for v in validators if isinstance(v, PlainText)]
    if strip_controls in (field.kwargs.get("filters") or ()):
        return "search"
    if ASCII_DIGITS in validators and not rules:
        return "number"  # parsed as one after validation (parse_money, parse_whole): nothing else gets through
    if len(rules) == 1:
        return "several lines" if rules[0].multiline else "one line"
    return None


def test_every_text_field_of_every_form_has_its_rule():
    wrong = []
    for cls in form_classes():
        for name, field in unbound_fields(cls):
            if not issubclass(field.field_class, StringField) or issubclass(field.field_class,
                                                                           (HiddenField, PasswordField)):
                continue
            want = {"several lines"} if issubclass(field.field_class, TextAreaField) else {"one line", "search",
                                                                                           "number"}
            if _text_rule(field) not in want:
                wrong.append(f"{form_id(cls)}.{name}: {_text_rule(field)}")
    assert wrong == []


def test_every_api_string_has_its_rule():
    rules = {"_one_line", "_multi_line", "strip_controls"}
    wrong = [f"{model.__name__}.{name}" for model in input_models() for name, leaf, metadata in model_leaves(model)
             if leaf is str and "password" not in name
             and not rules & {func.__name__ for func in validator_functions(metadata)}]
    assert wrong == []
    several = {f"{model.__name__}.{name}" for model in input_models() for name, leaf, metadata in model_leaves(model)
               if "_multi_line" in {func.__name__ for func in validator_functions(metadata)}}
    assert several == {"ReviewCreateIn.body", "ReviewUpdateIn.body", "CancelOrderIn.reason", "ReturnIn.details",
                       "DisputeIn.note"}


# --- the pages ----------------------------------------------------------------------------------

def address(**overrides) -> dict:
    return {"recipient_name": "Lan", "phone": "0901234567", "line1": "12 Lê Lợi", "city": "Huế", **overrides}


def web_cases(world) -> dict:
    """name -> (user, path, form data with {} where the payload goes, the field's error id)."""
    confirmed = make_order(world.buyer_a, world.product_a, status=OrderStatus.CONFIRMED)
    pending = make_order(world.buyer_a, world.product_a)
    ship = f"ship-{confirmed.id.hex}-tracking_number"
    cart.add_item(world.buyer_b, world.product_a.variants[0].id, 1)
    product = {"category_id": str(world.category.id), "variants-0-sku": "HK-1", "variants-0-options": "",
               "variants-0-price": "10.00", "variants-0-stock": "3"}
    voucher = {"kind": "FIXED", "value": "5.00", "min_spend": "0", "starts_at": "2025-01-01T00:00",
               "ends_at": "2030-01-01T00:00"}
    return {
        "register name": (None, "/account/register", {"full_name": "{}", "contact": "new@example.com",
                                                      "password": "long enough 1"}, "full_name"),
        "profile name": (world.buyer_a, "/account/profile", {"full_name": "{}"}, "full_name"),
        "address line": (world.buyer_a, "/account/addresses/new", address(line1="{}"), "line1"),
        "address phone": (world.buyer_a, "/account/addresses/new", address(phone="{}"), "phone"),
        "checkout address": (world.buyer_b, "/checkout", {"address_id": "new", "payment_method": "COD",
                                                          "idempotency_key": "k", **{f"new_address-{k}": v for k, v
                                                          in address(recipient_name="{}").items()}},
                             "new_address-recipient_name"),
        "shop name": (world.seller_a, "/seller/shop", {"name": "{}", "description": ""}, "name"),
        "product title": (world.seller_a, "/seller/products/new", {"title": "{}", **product}, "title"),
        "variant options": (world.seller_a, "/seller/products/new", {**product, "title": "Kettle",
                                                                     "variants-0-options": "Size={}"},
                            "variants-0-options"),
        "voucher code": (world.seller_a, "/seller/vouchers/new", {"code": "{}", **voucher}, "code"),
        "tracking number": (world.seller_a, f"/seller/orders/{confirmed.id}/ship", {ship: "{}"}, ship),
        "category name": (world.admin, "/admin/categories", {"name": "{}"}, "name-create"),
        "buyer's cancel reason": (world.buyer_a, f"/orders/{pending.id}/cancel", {"reason": "ok\u202e{}"}, "reason"),
    }


CASES = ["register name", "profile name", "address line", "address phone", "checkout address", "shop name",
         "product title", "variant options", "voucher code", "tracking number", "category name",
         "buyer's cancel reason"]


@pytest.mark.parametrize("payload", PAYLOADS, ids=["bidi", "newline", "bell", "c1", "isolate"])
@pytest.mark.parametrize("case", CASES)
def test_pages_refuse_hostile_text_on_the_field(app, world, case, payload):
    user, path, data, field = web_cases(world)[case]
    db.session.commit()
    before = db_fingerprint()
    response = client_for(app, user).post(path, data={k: v.replace("{}", payload) for k, v in data.items()})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and ("invisible" in html or "one line" in html), html[:2000]
    assert db_fingerprint() == before


def test_several_lines_keep_their_newlines(app, world):
    client = client_for(app, world.seller_a)
    response = client.post("/seller/shop", data={"name": "Alpha", "description": "Line one\r\n\tLine two"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.shop_a.description.replace("\r\n", "\n") == "Line one\n\tLine two"
    response = client.post("/seller/shop", data={"name": "Alpha", "description": "Ok\u202e"})
    assert response.status_code == 422 and 'id="description-error"' in response.get_data(as_text=True)


def test_search_boxes_drop_the_characters(app, world):
    db.session.commit()
    client = client_for(app, world.buyer_a)
    response = client.get("/search", query_string={"q": "Secret\u202ekettle"})
    # The header's search box shows the visitor's own query as typed (templates/partials/_nav_search.html).
    html = re.sub(r'<input id="nav-search-input"[^>]*>', "", response.get_data(as_text=True))
    assert response.status_code == 200 and "\u202e" not in html and "Secret kettle" in html
    response = client.get("/api/v1/products/search", query_string={"q": "\u202eSecretkettle"})
    assert response.status_code == 200
    admin = client_for(app, world.admin).get("/admin/users", query_string={"q": "Alice\u202e"})
    assert admin.status_code == 200 and "\u202e" not in admin.get_data(as_text=True)


# --- the API ------------------------------------------------------------------------------------

def api_cases(world) -> dict:
    """name -> (user, method, path, JSON body with {} where the payload goes, the field named)."""
    unknown = str(uuid.uuid4())
    return {
        "register name": (None, "POST", "/api/v1/auth/register",
                          {"email": "new@example.com", "password": "long enough 1", "full_name": "{}"}, "full_name"),
        "login": (None, "POST", "/api/v1/auth/login", {"login": "{}", "password": "x"}, "login"),
        "profile name": (world.buyer_a, "PUT", "/api/v1/profile", {"full_name": "{}"}, "full_name"),
        "address line": (world.buyer_a, "POST", "/api/v1/profile/addresses", address(line2="{}"), "line2"),
        "voucher code": (world.buyer_a, "POST", "/api/v1/vouchers/validate",
                         {"shop_id": str(world.shop_b.id), "code": "{}", "subtotal": 100}, "code"),
        "checkout voucher": (world.buyer_a, "POST", "/api/v1/orders/quote", {"vouchers": {unknown: "{}"}},
                             f"vouchers.{unknown}"),
        "review body": (world.buyer_a, "POST", "/api/v1/reviews",
                        {"order_item_id": unknown, "rating": 5, "body": "Good\u202e{}"}, "body"),
        "cancel reason": (world.buyer_a, "POST", f"/api/v1/orders/{unknown}/cancel", {"reason": "x\u2066{}"},
                          "reason"),
    }


@pytest.mark.parametrize("payload", PAYLOADS, ids=["bidi", "newline", "bell", "c1", "isolate"])
@pytest.mark.parametrize("case", ["register name", "login", "profile name", "address line", "voucher code",
                                  "checkout voucher", "review body", "cancel reason"])
def test_the_api_refuses_hostile_text_naming_the_field(app, world, case, payload):
    user, method, path, body, field = api_cases(world)[case]
    db.session.commit()
    before = db_fingerprint()
    filled = {k: (v.replace("{}", payload) if isinstance(v, str) else
                  {i: t.replace("{}", payload) for i, t in v.items()} if isinstance(v, dict) else v)
              for k, v in body.items()}
    response = client_for(app, user).open(path, method=method, json=filled)
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"], error
    assert db_fingerprint() == before


def test_the_api_keeps_newlines_where_text_has_several_lines(app, world):
    response = client_for(app, world.buyer_a).post(f"/api/v1/orders/{uuid.uuid4()}/cancel",
                                                   json={"reason": "Changed my mind\n\tsorry"})
    assert response.status_code == 404  # the body passed; the order is unknown
