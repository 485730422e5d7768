"""Recent searches: the shopper's last words searched for, newest first, kept in a cookie (no account
needed, nothing stored on the server). The cookie is base64url JSON, so Vietnamese words survive
any cookie parser; whatever it holds is re-checked on the way in, as anything a browser sends.
"""
from __future__ import annotations

import base64
import binascii
import json

from marketplace.services.catalog.search import normalize_query
from marketplace.services.core.text import fold_accents

KEEP = 8
MAX_CHARS = 80  # per search: eight long Vietnamese ones stay well under a cookie's 4 KB
_MAX_COOKIE = 4000


def parse(raw: str | None) -> list[str]:
    """The searches a cookie value holds (at most KEEP, cleaned); [] for anything malformed."""
    if not raw or len(raw) > _MAX_COOKIE:
        return []
    try:
        values = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)))
    except (ValueError, UnicodeError, binascii.Error):
        return []
    if not isinstance(values, list):
        return []
    return _distinct(normalize_query(v)[:MAX_CHARS] for v in values if isinstance(v, str))


def remember(searches: list[str], q: str) -> list[str]:
    """`q` first, then the others but any equal to it (same words, whatever the accents and case)."""
    return _distinct([normalize_query(q)[:MAX_CHARS], *searches])


def encode(searches: list[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(searches, ensure_ascii=False).encode()).decode().rstrip("=")


def _distinct(searches) -> list[str]:
    kept, seen = [], set()
    for search in searches:
        key = fold_accents(search)
        if search and key not in seen:
            seen.add(key)
            kept.append(search)
    return kept[:KEEP]
