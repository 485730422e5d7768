"""Image uploads: checked by content with Pillow, re-encoded, size-limited, stored under random names.

What the browser says about a file (name, content type) is never trusted: Pillow must
decode it as JPEG, PNG, WebP or GIF, and what we store is our own WebP re-encoding
(which also drops EXIF metadata such as GPS positions and camera serials). SVG and
HTML never decode, so they are refused.

Files are written before the database row that points at them exists, so a file
stored inside a transaction that later rolls back is deleted again (see
`_discard_on_rollback`); otherwise every failed form would leave an orphan behind.
"""
import io
import logging
import uuid
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageOps
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.services.errors import ValidationFailed
from marketplace.storage import get_storage

logger = logging.getLogger("marketplace.images")

# MPO is how Pillow names the multi-picture JPEGs many phone cameras write.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
MAX_SIDE = 1600
THUMB_SIDE = 400
_PENDING_KEY = "stored_images_pending_commit"


@dataclass(frozen=True)
class StoredImage:
    key: str
    thumb_key: str
    width: int
    height: int


def _size_label(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{max(1, limit // 1024)} KB"


def _open_checked(data: bytes, field: str) -> Image.Image:
    limit = current_app.config["MAX_IMAGE_BYTES"]
    if len(data) > limit:
        raise ValidationFailed(f"That image is larger than {_size_label(limit)}. Upload a smaller one.",
                               field=field, code="image_too_large")
    if not data:
        raise ValidationFailed("That file is empty.", field=field, code="image_invalid")
    unreadable = ValidationFailed("That file is not an image we can read. Upload a JPEG, PNG, WebP or GIF.",
                                  field=field, code="image_invalid")
    # Hostile or broken files make Pillow raise many kinds of errors (OSError, SyntaxError,
    # struct.error, ValueError, ...): any failure to decode means "not an image".
    try:
        image = Image.open(io.BytesIO(data))
    except Exception as exc:
        raise unreadable from exc
    if image.format not in ALLOWED_FORMATS:
        raise ValidationFailed("Upload a JPEG, PNG, WebP or GIF image.", field=field, code="image_invalid")
    if image.width * image.height > MAX_PIXELS:
        raise ValidationFailed("That image has too many pixels.", field=field, code="image_too_large")
    try:
        image.load()
        # Phones store "rotate me" in EXIF; apply it before EXIF is thrown away.
        image = ImageOps.exif_transpose(image)
    except Exception as exc:
        raise unreadable from exc
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.info = {}  # nothing of the upload's metadata travels into our file
    return image


def _encode(image: Image.Image, side: int) -> tuple[bytes, tuple[int, int]]:
    copy = image.copy()
    copy.thumbnail((side, side))
    out = io.BytesIO()
    copy.save(out, "WEBP", quality=82, method=4)
    return out.getvalue(), copy.size


def store_image(data: bytes, folder: str, field: str = "image", *, max_side: int = MAX_SIDE,
                thumbnail: bool = True) -> StoredImage:
    """Validate and store an uploaded image (plus a thumbnail unless `thumbnail=False`).

    Raises ValidationFailed (on `field`) before anything is stored. The files are
    deleted again if the surrounding database transaction rolls back.
    """
    image = _open_checked(data, field)
    name = uuid.uuid4().hex
    key = f"{folder}/{name}.webp"
    thumb_key = f"{folder}/{name}-thumb.webp" if thumbnail else key
    full, (width, height) = _encode(image, max_side)
    storage = get_storage()
    written: list[str] = []
    try:
        storage.save(key, full, "image/webp")
        written.append(key)
        if thumbnail:
            storage.save(thumb_key, _encode(image, THUMB_SIDE)[0], "image/webp")
            written.append(thumb_key)
    except Exception:
        delete_image(*written)
        raise
    db.session.info.setdefault(_PENDING_KEY, []).extend(written)
    return StoredImage(key=key, thumb_key=thumb_key, width=width, height=height)


def delete_image(*keys: str | None) -> None:
    """Delete stored files; a missing file is not an error. Call it after the commit."""
    storage = get_storage()
    for key in dict.fromkeys(k for k in keys if k):
        try:
            storage.delete(key)
        except Exception:  # a leftover file is harmless; a failed request is not
            logger.exception("could not delete stored image %s", key)


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _discard_on_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:  # only the outermost transaction decides
        return
    keys = session.info.pop(_PENDING_KEY, None)
    if keys:
        try:
            delete_image(*keys)
        except RuntimeError:  # no app context (e.g. a session torn down at exit)
            logger.warning("could not delete %d images stored by a rolled-back transaction", len(keys))
