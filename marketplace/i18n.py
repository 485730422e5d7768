"""The interface's languages: which ones exist, and the message catalogs that translate it.

English is the source language (every msgid is the English text), so only the Vietnamese catalog
is kept: `marketplace/translations/vi/LC_MESSAGES/messages.po`. `flask i18n update` extracts
every marked string of the code and the templates into it (new ones untranslated), `flask i18n
compile` turns it into the `.mo` that gettext reads (`make run` and `make test` do it, and the
test suite fails on a marked string the catalog does not translate: tests/project/test_i18n.py).
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import available_timezones

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "marketplace" / "translations"
DOMAIN = "messages"
STABLE_DATE = datetime(2026, 12, 7, tzinfo=timezone.utc)
# Each language by its own name, as a switcher shows it.
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
# What the extraction reads: the code and the templates (their gettext calls and {% trans %} blocks).
SOURCES = (
    ("marketplace/**.py", "python", {}),
    ("templates/**.html", "jinja2", {"extensions": "jinja2.ext.loopcontrols"}),
)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
            "lazy_pgettext": ((1, "c"), 2)}


def catalog_path(locale: str, suffix: str = "po") -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"


def translated_locales() -> list[str]:
    return sorted(p.name for p in TRANSLATIONS.iterdir() if catalog_path(p.name).exists())


@contextmanager
def in_language_of(user):
    """Say what is said to `user` outside their own request (an SMS, an email, a notification another
    person's action sends) in their language: their choice, else the marketplace's default."""
    from flask import current_app
    from flask_babel import force_locale

    with force_locale(getattr(user, "locale", None) or current_app.config["DEFAULT_LOCALE"]):
        yield


def is_timezone(name: str) -> bool:
    return name in _zones()


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def timezone_choices() -> list[str]:
    """The IANA zones people pick from (Area/City), sorted."""
    return sorted(z for z in _zones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/")))


# --- the catalogs -----------------------------------------------------------------------------

def extract():
    """Every marked string of the code and the templates, as a babel Catalog (no translations)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="marketplace", charset="utf-8")
    mapping = [(pattern, method) for pattern, method, _ in SOURCES]
    options = {pattern: opts for pattern, _, opts in SOURCES}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map=mapping, options_map=options, keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(locale: str):
    from babel.messages.pofile import read_po

    with catalog_path(locale).open("rb") as f:
        return read_po(f, locale=locale)


def write(catalog, locale: str) -> None:
    from babel.messages.pofile import write_po

    path = catalog_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A header that does not change on every update (dates, placeholders), for the same reason.
    catalog.creation_date = catalog.revision_date = STABLE_DATE
    catalog.fuzzy = False
    catalog.version, catalog.msgid_bugs_address = "1", ""
    catalog.last_translator = catalog.language_team = "Chợ Phố <translations@marketplace.local>"
    catalog.header_comment = f"# {LANGUAGE_NAMES.get(locale, locale)} messages of the marketplace (marketplace/i18n.py).\n#"
    with path.open("wb") as f:
        # No source locations: they change with every edit and would make every merge conflict.
        write_po(f, catalog, width=100, no_location=True, sort_output=True, omit_header=False,
                 ignore_obsolete=True, include_previous=False)


def update(locale: str) -> tuple[int, int]:
    """Bring `locale`'s catalog in line with the sources: new strings added untranslated, gone ones
    dropped. Returns (messages, untranslated)."""
    from babel.messages.catalog import Catalog

    template = extract()
    path = catalog_path(locale)
    if path.exists():
        catalog = read(locale)
    else:
        catalog = Catalog(locale=locale, project="marketplace", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)
    write(catalog, locale)
    return len(catalog), len(untranslated(catalog))


def untranslated(catalog) -> list:
    return [m for m in catalog if m.id and (m.fuzzy or not _has_translation(m.string))]


def _has_translation(string) -> bool:
    if isinstance(string, (tuple, list)):
        return all(string)
    return bool(string)


def missing(locale: str) -> dict[str, str]:
    """The untranslated messages of `locale`'s catalog, as {msgid: ""} (plurals by their singular, a
    message with a context as "context\x04msgid", gettext's own key)."""
    return {_key(m.id, m.context): "" for m in untranslated(read(locale))}


def fill(locale: str, translations: dict[str, str]) -> int:
    """Set the translations of `locale`'s catalog from {msgid: text}; a plural's key is its singular and
    its text serves every form (Vietnamese has one), a message with a context is keyed as `missing` says.
    Unknown msgids are ignored. Returns how many were set."""
    catalog = read(locale)
    count = 0
    for message in catalog:
        key = _key(message.id, message.context)
        if not message.id or not translations.get(key):
            continue
        text = translations[key]
        message.string = tuple([text] * catalog.num_plurals) if isinstance(message.id, (tuple, list)) else text
        message.flags.discard("fuzzy")
        count += 1
    write(catalog, locale)
    return count


def _key(msgid, context: str | None = None) -> str:
    # A context keeps one English word apart from itself: "Shipping" the fee and "Shipping" the status.
    text = msgid[0] if isinstance(msgid, (tuple, list)) else msgid
    return f"{context}\x04{text}" if context else text


def compile_all(force: bool = False) -> list[str]:
    """Write each catalog's `.mo` when it is missing or older than its `.po`; returns the locales compiled."""
    from babel.messages.mofile import write_mo

    done = []
    for locale in translated_locales():
        po, mo = catalog_path(locale), catalog_path(locale, "mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = read(locale)
        tmp = mo.with_suffix(f".mo.{os.getpid()}.tmp")  # processes compiling at once each write their own
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo)
        done.append(locale)
    return done


def main(argv: list[str] | None = None) -> int:
    """`python -m marketplace.i18n update|compile`: no app, no database (the Docker build compiles)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m marketplace.i18n", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("update", "compile", "missing", "fill"),
                        help="update: add new marked strings to each catalog (untranslated), drop gone ones; "
                             "compile: write the .mo files gettext reads; missing: print the untranslated "
                             "messages as JSON {msgid: \"\"}; fill FILE: set translations from such a JSON file")
    parser.add_argument("file", nargs="?", help="fill: the JSON file of {msgid: translation}")
    parser.add_argument("--locale", default="vi", help="missing, fill: the catalog (default vi)")
    parser.add_argument("--force", action="store_true", help="compile: even the catalogs whose .mo is up to date")
    args = parser.parse_args(argv)
    if args.command == "missing":
        print(json.dumps(missing(args.locale), ensure_ascii=False, indent=1))
    elif args.command == "fill":
        if not args.file:
            parser.error("fill needs the JSON file")
        with open(args.file, encoding="utf-8") as f:
            print(f"{args.locale}: {fill(args.locale, json.load(f))} translations set")
    elif args.command == "update":
        for locale in translated_locales():
            total, todo = update(locale)
            print(f"{locale}: {total} messages, {todo} to translate")
    else:
        done = compile_all(force=args.force)
        print("Compiled: " + (", ".join(done) if done else "nothing (up to date)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
