"""Walks every page form and every API input model, for the hostile-input tests.

Forms are found as subclasses of wtforms.Form in the marketplace package (every module
imported), API input models from the spectree metadata of every API view (query, JSON, form
and header models, and the models nested in them): a form or a schema added later is walked
without editing the tests.
"""
import functools
import importlib
import pkgutil
import types
import typing

import wtforms
from pydantic import BaseModel

import marketplace
from marketplace.api.spec import spec
from tests.security.support import collection_app, url_rules


@functools.cache
def form_classes() -> tuple:
    """Every form class defined in the marketplace package, by qualified name."""
    for module in pkgutil.walk_packages(marketplace.__path__, "marketplace."):
        importlib.import_module(module.name)
    found, pending = [], [wtforms.Form]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("marketplace."):
            found.append(cls)
    return tuple(sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}"))


def unbound_fields(form_class) -> list[tuple[str, wtforms.fields.core.UnboundField]]:
    return [(name, value) for name in dir(form_class)
            if isinstance(value := getattr(form_class, name, None), wtforms.fields.core.UnboundField)]


def form_id(form_class) -> str:
    return f"{form_class.__module__.removeprefix('marketplace.')}.{form_class.__qualname__}"


@functools.cache
def input_models() -> tuple:
    """Every pydantic model an API view reads (query, body, headers), nested ones included."""
    app = collection_app()
    keys = set()
    for rule in url_rules():
        metadata = spec.get_function_metadata(app.view_functions[rule.endpoint])
        if metadata is not None:
            keys |= {getattr(metadata, part) for part in ("query", "json", "form", "headers")} - {None}
    candidates, pending = [], [BaseModel]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("marketplace.api"):
            candidates.append(cls)
    models = {cls for cls in candidates if spec.naming_strategy(cls) in keys}
    pending = list(models)
    while pending:
        for _, annotation, _ in model_leaves(pending.pop()):
            if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in models:
                models.add(annotation)
                pending.append(annotation)
    return tuple(sorted(models, key=lambda cls: cls.__name__))


def _leaves(annotation, metadata: tuple):
    """(type, metadata) of each alternative of an annotation: through Optional, unions,
    Annotated, and the items of lists and dict values."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        yield from _leaves(inner, metadata + tuple(extra))
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _leaves(arg, metadata)
    elif origin in (list, tuple, set, frozenset):
        for arg in typing.get_args(annotation):
            yield from _leaves(arg, ())
    elif origin is dict:
        yield from _leaves(typing.get_args(annotation)[1], ())
    elif annotation is not type(None):
        yield annotation, metadata


def model_leaves(model) -> list[tuple[str, object, tuple]]:
    """(field name, leaf type, its metadata) of every field of `model`."""
    return [(name, leaf, extra) for name, info in model.model_fields.items()
            for leaf, extra in _leaves(info.annotation, tuple(info.metadata))]


def validator_functions(metadata: tuple) -> set:
    return {getattr(item, "func", None) for item in metadata} - {None}


def upper_bound(metadata: tuple):
    bounds = [getattr(item, "le", None) for item in metadata] + [getattr(item, "lt", None) for item in metadata]
    for item in metadata:
        for inner in getattr(item, "metadata", ()):
            bounds += [getattr(inner, "le", None), getattr(inner, "lt", None)]
    bounds = [bound for bound in bounds if bound is not None]
    return min(bounds) if bounds else None
