"""Templates compiled once per language, with their constant messages translated in.

A page says 30 to 60 things through `_()`. Jinja's newstyle gettext answers each of them at render
time through three context calls (the `_` alias, the gettext wrapper, the catalog lookup), a Markup
and a format: about 14 µs a message, 6 to 9 % of a product page's CPU. Yet `_("Add to cart")`
gives the same text on every render in one language. So each template is compiled once per
language, and a call of `_`, `gettext` or `pgettext` whose message is a literal becomes that
language's text when the template is compiled:

- with no keyword arguments, a constant (newstyle gettext formats even then: "100%%" is "100%");
- with keyword arguments, the translated text `%` the arguments, at render time.

Either is marked safe only in an autoescaped template, and `%` on Markup escapes the arguments: what
newstyle gettext gives, byte for byte (tests/integration/test_translated_templates.py). `ngettext` stays a
call (its form depends on the number), and so does any call whose message is not a literal.

A template's language is the request's, as its catalog of translations (`web.i18n.gettext_catalog`:
a message sent in someone else's language, under `force_locale`, gets that language's templates).
Templates compiled outside any application context keep their calls.
"""
from __future__ import annotations

import weakref
from collections import ChainMap

from flask import has_app_context
from flask.templating import Environment
from jinja2 import nodes
from jinja2.visitor import NodeTransformer

from marketplace.web.i18n import gettext_catalog

GETTEXT = frozenset({"_", "gettext"})
# Every template once per language (185 templates, two languages): a finite set, kept in a plain
# dict (-1). Jinja's bounded cache is an LRU whose every hit removes the template's name from a
# deque, a scan of up to 370 names, some 20 times a page; and its default size (400) would evict.
CACHE_SIZE = -1


class TranslatedEnvironment(Environment):
    """Flask's template environment: its templates compiled and cached per language (above), in a
    plain dict (CACHE_SIZE), reading the environment's globals without a ChainMap (make_globals)."""

    def __init__(self, app, **options):
        options.setdefault("cache_size", CACHE_SIZE)
        super().__init__(app, **options)

    @staticmethod
    def _catalog():
        """The request's translations (web.i18n.gettext_catalog: one attribute read), or None outside an
        application context. A template is cached and compiled for the catalog it translates from."""
        return gettext_catalog() if has_app_context() else None

    def make_globals(self, d):
        """A template without globals of its own shares the environment's dict, not a ChainMap over it.

        Jinja 3 gives every template ChainMap(its own, the environment's), and reads it as a set twice
        for each include and import: every new context copies it (`set(globals)`), and every
        `{% from … import %}` subtracts one from the other, key by key through the ChainMap, about
        50 µs for our 170 globals (a product page does 5 imports and 15 includes). A dict does both
        in C. Nothing here gives a template globals of its own; _load_template below gives one that
        is handed some its own ChainMap, so the environment's globals are never written through it."""
        return ChainMap(d, self.globals) if d else self.globals

    def _load_template(self, name, globals):
        """Jinja's own (jinja2.Environment._load_template), with the language in the cache key."""
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        cache_key = (weakref.ref(self.loader), name, self._catalog())
        if self.cache is not None:
            template = self.cache.get(cache_key)
            if template is not None and (not self.auto_reload or template.is_up_to_date):
                if globals:
                    if template.globals is self.globals:
                        template.globals = ChainMap({}, self.globals)
                    template.globals.update(globals)
                return template
        template = self.loader.load(self, name, self.make_globals(globals))
        if self.cache is not None:
            self.cache[cache_key] = template
        return template

    def _parse(self, source, name, filename):
        tree, catalog = super()._parse(source, name, filename), self._catalog()
        if catalog is None:
            return tree  # no catalog to read: the calls stay calls
        tree = TranslateConstants(catalog).visit(tree)
        tree.set_environment(self)  # the nodes put in are new
        return tree


class TranslateConstants(NodeTransformer):
    """Replaces the gettext calls of a parsed template whose message is a literal by the translation."""

    def __init__(self, catalog):
        self.catalog = catalog

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if not isinstance(node.node, nodes.Name) or node.dyn_args is not None or node.dyn_kwargs is not None:
            return node
        literal = [arg.value for arg in node.args if isinstance(arg, nodes.Const) and isinstance(arg.value, str)]
        if len(literal) != len(node.args):
            return node
        variables = [nodes.Pair(nodes.Const(keyword.key), keyword.value) for keyword in node.kwargs]
        if node.node.name in GETTEXT and len(literal) == 1:
            text = self.catalog.ugettext(literal[0])
        elif node.node.name == "pgettext" and len(literal) == 2:
            text = self.catalog.upgettext(*literal)
            if not any(keyword.key == "context" for keyword in node.kwargs):
                variables.append(nodes.Pair(nodes.Const("context"), nodes.Const(literal[0])))
        else:
            return node
        if not variables:
            try:
                text = text % {}
            except (KeyError, ValueError, TypeError):
                return node  # a placeholder without its value: let it fail at render time, as it did
            return nodes.MarkSafeIfAutoescape(nodes.Const(text)).set_lineno(node.lineno)
        return nodes.Mod(nodes.MarkSafeIfAutoescape(nodes.Const(text)), nodes.Dict(variables)).set_lineno(node.lineno)
