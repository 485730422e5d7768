"""Stored XSS: user-written texts carrying `<script>alert(1)</script>` and
`"><img src=x onerror=alert(1)>` render escaped on every page and htmx fragment that shows
them, travel as plain strings in the JSON API, and as plain text in SMS/email.

The page check is structural (tests/security/xss_support.py): no raw payload, no inline
<script>, no on*= attribute, no <img src=x> in the HTML; and where a page is meant to
show a text, its escaped form must be there, so the check can't pass on a page that
simply doesn't show it.
"""
import pytest
from markupsafe import escape

from marketplace.extensions import db
from tests.security.support import client_for, url_rules
from tests.admin_support import CONFIRMED
from tests.security.xss_support import build_stage, injection_problems

HX = {"HX-Request": "true"}


@pytest.fixture
def stage():
    built = build_stage()
    db.session.commit()
    return built


def assert_clean(response, where: str, must_show: tuple[str, ...] = (), texts: dict | None = None):
    html = response.get_data(as_text=True)
    assert response.status_code == 200, f"{where}: {response.status_code}"
    problems = injection_problems(html)
    assert not problems, f"{where}: {problems}"
    for key in must_show:
        assert str(escape(texts[key])) in html, f"{where} does not show the {key} (escaped)"


PARAMETERLESS_PAGES = sorted(rule.rule for rule in url_rules()
                             if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/api/"))


@pytest.mark.parametrize("role", ["buyer", "seller", "admin"])
def test_no_page_without_arguments_lets_a_payload_out(app, stage, role):
    """Every parameterless GET page from url_map (navbar, badges, listings) as each role."""
    client = client_for(app, getattr(stage, role))
    for path in PARAMETERLESS_PAGES:
        response = client.get(path)
        if "text/html" in response.content_type:
            problems = injection_problems(response.get_data(as_text=True))
            assert not problems, f"{path} as {role}: {problems}"


def pages(s) -> list[tuple[str, str, dict, tuple[str, ...]]]:
    """(role, path, headers, texts it must show) for the pages and fragments that show the texts."""
    p, o = s.product.id, s.order.id
    return [
        ("buyer", "/", {}, ("title",)),
        ("buyer", f"/c/{s.category.slug}", {}, ("title", "category")),
        ("buyer", f"/c/{s.category.slug}", {**HX, "HX-Target": "results"}, ("title",)),
        ("buyer", "/search?q=Zebrakettle", {}, ("title",)),
        ("buyer", "/search?q=Zebrakettle", {**HX, "HX-Target": "results"}, ("title",)),
        ("buyer", "/search/suggest?q=Zebrak", HX, ("title",)),
        ("buyer", f"/p/{p}", {}, ("title", "description", "shop", "variant", "review", "reply")),
        ("buyer", f"/p/{p}/variants/panel?variant={s.product.variants[0].id}", HX, ("variant",)),
        ("buyer", f"/p/{p}/reviews", {}, ("review", "reply")),
        ("buyer", f"/p/{p}/reviews/list", {**HX, "HX-Target": "reviews-list"}, ("review",)),
        ("buyer", f"/s/{s.shop.slug}", {}, ("shop", "shop_description", "title")),
        ("buyer", "/cart", {}, ("title", "shop", "variant")),
        ("buyer", "/checkout", {}, ("title", "line1")),
        ("buyer", "/orders", {}, ("shop",)),
        ("buyer", f"/orders/{o}", {}, ("title", "line1")),
        ("buyer", f"/checkout/done/{s.order.checkout_id}", {}, ("shop",)),
        ("buyer", "/account/reviews?tab=written", {}, ("review",)),
        ("buyer", "/account/addresses", {}, ("line1",)),
        ("buyer", "/notifications", {}, ("shop", "title")),
        ("buyer", "/notifications/menu", HX, ("shop",)),
        ("seller", "/seller/dashboard", {}, ("shop",)),
        ("seller", "/seller/products", {}, ("title",)),
        ("seller", f"/seller/products/{p}/edit", {}, ("title", "description")),
        ("seller", "/seller/orders", {}, ("buyer",)),
        ("seller", f"/seller/orders/{o}", {}, ("title", "buyer", "line1")),
        ("seller", "/seller/reviews", {}, ("review", "reply")),
        ("seller", "/seller/shop", {}, ("shop", "shop_description")),
        ("admin", "/admin/products?q=Zebrakettle", {}, ("title", "shop")),
        ("admin", "/admin/products?q=Zebrakettle", {**HX, "HX-Target": "products-results"}, ("title",)),
        ("admin", "/admin/reviews", {}, ("review",)),
        ("admin", "/admin/shops", {}, ("shop",)),
        ("admin", "/admin/users?q=Zeb", {}, ("buyer",)),
        ("admin", f"/admin/users/{s.buyer.id}", {}, ("buyer",)),
        ("admin", "/admin/categories", {}, ("category",)),
    ]


def test_pages_and_fragments_show_the_texts_escaped(app, stage):
    clients = {role: client_for(app, getattr(stage, role)) for role in ("buyer", "seller", "admin")}
    for role, path, headers, must_show in pages(stage):
        response = clients[role].get(path, headers=headers)
        assert_clean(response, f"{path} {headers.get('HX-Target', '')} as {role}", must_show, stage.texts)


def test_an_admin_reason_and_a_shop_in_the_audit_log_are_escaped(app, stage):
    admin = client_for(app, stage.admin)
    reason = f"Spam {stage.texts['review']}"
    hidden = admin.post(f"/admin/products/{stage.product.id}/hide", data={**CONFIRMED, "reason": reason})
    assert hidden.status_code == 303
    assert_clean(admin.get("/admin/audit"), "/admin/audit", ("reason",), {"reason": reason})


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_json_api_returns_the_texts_as_plain_strings(app, stage):
    buyer = client_for(app, stage.buyer)
    t = stage.texts
    expectations = [
        (f"/api/v1/products/{stage.product.id}", ("title", "description", "shop", "variant")),
        (f"/api/v1/products/{stage.product.id}/variants", ("variant",)),
        ("/api/v1/products/search?q=Zebrakettle", ("title", "shop")),
        ("/api/v1/products", ("title", "shop")),
        ("/api/v1/categories", ("category",)),
        (f"/api/v1/products/{stage.product.id}/reviews", ("review", "reply")),
        ("/api/v1/cart", ("title", "variant")),
        (f"/api/v1/orders/{stage.order.id}", ("title", "line1")),
        ("/api/v1/profile", ("buyer",)),
        ("/api/v1/profile/addresses", ("line1",)),
        ("/api/v1/notifications", ("title",)),
    ]
    for path, keys in expectations:
        response = buyer.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
        strings = list(_strings(response.get_json()))
        for key in keys:
            # exact or inside a longer sentence, but never HTML-escaped on the way
            assert any(t[key] in s for s in strings), f"{path} lacks the plain {key}"
        assert not any("&lt;" in s or "&#34;" in s for s in strings), f"{path} HTML-escapes JSON strings"


def test_sms_and_email_are_plain_text_with_the_text_verbatim(app, stage, sent_messages):
    """A shipped order texts the buyer with the shop's name: plain text, never HTML built from it."""
    seller = client_for(app, stage.seller)
    field = f"ship-{stage.shipped.id.hex}-tracking_number"  # the action forms are prefixed per order
    response = seller.post(f"/seller/orders/{stage.shipped.id}/ship", data={field: stage.texts["tracking"]})
    assert response.status_code == 302
    messages = [m for m in sent_messages.messages if stage.texts["shop"] in m.body]
    assert messages, "the shipping SMS names the shop"
    for message in messages:
        assert message.channel in ("sms", "email")
        assert not hasattr(message, "html"), "messages are text only"
        assert "&lt;" not in message.body  # verbatim: a text message is not HTML, so nothing to escape
    assert any(stage.texts["tracking"] in m.body for m in messages)
    assert_clean(client_for(app, stage.buyer).get("/notifications"), "/notifications after shipping",
                 ("shop", "tracking"), stage.texts)
