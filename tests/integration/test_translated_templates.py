"""Templates compiled per language with their literal messages translated in (web/translated_templates.py):
what they render is what newstyle gettext at render time gave, byte for byte, in both languages."""
import re

import pytest
from flask import render_template
from flask_babel import force_locale

from marketplace.web import translated_templates
from marketplace.web.templating import compile_templates
from tests.catalog_support import add_image, make_tree
from tests.factories import make_product
from tests.reviews_support import bought_line, seller_with_product

SOURCES = [
    '{{ _("Add to cart") }}',
    '<p title="{{ _("Add to cart") }}">{{ gettext("Add to cart") }}</p>',
    '{{ _("Results for “%(q)s”", q=q) }}',  # the argument is escaped, the message is not
    '{{ _("<strong>Reason:</strong> %(reason)s", reason=q) }}',  # the message's own markup is kept
    '{{ _("100%% sure") }}',  # formatted even with no argument: %% is %
    '{{ pgettext("product page heading", "Description") }}',
    '{{ _(word) }}',  # not a literal: a call at render time
    '{{ ngettext("%(num)d review", "%(num)d reviews", n) }}',
    '{% set label = _("Add to cart") %}{{ label|upper }}{{ label ~ q }}',
    '{% autoescape false %}{{ _("Results for “%(q)s”", q=q) }}{% endautoescape %}',
    '{% trans %}Add to cart{% endtrans %}',
    '{% trans count=n %}{{ count }} review{% pluralize %}{{ count }} reviews{% endtrans %}',
]
VALUES = {"q": '<b>"O\'Hara" & co</b>', "word": "Add to cart", "n": 3}


@pytest.fixture
def unfolded(app, monkeypatch):
    """The same app with every template compiled again, its messages left as gettext calls."""
    def render_time_gettext():
        app.jinja_env.cache.clear()
        for memo in ("memoized_fragments", "rendered_cards", "product_card_shapes"):
            app.extensions.pop(memo, None)

    render_time_gettext()
    monkeypatch.setattr(translated_templates.TranslateConstants, "visit", lambda self, tree: tree)
    yield
    monkeypatch.undo()
    render_time_gettext()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_literal_message_is_the_languages_text_in_the_compiled_template(app, lang):
    with app.test_request_context(f"/?lang={lang}"):
        code = app.jinja_env.compile('{{ _("Add to cart") }}', raw=True)
        assert ("Thêm vào giỏ hàng" if lang == "vi" else "Add to cart") in code and "'_'" not in code
        assert "'_'" in app.jinja_env.compile("{{ _(word) }}", raw=True)  # not a literal: still a call


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_what_a_folded_message_renders_is_what_gettext_renders(app, lang, monkeypatch):
    with app.test_request_context(f"/?lang={lang}"):
        folded = [app.jinja_env.from_string(source).render(VALUES) for source in SOURCES]
        monkeypatch.setattr(translated_templates.TranslateConstants, "visit", lambda self, tree: tree)
        called = [app.jinja_env.from_string(source).render(VALUES) for source in SOURCES]
    assert folded == called
    assert "&lt;b&gt;" in folded[2] and "<b>" in folded[9]  # escaped where the page escapes, as gettext did
    assert folded[3].startswith("<strong>") and "&lt;b&gt;" in folded[3] and "100%" in folded[4]


def test_a_placeholder_without_its_value_still_fails_when_rendered(app):
    with app.test_request_context("/?lang=en"):
        template = app.jinja_env.from_string('{{ _("Results for “%(q)s”") }}')
        with pytest.raises(KeyError):
            template.render()


def test_a_template_is_compiled_once_for_each_language(app, monkeypatch):
    """The language is part of the template cache's key: a page in Vietnamese after one in English
    gets the Vietnamese compilation, and each language compiles once."""
    loads = []
    load = app.jinja_env.loader.load
    monkeypatch.setattr(app.jinja_env.loader, "load", lambda env, name, g=None: loads.append(name) or load(env, name, g))
    app.jinja_env.cache.clear()
    texts = []
    for lang in ("en", "vi", "en", "vi"):
        with app.app_context(), app.test_request_context(f"/?lang={lang}"):  # a context of its own, as requests have
            texts.append(render_template("partials/_footer.html"))
    assert texts[0] == texts[2] and texts[1] == texts[3] and texts[0] != texts[1]
    assert loads.count("partials/_footer.html") == 2
    assert type(app.jinja_env.cache) is dict  # a finite set of templates: no LRU to reorder on every hit


def test_compile_templates_compiles_every_template_in_every_language(app, monkeypatch):
    app.jinja_env.cache.clear()
    count = compile_templates(app)
    compiled = []
    monkeypatch.setattr(app.jinja_env.loader, "load", lambda *args: compiled.append(args[1]))
    for lang in app.config["LOCALES"]:
        with app.app_context(), app.test_request_context(f"/?lang={lang}"):
            app.jinja_env.get_template("base.html")
            app.jinja_env.get_template("catalog/product.html")
    assert compiled == [] and count > 100
    with app.app_context(), force_locale("vi"):
        assert "Thêm vào giỏ hàng" in app.jinja_env.compile(
            app.jinja_env.loader.get_source(app.jinja_env, "cart/partials/_add_to_cart.html")[0], raw=True)


def storefront_pages():
    tree = make_tree()
    seller, shop, product = seller_with_product(category=tree["tees"], title="Áo thun <đẹp> & 100%")
    add_image(product)
    make_product(shop=shop, category=tree["tees"], title="Áo sơ mi")
    from marketplace.services.reviews import reviews

    line = bought_line(product)
    reviews.create_review(line.order.buyer, line.id, 4, "Vải đẹp, giao nhanh", [])
    return ["/", "/c/thoi-trang", "/c/ao-thun?sort=price_asc&in_stock=y", f"/p/{product.id}",
            f"/p/{product.id}/reviews", f"/s/{shop.slug}", "/search?q=ao", "/search?q=zzqx", "/cart", "/login",
            "/register", "/no-such-page"]


def pages_in(client, urls, lang):
    token = re.compile(r'("csrf_token"[^>]*value="|"X-CSRFToken": ?")[^"]+"')
    return {url: (r.status_code, token.sub(r"\1…", r.get_data(as_text=True)))
            for url in urls for r in [client.get(url, headers={"Accept-Language": lang})]}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_storefront_reads_the_same_with_messages_folded_or_called(app, request, lang):
    urls = storefront_pages()
    client = app.test_client(use_cookies=False)
    folded = pages_in(client, urls, lang)
    request.getfixturevalue("unfolded")
    called = pages_in(client, urls, lang)
    assert {url: status for url, (status, _) in folded.items()}["/no-such-page"] == 404
    for url in urls:
        assert folded[url] == called[url], url


def test_templates_share_the_environments_globals_and_never_write_to_them(app):
    """A template reads the environment's globals dict itself (no ChainMap to copy key by key on every
    include and import); one handed globals of its own gets them in a ChainMap of its own."""
    with app.app_context(), app.test_request_context("/?lang=en"):
        plain = app.jinja_env.get_template("partials/_footer.html")
        assert plain.globals is app.jinja_env.globals
        given = app.jinja_env.get_template("partials/_flashes.html", globals={"only_here": 1})
        assert given.globals["only_here"] == 1 and "only_here" not in app.jinja_env.globals
        again = app.jinja_env.get_template("partials/_flashes.html", globals={"also_here": 2})
        assert again.globals["also_here"] == 2 and "also_here" not in app.jinja_env.globals
        assert app.jinja_env.from_string("{{ x }}", globals={"x": "ok"}).render() == "ok"
        assert "x" not in app.jinja_env.globals
