"""Fingerprinted static URLs: /static/css/app.css?v=<hash of its content>.

The hash changes whenever the file does, so the one-year cache lifetime set in
hooks.py never serves a stale file. Hashes are computed once per file per process.
"""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for


@lru_cache(maxsize=512)
def _digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return "0"


def fingerprinted_url(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    return url_for("static", filename=filename, v=_digest(str(path)))
