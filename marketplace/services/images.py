"""Image uploads: checked by content with Pillow, re-encoded, size-limited, stored under random names.

What the browser says about a file (name, content type) is never trusted: Pillow must
decode it as JPEG, PNG, WebP or GIF, and what we store is our own re-encoding (which
also drops EXIF metadata such as GPS positions). SVG and HTML never decode, so they
are refused.
"""
import io
import uuid
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.services.errors import ValidationFailed
from marketplace.storage import get_storage

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
MAX_SIDE = 1600
THUMB_SIDE = 400


@dataclass(frozen=True)
class StoredImage:
    key: str
    thumb_key: str
    width: int
    height: int


def _open_checked(data: bytes, field: str) -> Image.Image:
    limit = current_app.config["MAX_IMAGE_BYTES"]
    if len(data) > limit:
        raise ValidationFailed(f"That image is larger than {limit // (1024 * 1024)} MB.", field=field, code="image_too_large")
    if not data:
        raise ValidationFailed("That file is empty.", field=field, code="image_invalid")
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ALLOWED_FORMATS:
            raise ValidationFailed("Upload a JPEG, PNG, WebP or GIF image.", field=field, code="image_invalid")
        if image.width * image.height > MAX_PIXELS:
            raise ValidationFailed("That image has too many pixels.", field=field, code="image_too_large")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationFailed("That file is not an image we can read. Upload a JPEG, PNG, WebP or GIF.",
                               field=field, code="image_invalid") from exc
    return ImageOps.exif_transpose(image).convert("RGB")


def _encode(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side))
    out = io.BytesIO()
    copy.save(out, "WEBP", quality=82, method=4)
    return out.getvalue()


def store_image(data: bytes, folder: str, field: str = "image") -> StoredImage:
    """Validate and store an uploaded image plus a thumbnail; returns their storage keys."""
    image = _open_checked(data, field)
    name = uuid.uuid4().hex
    key, thumb_key = f"{folder}/{name}.webp", f"{folder}/{name}-thumb.webp"
    storage = get_storage()
    full = _encode(image, MAX_SIDE)
    storage.save(key, full, "image/webp")
    storage.save(thumb_key, _encode(image, THUMB_SIDE), "image/webp")
    width, height = Image.open(io.BytesIO(full)).size
    return StoredImage(key=key, thumb_key=thumb_key, width=width, height=height)


def delete_image(*keys: str | None) -> None:
    storage = get_storage()
    for key in keys:
        if key:
            storage.delete(key)
