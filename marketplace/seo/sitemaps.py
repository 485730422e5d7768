"""The sitemaps: an index at /sitemap.xml and gzip-compressed child sitemaps of products, categories,
shops and the home page, at most SITEMAP_MAX_URLS addresses each (the protocol's 50,000).

Built as a stream: a child's rows come from the database in keyset order a batch at a time
(services/catalog/sitemap_queries.py) and go straight into a gzip stream, so building one costs
the memory of a batch and of its compressed bytes, whatever the catalogue's size (bench/sitemaps.py
measures it). Each <url> names its language versions (`?lang=vi`, `?lang=en`, and the
negotiating address as x-default: seo/head.py).

Cached like the other storefront caches: under the 'categories', 'shops' and 'catalog' cache
versions (the database moves them at the commit of any change a visitor could see), per origin,
in this process (SITEMAP_CACHE_SIZE files) and in the shared page-cache Redis when there is one.
A cached file is therefore exactly what building it again would give.
"""
from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from xml.sax.saxutils import escape as xml_escape

from flask import current_app, url_for

from marketplace.catalog.views import product_url
from marketplace.seo.head import absolute, origin
from marketplace.services.catalog import sitemap_queries
from marketplace.services.catalog.category_queries import get_tree
from marketplace.services.catalog.storefront_cache import Lru
from marketplace.services.core import rollups
from marketplace.web import page_cache

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
VERSIONS = ("categories", "shops", "catalog")
KINDS = ("pages", "categories", "shops", "products")
_CACHE = "sitemap_cache"
_WRITE_EVERY = 500  # <url> elements joined per write into the gzip stream


def w3c_datetime(moment: datetime | None) -> str | None:
    """A lastmod: UTC, to the second (the columns are naive UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _url_element(root: str, codes: tuple[str, ...], path: str, lastmod: datetime | None) -> str:
    """One <url>: its address, lastmod and language versions (seo/head.py language_versions, written out
    for a path without a query: 50,000 of them per file)."""
    loc = xml_escape(root + path)
    parts = [f"<url><loc>{loc}</loc>"]
    if lastmod is not None:
        parts.append(f"<lastmod>{w3c_datetime(lastmod)}</lastmod>")
    parts += [f'<xhtml:link rel="alternate" hreflang="{code}" href="{loc}?lang={code}"/>' for code in codes]
    parts.append(f'<xhtml:link rel="alternate" hreflang="x-default" href="{loc}"/></url>\n')
    return "".join(parts)


def write_urlset(entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    """The gzip-compressed <urlset> of (path, lastmod) entries (paths without a query), written as they come."""
    root, codes = origin(), tuple(current_app.config["LOCALES"])
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as stream:
        stream.write(('<?xml version="1.0" encoding="UTF-8"?>\n'
                      f'<urlset xmlns="{NAMESPACE}" xmlns:xhtml="{XHTML}">\n').encode())
        chunk: list[str] = []
        for path, lastmod in entries:
            chunk.append(_url_element(root, codes, path, lastmod))
            if len(chunk) >= _WRITE_EVERY:
                stream.write("".join(chunk).encode())
                chunk.clear()
        stream.write(("".join(chunk) + "</urlset>\n").encode())
    return out.getvalue()


def write_index(children: list[tuple[str, datetime | None]]) -> bytes:
    """The <sitemapindex> of (absolute URL, lastmod) children."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NAMESPACE}">']
    for url, lastmod in children:
        modified = f"<lastmod>{w3c_datetime(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<sitemap><loc>{xml_escape(url)}</loc>{modified}</sitemap>")
    lines.append("</sitemapindex>\n")
    return "\n".join(lines).encode()


def per_page() -> int:
    return current_app.config["SITEMAP_MAX_URLS"]


# --- what each child holds -------------------------------------------------------------------

def _pieces(entries: list) -> list[list]:
    size = per_page()
    return [entries[start:start + size] for start in range(0, len(entries), size)] or [[]]


def _category_pieces():
    return _pieces(sitemap_queries.category_entries(get_tree()))


def _shop_pieces():
    return _pieces(sitemap_queries.shop_entries())


def product_pages() -> list[sitemap_queries.SitemapPage]:
    return cached(("product-pages",), lambda: sitemap_queries.product_pages(per_page()))[0]


def child_list() -> list[tuple[str, int, datetime | None]]:
    """(kind, number, lastmod) of every child sitemap, in the index's order."""
    children: list[tuple[str, int, datetime | None]] = [("pages", 1, sitemap_queries.newest_change())]
    for kind, pieces in (("categories", _category_pieces()), ("shops", _shop_pieces())):
        children += [(kind, n, max((e.lastmod for e in piece if e.lastmod), default=None))
                     for n, piece in enumerate(pieces, 1) if piece]
    children += [("products", page.number, page.lastmod) for page in product_pages()]
    return children


def build_index() -> bytes:
    return write_index([(absolute(url_for("seo.child_sitemap", kind=kind, number=number)), lastmod)
                        for kind, number, lastmod in child_list()])


def build_child(kind: str, number: int) -> bytes | None:
    """A child sitemap's gzip bytes, or None when there is no such child."""
    if kind == "pages":
        return write_urlset([(url_for("shop.home"), sitemap_queries.newest_change())]) if number == 1 else None
    if kind == "products":
        pages = product_pages()
        if not 1 <= number <= len(pages):
            return None
        rows = sitemap_queries.product_entries(pages[number - 1].first_id, per_page())
        return write_urlset((product_url(row.id, row.title), row.lastmod) for row in rows)
    if kind in ("categories", "shops"):
        pieces = _category_pieces() if kind == "categories" else _shop_pieces()
        if not 1 <= number <= len(pieces) or not pieces[number - 1]:
            return None
        endpoint = "catalog.view_category" if kind == "categories" else "shop.view_shop"
        return write_urlset((url_for(endpoint, slug=entry.slug), entry.lastmod) for entry in pieces[number - 1])
    return None


# --- the cache ---------------------------------------------------------------------------------

def cached(name: tuple, build: Callable[[], object]) -> tuple[object, bool]:
    """(value, was it cached) of `build()` under the current versions, this origin and the page size."""
    versions = rollups.cache_versions()
    key = (tuple(versions.get(v) for v in VERSIONS), origin(), per_page(), *name)
    local = current_app.extensions.get(_CACHE)
    if local is None:
        local = current_app.extensions[_CACHE] = Lru(current_app.config["SITEMAP_CACHE_SIZE"])
    hit = local.get(key)
    if hit is not None:
        return hit, True
    shareable = name[0] != "product-pages"  # bytes only
    shared = page_cache.shared_client() if shareable else None
    redis_key = "sitemap:" + hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()
    if shared is not None:
        try:
            raw = shared.get(redis_key)
        except Exception as error:  # noqa: BLE001 - any Redis failure: build it here
            page_cache.shared_failed(error)
            raw = None
        if raw is not None:
            local.put(key, raw)
            return raw, True
    value = build()
    if value is None:
        return None, False
    local.put(key, value)
    if shared is not None:
        try:
            shared.set(redis_key, value, ex=current_app.config["PAGE_CACHE_TTL"])
        except Exception as error:  # noqa: BLE001
            page_cache.shared_failed(error)
    return value, False


def clear() -> None:
    current_app.extensions.pop(_CACHE, None)
