"""What a storefront page tells search engines and chat apps in its <head>: a unique title, the meta
description, the canonical address, the language versions (hreflang), robots, Open Graph and
Twitter card tags, and its JSON-LD (seo/structured_data.py). Templates call the *_meta builders in
their `seo` block; partials/_seo_head.html writes the tags.

Addresses. The language is not in the path (profile > `locale` cookie > Accept-Language choose it),
so the language versions are the same address with `?lang=vi` / `?lang=en` (web/i18n.py: that
language for that request, nothing remembered); the address without it negotiates and is the
`x-default`. A page's canonical is itself: with its `?lang=` when it has one, its `?cursor=` when it
is a later page of a listing; every other parameter (filters, sorts, `?pages=`, `?variant=`) is
dropped, and filters or sorts also make the page `noindex` (a permutation of a listing adds
nothing to an index). Absolute addresses start with SITE_URL when set, else the request's own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import current_app, g, request

from marketplace.web.i18n import LANG_PARAM, locale_code

DESCRIPTION_LENGTH = 160
# The listing filters and sorts (catalog/forms.py ListingFilterForm) and the search's own switches.
FILTER_PARAMS = ("category", "min_price", "max_price", "min_rating", "shop", "in_stock", "sort", "exact", "counts")
OG_LOCALES = {"vi": "vi_VN", "en": "en_US"}
_SPACES = re.compile(r"\s+")


@dataclass
class Picture:
    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""


@dataclass
class PageMeta:
    description: str
    canonical: str
    og_type: str = "website"
    title: str = ""  # for og:title; the <title> is the page's own block
    image: Picture | None = None
    noindex: bool = False
    alternates: list[tuple[str, str]] = field(default_factory=list)
    extra_og: list[tuple[str, str]] = field(default_factory=list)  # product:price:amount, ...
    structured: list[dict] = field(default_factory=list)


def origin() -> str:
    """scheme://host of absolute addresses: SITE_URL, else the request's (behind the trusted proxies).
    Worked out once per request (a listing's JSON-LD makes ~30 absolute addresses)."""
    found = g.get("seo_origin")
    if found is None:
        found = g.seo_origin = (current_app.config.get("SITE_URL") or request.host_url).rstrip("/")
    return found


def absolute(url: str | None) -> str | None:
    """`url` made absolute (a storage URL on S3 already is)."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return origin() + url


def asked_language() -> str | None:
    """The `?lang=` of this request when it names a language of the site."""
    asked = request.args.get(LANG_PARAM)
    return asked if asked in current_app.config["LOCALES"] else None


def with_params(url: str, params: dict) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}{'&' if '?' in url else '?'}{urlencode(kept)}" if kept else url


def language_versions(path: str, **params) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of each language version of `path`, then x-default (no `?lang=`)."""
    base = absolute(path)
    versions = [(code, with_params(base, {**params, LANG_PARAM: code})) for code in current_app.config["LOCALES"]]
    return [*versions, ("x-default", with_params(base, params))]


def canonical(path: str, **params) -> str:
    """The page's canonical address: `path` with `params` (a cursor, a search's words) and its `?lang=`."""
    return with_params(absolute(path), {**params, LANG_PARAM: asked_language()})


def filtered() -> bool:
    """Does the request narrow or re-sort a listing (a permutation, not a page of its own)?"""
    return any(request.args.get(name) for name in FILTER_PARAMS)


def describe(text: str | None, limit: int = DESCRIPTION_LENGTH) -> str:
    """One line of at most `limit` characters from free text, cut at a word with an ellipsis."""
    line = _SPACES.sub(" ", text or "").strip()
    if len(line) <= limit:
        return line
    cut = line[:limit - 1].rsplit(" ", 1)[0] if " " in line[:limit - 1] else line[:limit - 1]
    return cut.rstrip(" ,.;:-") + "…"


def og_locale() -> tuple[str, list[str]]:
    """og:locale and its alternates."""
    current = locale_code()
    return (OG_LOCALES.get(current, current),
            [OG_LOCALES.get(code, code) for code in current_app.config["LOCALES"] if code != current])
