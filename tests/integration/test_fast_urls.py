"""The templates' url_for (web/fast_urls.py): for every rule of the app, whatever the values, the URL is
the one Flask's url_for builds, under a script root too."""
import uuid

import pytest
from flask import url_for
from werkzeug.routing import BuildError

from marketplace.web.fast_urls import fast_url, fast_url_for

TEXTS = ["ao-thun", "a b", "ấm-trà", "../etc", "x/y", "", "100%", "q?x=1#y"]


def sample_values(rule, text: str) -> dict:
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        values[name] = uuid.uuid4() if kind == "UUIDConverter" else (7 if kind == "IntegerConverter" else text)
    return values


def built(function, endpoint, values):
    try:
        return function(endpoint, **values)
    except (BuildError, ValueError) as error:  # no such URL: the same refusal either way
        return (type(error).__name__, str(error))


@pytest.mark.parametrize("script_root", ["", "/shop"])
def test_every_rule_builds_the_url_flask_builds(app, script_root):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    compared = 0
    with app.test_request_context("/", base_url=f"http://localhost{script_root}"):
        for rule in rules:
            for text in TEXTS:
                values = sample_values(rule, text)
                for extra in ({}, {"cursor": "abc"}, {"q": text}):
                    arguments = {**values, **extra}
                    assert built(fast_url_for, rule.endpoint, arguments) == built(url_for, rule.endpoint, arguments), \
                        (rule.rule, arguments)
                    compared += 1
    assert compared > 1000


def test_url_for_options_and_relative_endpoints_go_to_url_for(app):
    product = uuid.uuid4()
    with app.test_request_context("/p/x"):
        assert fast_url_for("catalog.view_product", product_id=product, _external=True) == \
            url_for("catalog.view_product", product_id=product, _external=True)
        assert fast_url_for("catalog.view_product", product_id=product, _anchor="reviews").endswith("#reviews")
    with app.test_request_context(f"/p/{product}"):
        assert fast_url_for(".view_category", slug="ao") == url_for("catalog.view_category", slug="ao")


def test_a_rule_built_once_is_filled_after(app, monkeypatch):
    import marketplace.web.fast_urls as fast_urls

    with app.test_request_context("/"):
        fast_url("shop.view_shop", slug="first-shop")
        monkeypatch.setattr(fast_urls, "url_for", lambda *a, **k: pytest.fail("url_for called again"))
        assert fast_url("shop.view_shop", slug="tiem-ca-phe") == "/s/tiem-ca-phe"
