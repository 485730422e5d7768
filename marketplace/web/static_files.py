"""Fingerprinted static URLs: /static/css/app.css?v=<hash of its content>.

The hash changes whenever the file does, so the one-year cache lifetime set in
hooks.py never serves a stale file. Hashes are computed once per file per process.
"""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_request_context, request, url_for


@lru_cache(maxsize=512)
def _digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return "0"


_URLS: dict[tuple[str, str, str], str] = {}


def fingerprinted_url(filename: str) -> str:
    # Every page asks for the same dozen files: the answer is fixed per process (the digest is).
    key = (current_app.static_folder, request.script_root if has_request_context() else "", filename)
    url = _URLS.get(key)
    if url is None:
        path = Path(current_app.static_folder) / filename
        url = url_for("static", filename=filename, v=_digest(str(path)))
        if has_request_context():
            _URLS[key] = url
    return url
