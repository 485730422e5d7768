"""Whole storefront pages for anonymous visitors, cached and exact.

A page is kept under everything that goes into it: the Host and URL (path and query
string), the htmx headers that pick a fragment, the cache versions of what it shows
(services/core/rollups.py: the database gives each a new value at the commit of any change
to what the storefront shows; a view names the ones it reads, STOREFRONT_VERSIONS unless
told) and, for views that show live data, a `live_key` the view supplies (a product page's
own version and stock levels, read fresh on every request: one product's change leaves every
other product's page cached). A cached page is therefore exactly what rendering it again would
give; there is no expiry to wait for.

Only requests that would see the same page as every other anonymous visitor use it: a
GET, nobody signed in (nor a remember-me cookie that would sign someone in), and a
session holding nothing but its CSRF token (no guest cart, no flashed message). Such a
page carries a CSRF token only where a form on it posts (add to cart, follow a shop):
base.html leaves out the session's token for htmx (`g.shared_page`), so a listing or the
home page starts no session and sets no cookie, cached or not. A page's token is stored
as a placeholder and each visitor's own is put back when it is served. Responses say
`X-Cache: HIT` or `X-Cache: MISS`. Such a request only reads, so its SQL goes to the
reader (marketplace/database.py: a replica, or the primary without transaction round
trips), cached or not.

A page without a visitor's token is kept compressed (brotli, at COMPRESS_BR_LEVEL, when the app
compresses its responses): compressed once when rendered, it is sent as it is to every visitor
whose browser takes brotli (and decompressed for one that doesn't), and it is a fifth of the
bytes to keep and to pass through Redis. A page with a token is kept as text (the token is put
back per visitor) and compressed per response as before.

Each process keeps its own copies (a small LRU; PAGE_CACHE_SIZE pages, 0 turns the
cache off). With PAGE_CACHE_REDIS_URL the processes also share them through Redis (a page
one worker rendered is a hit in the others, and outlives a recycled worker); keys carry
the versions and expire after PAGE_CACHE_TTL seconds. Nothing depends on either: a
Redis error turns the shared copies off for a minute, a cold process renders.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Hashable
from functools import wraps
from typing import NamedTuple

import brotli
from flask import current_app, g, make_response, request, session
from flask_wtf.csrf import generate_csrf

from marketplace.database import use_reader
from marketplace.extensions import redis_options
from marketplace.services.catalog.storefront_cache import Lru
from marketplace.services.core import rollups
from marketplace.web.auth import remembered
from marketplace.web.i18n import locale_code

log = logging.getLogger(__name__)
_CACHE = "page_cache"
_SHARED = "page_cache_redis"
SHARED_RETRY_AFTER = 60.0  # seconds without Redis after an error
_TOKEN = "\x00csrf\x00"  # never in a page: the NUL check refuses it in any request
# What an anonymous visitor's session may hold: the CSRF token, and Flask-Login's mark
# that the session is not a fresh login.
_ANONYMOUS_SESSION = frozenset({"csrf_token", "_fresh"})
# What the listings, the home page and shop pages show: the category menu and tree, shops, and
# product cards. A product page names its own (catalog/views.py).
STOREFRONT_VERSIONS = ("categories", "shops", "catalog")


def anonymous_page(live_key: Callable[..., Hashable] | None = None,
                   versions: tuple[str, ...] = STOREFRONT_VERSIONS):
    """Serve this view's page from the cache to anonymous visitors (see the module docstring).

    `versions`: the cache versions of what the page shows. `live_key(**view_args)` returns
    the part of the page that no cache version covers, read fresh on each request (it becomes
    part of the key).
    """
    def decorate(view):
        @wraps(view)
        def cached_view(**view_args):
            if not _anonymous_request():
                return view(**view_args)
            use_reader()  # the page every anonymous visitor sees: a pure read
            g.shared_page = True  # base.html: no session token for htmx (module docstring)
            if not current_app.config["PAGE_CACHE_SIZE"]:
                return view(**view_args)
            live = live_key(**view_args) if live_key else None  # first: it may read the versions too
            current = rollups.cache_versions()
            key = (tuple(current.get(name) for name in versions), request.host, request.script_root,
                   locale_code(), request.full_path, request.headers.get("HX-Request"), request.headers.get("HX-Target"),
                   live)
            cached = _lookup(key)
            response = _serve(cached) if cached is not None else None
            if response is not None:
                response.headers["X-Cache"] = "HIT"
                return response
            response = make_response(view(**view_args))
            if _storable(response):
                stored = _store(key, response)
                if stored.encoding and _takes_brotli():
                    response.set_data(stored.body)  # compressed once: for the cache and for this visitor
                    response.headers["Content-Encoding"] = stored.encoding
                response.headers["X-Cache"] = "MISS"
            return response
        return cached_view
    return decorate


class Stored(NamedTuple):
    """A kept page: its body (UTF-8; its brotli when `encoding` is "br") and the view's own headers."""

    body: bytes
    headers: list
    encoding: str | None


def _takes_brotli() -> bool:
    return request.accept_encodings.quality("br") > 0


def _serve(stored: Stored):
    """The response for a kept page: as kept when the browser takes its encoding, else as text with this
    visitor's own CSRF token in it (a form on it, add to cart, posts with it). None when the kept body
    can't be read (a shared copy this code did not write): the page is rendered again."""
    if stored.encoding and _takes_brotli():
        response = make_response(stored.body, 200, stored.headers)
        response.headers["Content-Encoding"] = stored.encoding
        return response
    try:
        page = (brotli.decompress(stored.body) if stored.encoding else stored.body).decode()
    except (brotli.error, UnicodeDecodeError):
        log.warning("page cache: unreadable kept page ignored")
        return None
    if _TOKEN in page:
        page = page.replace(_TOKEN, generate_csrf())
    return make_response(page, 200, stored.headers)


def _lookup(key: tuple) -> Stored | None:
    """The kept page from this process's copies, else from the shared ones (kept here too)."""
    cache = _cache()
    cached = cache.get(key)
    if cached is None and (shared := _shared()) is not None:
        cached = _shared_get(shared, _shared_name(key))
        if cached is not None:
            cache.put(key, cached)
    return cached


def _store(key: tuple, response) -> Stored:
    token = g.get(current_app.config["WTF_CSRF_FIELD_NAME"])
    page = response.get_data(as_text=True)
    # The view's own headers (Content-Type, htmx's HX-*); the hooks add the rest to every response.
    headers = [(name, value) for name, value in response.headers if name != "Content-Length"]
    if token and token in page:
        stored = Stored(page.replace(token, _TOKEN).encode(), headers, None)
    elif current_app.config["COMPRESS_REGISTER"]:
        stored = Stored(brotli.compress(response.get_data(), quality=current_app.config["COMPRESS_BR_LEVEL"]),
                        headers, "br")
    else:  # a proxy compresses (docs/deploy.md): the app spends nothing on it
        stored = Stored(page.encode(), headers, None)
    _cache().put(key, stored)
    if (shared := _shared()) is not None:
        _shared_put(shared, _shared_name(key), stored)
    return stored


def _cache() -> Lru:
    """This process's pages. A page built from older versions is never asked for again (its key
    holds them) and leaves as the least recently used."""
    cached = current_app.extensions.get(_CACHE)
    if cached is None:
        cached = current_app.extensions[_CACHE] = Lru(current_app.config["PAGE_CACHE_SIZE"])
    return cached


def _shared():
    """The Redis client for shared pages, or None (not configured, or resting after an error)."""
    url = current_app.config["PAGE_CACHE_REDIS_URL"]
    if not url:
        return None
    state = current_app.extensions.setdefault(_SHARED, {"client": None, "resting_until": 0.0})
    if time.monotonic() < state["resting_until"]:
        return None
    if state["client"] is None:
        from redis import Redis

        # A cache must answer fast or not at all (REDIS_SOCKET_TIMEOUT); after a failure it rests.
        state["client"] = Redis.from_url(url, **redis_options(current_app.config))
    return state["client"]


def shared_client():
    """The shared cache's Redis client for other caches of anonymous answers (the sitemaps), or None."""
    return _shared()


def shared_failed(error: Exception) -> None:
    """A shared-cache call failed: rest like the pages do."""
    _rest(error)


def _shared_name(key: tuple) -> str:
    # repr() of strings, ints and None is the same in every process; "v3": the stored format (_shared_put),
    # so workers of the release before, during a rolling restart, neither read nor write these copies
    return "page:v3:" + hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()


_ENCODINGS = (None, "br")


def _shared_get(client, name: str) -> Stored | None:
    from redis.exceptions import RedisError

    try:
        raw = client.get(name)
    except RedisError as error:
        _rest(error)
        return None
    if raw is None:
        return None
    head, separator, body = raw.partition(b"\n")
    try:
        headers, encoding = json.loads(head) if separator else (None, None)
        pairs = [(header, value) for header, value in headers] if headers is not None else None
        if (pairs is not None and encoding in _ENCODINGS
                and all(isinstance(text, str) for pair in pairs for text in pair)):
            return Stored(body, pairs, encoding)
    except (ValueError, TypeError):
        pass
    log.warning("page cache: unreadable shared copy %s ignored", name)  # not written by this code: render
    return None


def _shared_put(client, name: str, stored: Stored) -> None:
    """Stored as [headers, encoding] in JSON, a newline, then the body as it is kept: JSON-encoding a
    50 KB page (its Vietnamese letters as \\u escapes) and decoding it again cost 0.2 and 0.1 ms of each
    miss and hit; the body as it is costs a few µs."""
    from redis.exceptions import RedisError

    try:
        client.set(name, json.dumps([stored.headers, stored.encoding]).encode() + b"\n" + stored.body,
                   ex=current_app.config["PAGE_CACHE_TTL"])
    except RedisError as error:
        _rest(error)


def _rest(error: Exception) -> None:
    log.warning("page cache: Redis unavailable (%s); shared pages off for %.0f s", error, SHARED_RETRY_AFTER)
    current_app.extensions[_SHARED]["resting_until"] = time.monotonic() + SHARED_RETRY_AFTER


def _anonymous_request() -> bool:
    return (request.method == "GET" and _ANONYMOUS_SESSION.issuperset(session.keys())
            and not remembered())


def _storable(response) -> bool:
    """A plain 200 HTML page that left the session as anonymous as it found it."""
    return (response.status_code == 200 and response.mimetype == "text/html" and not response.direct_passthrough
            and "Set-Cookie" not in response.headers and _ANONYMOUS_SESSION.issuperset(session.keys()))


def clear() -> None:
    """Forget this process's pages (tests; the versions make it unnecessary otherwise)."""
    current_app.extensions.pop(_CACHE, None)
