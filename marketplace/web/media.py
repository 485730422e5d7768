"""Serves locally stored uploads at /media/<key> (S3 serves its own in production)."""
import mimetypes

from flask import Blueprint, abort, send_from_directory

from marketplace.storage import MEDIA_URL, LocalStorage, get_storage
from marketplace.web.fast_urls import fast_url

bp = Blueprint("media", __name__)


@bp.record_once
def _give_storage_its_urls(state) -> None:
    """Local storage builds its files' URLs with url_for's answer without its cost (listing cards)."""
    state.app.extensions[MEDIA_URL] = lambda key: fast_url("media.serve", key=key)


@bp.get("/media/<path:key>")
def serve(key: str):
    """Anyone: an uploaded image (keys are random, so they can't be guessed)."""
    storage = get_storage()
    if not isinstance(storage, LocalStorage):
        abort(404)
    response = send_from_directory(storage.root, key, max_age=31536000,
                                   mimetype=mimetypes.guess_type(key)[0] or "application/octet-stream")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    # frame-ancestors doesn't fall back to default-src; sandbox: an upload is never an active document
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'; sandbox"
    return response
