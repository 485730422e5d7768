"""Find user-facing text the message catalogs can't translate: template text outside gettext and
{% trans %}, and Python literals handed to what shows them (flash, domain errors, form fields).

Used by tests/project/test_i18n.py; also runnable on a part of the tree while marking it:
    python -m tests.i18n_support templates/seller marketplace/seller
"""
from __future__ import annotations

import ast
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[1]

# Pages that are not the shop's: the API reference is written for developers, in English, like its
# codes and field names (the API's error messages are translated: they come from the services).
TEMPLATES_NOT_TRANSLATED = {"api/docs.html"}
# Template text that reads the same in every language (symbols, units, separators).
_NO_WORDS = re.compile(r"^[\W\d_]*$")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
# Text a template shows as is in every language: brand-like names and symbols.
ALLOWED_TEXT = {"JSON", "API", "UTC", "VI", "EN", "SKU", "OTP", "ID", "URL", "HTML", "htmx", "OK", "px"}
# The attributes people read (or hear).
READ_ATTRIBUTES = {"placeholder", "aria-label", "title", "alt", "aria-description", "aria-roledescription", "label",
                   "data-confirm"}


def template_problems(paths: list[Path] | None = None) -> list[str]:
    """"file:line: text" for each piece of literal template text with words in it."""
    templates = ROOT / "templates"
    files = sorted(_files(paths, templates, "*.html"))
    env = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.loopcontrols"])
    problems = []
    for path in files:
        name = path.relative_to(templates).as_posix()
        if name in TEMPLATES_NOT_TRANSLATED:
            continue
        source = path.read_text(encoding="utf-8")
        for lineno, text in _literal_text(env, source):
            problems.append(f"templates/{name}:{lineno}: {text}")
    return problems


def _literal_text(env: Environment, source: str):
    """(line, text) of the words a template writes literally, outside gettext and {% trans %}: the
    text between tags and the attributes people read (placeholder, aria-label, title, alt, ...).
    The template is rebuilt with every expression and tag as a blank mark (lines kept), then read
    by an HTML parser, so an expression inside a tag or an attribute does not confuse it."""
    pieces, in_trans, depth, tokens = [], 0, 0, list(env.lex(source))
    strings = []
    previous = None  # the kind of the last token that isn't whitespace
    for i, (lineno, kind, value) in enumerate(tokens):
        if kind == "name" and previous == "block_begin" and value in ("trans", "pluralize", "endtrans"):
            in_trans = value != "endtrans"
        if kind != "whitespace":
            previous = kind
        if kind == "string" and _text_argument(tokens, i) and _has_words(value):
            strings.append((lineno, value.strip("\"'")))
        if kind == "data" and not in_trans:
            pieces.append(value)
            continue
        if kind in ("variable_begin", "block_begin"):
            depth += 1
            pieces.append("\x00")
        elif kind in ("variable_end", "block_end"):
            depth -= 1
        pieces.append("\n" * value.count("\n") if kind != "data" or in_trans else "")
    reader = _TextReader()
    reader.feed("".join(pieces))
    reader.close()
    return reader.found + strings


def _opens_tag(tokens, i: int) -> bool:
    """Whether the name at `i` is the first word of a {% tag %} (the lexer keeps the whitespace before it)."""
    i -= 1
    while i >= 0 and tokens[i][1] == "whitespace":
        i -= 1
    return i >= 0 and tokens[i][1] == "block_begin"


# Macro arguments that carry text (macros/_forms.html, _paging.html, ...): `label="Save"`, `submit("Save")`.
TEXT_KEYWORDS = {"label", "help", "placeholder", "title", "heading", "empty", "text", "hint", "caption"}
TEXT_POSITIONAL = {"submit": 0, "side_link": 1}


def _text_argument(tokens, i: int) -> bool:
    """Whether the string token at `i` is a text argument of a call: a keyword of TEXT_KEYWORDS, or
    the positional argument TEXT_POSITIONAL names."""
    if i >= 2 and tokens[i - 1][2] == "=" and tokens[i - 2][1] == "name" and tokens[i - 2][2] in TEXT_KEYWORDS:
        return True
    # walk back to the call's opening parenthesis, counting commas at its depth
    depth, commas = 0, 0
    for j in range(i - 1, -1, -1):
        kind, value = tokens[j][1], tokens[j][2]
        if kind in ("variable_begin", "block_begin"):
            return False
        if value in (")", "]", "}"):
            depth += 1
        elif value in ("(", "[", "{"):
            if depth == 0:
                callee = tokens[j - 1][2] if j and tokens[j - 1][1] == "name" else None
                return value == "(" and TEXT_POSITIONAL.get(callee) == commas
            depth -= 1
        elif value == "," and depth == 0:
            commas += 1
    return False


class _TextReader(HTMLParser):
    SKIPPED = {"script", "style", "svg", "code", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and _has_words(value):
                self.found.append((self.getpos()[0], f'{name}="{" ".join(value.replace(chr(0), " ").split())}"'))
        if tag == "input" and dict(attrs).get("type") in ("submit", "button") and _has_words(dict(attrs).get("value") or ""):
            self.found.append((self.getpos()[0], dict(attrs)["value"]))

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and _has_words(data):
            self.found.append((self.getpos()[0], " ".join(data.replace("\x00", " ").split())))


def _has_words(text: str) -> bool:
    text = text.replace("\x00", " ").strip()
    if not text or _NO_WORDS.match(text):
        return False
    words = _LETTERS.findall(text)
    return any(word not in ALLOWED_TEXT for word in words)


def _files(paths: list[Path] | None, default: Path, pattern: str):
    if paths is None:
        yield from default.rglob(pattern)
        return
    for path in paths:
        path = (ROOT / path) if not path.is_absolute() else path
        if path.is_dir():
            yield from path.rglob(pattern)
        elif path.match(pattern):
            yield path


# --- Python -------------------------------------------------------------------------------------

# Calls whose first argument (or `message=`, `label=`, `description=`) people read.
SHOWN = {
    "flash", "DomainError", "ValidationFailed", "NotFound", "Forbidden", "Conflict", "StockChanged",
    "InputRequired", "DataRequired", "Length", "Regexp", "NumberRange", "Email", "EqualTo", "Optional",
    "FileAllowed", "FileSize", "ValidationError", "StopValidation",
    "StringField", "PasswordField", "BooleanField", "SelectField", "IntegerField", "DecimalField", "TextAreaField",
    "FileField", "MultipleFileField", "HiddenField", "RadioField", "DateField", "SelectMultipleField", "FieldList",
    "SubmitField", "EmailField", "TelField", "SearchField", "URLField", "FormField",
}
SHOWN_KEYWORDS = {"message", "label", "description"}
# Code that speaks to developers and operators only (logs, commands, the seed data, the bench).
PYTHON_NOT_TRANSLATED = ("marketplace/seed/", "marketplace/cli.py", "marketplace/jobs.py", "marketplace/i18n.py")


def python_problems(paths: list[Path] | None = None) -> list[str]:
    files = sorted(_files(paths, ROOT / "marketplace", "*.py"))
    problems = []
    for path in files:
        name = path.relative_to(ROOT).as_posix()
        if name.startswith(PYTHON_NOT_TRANSLATED):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=name)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if callee not in SHOWN:
                continue
            candidates = list(node.args[:1]) + [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
            for arg in candidates:
                text = _literal(arg)
                if text is not None and _has_words(text):
                    problems.append(f"{name}:{arg.lineno}: {callee}({text[:70]!r})")
    return problems


def _literal(node: ast.AST) -> str | None:
    """The text of a str literal, an f-string's literal parts, or "a" "b" / "a" + x concatenations."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left = _literal(node.left)
        return left if left is not None else _literal(node.right)
    return None


if __name__ == "__main__":
    given = [Path(p) for p in sys.argv[1:]]
    html = [p for p in given if p.suffix == ".html" or "templates" in p.parts]
    code = [p for p in given if p not in html]
    found = (template_problems(html if given else None) + python_problems(code if given else None))
    print("\n".join(found) or "Nothing left to mark.")
    print(f"{len(found)} to mark", file=sys.stderr)
    raise SystemExit(1 if found else 0)
