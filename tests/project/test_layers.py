"""The shape of marketplace/services (its docstring says it in words): feature packages that depend
only on the packages before them, nothing of the web layer, and `*_queries` modules that only read.

Read from the source (ast), so a wrong arrow fails here before it becomes a circular import."""
import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "marketplace" / "services"
# Each package may use the ones before it, never the ones after.
LAYERS = ["core", "accounts", "catalog", "shops", "ledger", "wishlist", "cart", "ordering", "payments", "returns", "reviews", "admin"]
# What services may take from the rest of the application: no blueprint, no web/, no api/.
# marketplace.i18n: a message for another person is rendered in their language (i18n.in_language_of);
# marketplace.dates: times in the viewer's zone and language.
ALLOWED_OUTSIDE = {"marketplace.extensions", "marketplace.models", "marketplace.money", "marketplace.dates",
                   "marketplace.storage", "marketplace.metrics", "marketplace.messaging", "marketplace.i18n"}
# Calls that change the database; a query module makes none of them.
WRITING_METHODS = {"add", "add_all", "flush", "delete", "merge", "commit", "rollback", "begin_nested",
                   "with_for_update", "after_commit"}
WRITING_STATEMENTS = {"insert", "update", "delete"}


def _modules():
    return sorted(p for p in SERVICES.rglob("*.py") if p.name != "__init__.py" or p.parent != SERVICES)


def _imports(path: Path):
    """Every module name `path` imports, with `from marketplace import x` spelled marketplace.x."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in {"marketplace", "marketplace.services"}:
                yield from (f"{node.module}.{alias.name}" for alias in node.names)
            else:
                yield node.module


def _package(path: Path) -> str:
    return path.relative_to(SERVICES).parts[0]


def test_every_module_sits_in_a_known_package():
    assert {_package(p) for p in _modules()} == set(LAYERS)
    assert not [p.name for p in SERVICES.glob("*.py") if p.name != "__init__.py"], "no module outside a package"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SERVICES)))
def test_a_package_depends_only_on_the_ones_before_it(path):
    own = LAYERS.index(_package(path))
    for name in _imports(path):
        if name.startswith("marketplace.services."):
            used = name.split(".")[2]
            assert LAYERS.index(used) <= own, f"{path.name} ({LAYERS[own]}) imports {name}, a later package"
        elif name.startswith("marketplace"):
            assert name.startswith(tuple(ALLOWED_OUTSIDE)), f"{path.name} imports {name}: services never reach the web"
        assert name not in {"flask.request", "flask.session"}
    source = path.read_text()
    assert "from flask import request" not in source and "flask.request" not in source


QUERY_MODULES = [p for p in _modules() if p.stem.endswith("_queries")]


def test_the_read_modules_are_there():
    assert len(QUERY_MODULES) >= 8  # a rename that drops the suffix would silently skip the check below


@pytest.mark.parametrize("path", QUERY_MODULES, ids=lambda p: str(p.relative_to(SERVICES)))
def test_a_queries_module_only_reads(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                assert func.attr not in WRITING_METHODS, f"{path.name}:{node.lineno} calls .{func.attr}()"
            elif isinstance(func, ast.Name):
                assert func.id not in WRITING_STATEMENTS, f"{path.name}:{node.lineno} builds {func.id}()"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            head = node.value.lstrip().split(None, 1)[:1]
            assert head[:1] not in (["INSERT"], ["UPDATE"], ["DELETE"]), f"{path.name}:{node.lineno} writes in SQL"
