"""Clickjacking and CSP headers on every kind of answer, and templates that need no inline code.

The CSP allows scripts and styles only from our own origin ('self', no 'unsafe-inline'),
so an injected <script> or on*= handler would not run even if escaping failed somewhere.
That only works if no template relies on inline code: test_templates_have_no_inline_code
greps for it.
"""
import re
from pathlib import Path

import pytest

from marketplace.models import Role
from tests.factories import make_user
from tests.security.support import client_for, url_rules
from tests.seller_support import image_bytes, use_temp_storage

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def directives(csp: str) -> dict[str, str]:
    return {part.split(None, 1)[0]: part.split(None, 1)[1] if " " in part.strip() else ""
            for part in (p.strip() for p in csp.split(";")) if part}


def assert_protected(response, where: str) -> None:
    headers = response.headers
    assert headers.get("X-Frame-Options") == "DENY", f"{where}: X-Frame-Options"
    assert headers.get("X-Content-Type-Options") == "nosniff", f"{where}: nosniff"
    assert headers.get("Referrer-Policy"), f"{where}: Referrer-Policy"
    csp = directives(headers.get("Content-Security-Policy", ""))
    assert csp.get("frame-ancestors") == "'none'", f"{where}: CSP frame-ancestors {csp}"
    for name in ("script-src", "style-src", "default-src"):
        assert "unsafe-inline" not in csp.get(name, "") and "unsafe-eval" not in csp.get(name, ""), f"{where}: {name}"
    assert "*" not in csp.get("script-src", csp.get("default-src", "")).split(), f"{where}: script-src *"


PUBLIC_GETS = sorted(rule.rule for rule in url_rules() if "GET" in rule.methods and not rule.arguments)


@pytest.mark.parametrize("role", [None, Role.BUYER, Role.SELLER, Role.ADMIN])
def test_every_parameterless_page_and_json_answer_is_protected(app, role):
    client = client_for(app, make_user(role=role) if role else None)
    for path in PUBLIC_GETS:
        response = client.get(path)
        assert_protected(response, f"{path} as {role}")
        if "text/html" in response.content_type:
            csp = directives(response.headers["Content-Security-Policy"])
            assert csp.get("script-src") == "'self'" and csp.get("object-src") == "'none'"


def test_error_answers_are_protected(app, monkeypatch):
    client = client_for(app, None)
    answers = {
        "404 page": client.get("/no-such-page"),
        "404 json": client.get("/api/v1/no-such-thing"),
        "405": client.get("/account/logout"),
        "400 csrf page": client.post("/account/login", data={}, csrf=False),
        "400 csrf json": client.post("/api/v1/auth/login", json={}, csrf=False),
        "422 json": client.post("/api/v1/auth/login", json={"nope": 1}),
        "htmx 404": client.get("/no-such-page", headers={"HX-Request": "true"}),
    }

    def boom():
        raise RuntimeError("injected failure")

    monkeypatch.setitem(app.view_functions, "ops.health", boom)
    answers["500"] = client.get("/health")
    for name, response in answers.items():
        assert_protected(response, name)
    assert answers["500"].status_code == 500 and "injected failure" not in answers["500"].get_data(as_text=True)


def test_media_answers_are_protected_and_inert(app, tmp_path):
    storage, restore = use_temp_storage(app, tmp_path)
    try:
        storage.save("products/abc.webp", image_bytes("WEBP"), "image/webp")
        client = client_for(app, None)
        served = client.get("/media/products/abc.webp")
        assert served.status_code == 200 and served.mimetype == "image/webp"
        assert_protected(served, "/media file")
        csp = directives(served.headers["Content-Security-Policy"])
        assert csp.get("default-src") == "'none'" and "sandbox" in csp
        for path in ("/media/products/missing.webp", "/media/../config.py", "/media/%2e%2e/config.py"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert_protected(response, path)
    finally:
        restore()


def test_static_files_are_protected(app):
    response = client_for(app, None).get("/static/js/app.js")
    assert response.status_code == 200
    assert_protected(response, "/static")


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
EVENT_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
JSON_DATA_BLOCK = re.compile(r"^\s*\{\{[^}]*\|\s*tojson\s*\}\}\s*$")
LD_JSON_BLOCK = re.compile(r"^\s*\{\{\s*ld_json\(\w+\)\s*\}\}\s*$")
# `|safe` on a value that is built from constants only; anything new needs a look first
SAFE_FILTER_ALLOWED = {("seller/partials/_order_actions.html", "hx|safe")}


def template_files():
    return sorted(TEMPLATES.rglob("*.html"))


def test_templates_have_no_inline_code():
    problems = []
    for path in template_files():
        name = str(path.relative_to(TEMPLATES))
        text = path.read_text(encoding="utf-8")
        for attributes, body in SCRIPT_TAG.findall(text):
            is_data = ((re.search(r'type="application/json"', attributes) and JSON_DATA_BLOCK.match(body))
                       # JSON-LD through seo/structured_data.py's escaping writer, never raw text
                       or (re.search(r'type="application/ld\+json"', attributes) and LD_JSON_BLOCK.match(body)))
            if "src=" not in attributes and not is_data:
                problems.append(f"{name}: inline <script{attributes}>")
            if "src=" in attributes and body.strip():
                problems.append(f"{name}: <script src> with a body")
        problems += [f"{name}: event handler attribute {m.group().strip()}" for m in EVENT_ATTRIBUTE.finditer(text)]
        problems += [f"{name}: style attribute" for _ in STYLE_ATTRIBUTE.finditer(text)]
        problems += [f"{name}: javascript: URL" for _ in re.finditer(r"javascript:", text, re.IGNORECASE)]
        problems += [f"{name}: hx-on handler (inline code)" for _ in re.finditer(r"\shx-on", text)]
    assert not problems, "\n".join(problems)


def test_safe_filter_is_used_only_where_reviewed():
    found = {(str(path.relative_to(TEMPLATES)), m.group(1).replace(" ", ""))
             for path in template_files()
             for m in re.finditer(r"\{\{\s*([^}]*?\|\s*safe)\s*\}\}", path.read_text(encoding="utf-8"))}
    new = found - SAFE_FILTER_ALLOWED
    assert not new, f"new |safe: review that it can't carry user text, then allow it here: {new}"


def test_our_javascript_has_no_html_sinks():
    """htmx swaps server-rendered (escaped) HTML; our own scripts never build HTML from strings."""
    sinks = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function")
    found = [f"{path.name}: {m.group()}" for path in sorted((ROOT / "static" / "js").glob("*.js"))
             for m in sinks.finditer(path.read_text(encoding="utf-8"))]
    assert not found, found


def test_the_grep_would_catch_inline_code():
    """The patterns themselves: a test that can't fail proves nothing."""
    assert SCRIPT_TAG.search("<script>alert(1)</script>")
    assert EVENT_ATTRIBUTE.search('<img src=x onerror="alert(1)">')
    assert STYLE_ATTRIBUTE.search('<div style="color:red">')
    assert JSON_DATA_BLOCK.match("{{ chart|tojson }}") and not JSON_DATA_BLOCK.match("alert(1)")
