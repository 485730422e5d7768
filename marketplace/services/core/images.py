"""Image uploads: checked by content with Pillow, re-encoded, size-limited, stored under random names.

What the browser says about a file (name, content type) is never trusted: Pillow must
decode it as JPEG, PNG, WebP or GIF, and what we store is our own WebP re-encoding
(which also drops EXIF metadata such as GPS positions and camera serials). SVG and
HTML never decode, so they are refused.

What an upload may cost is bounded before anything is decoded: bytes (MAX_IMAGE_BYTES),
pixels (MAX_IMAGE_PIXELS) and frames (MAX_FRAMES) are read from the file's header, and a
JPEG is decoded at the reduced scale the stored picture needs.

Files are written before the database row that points at them exists, so a file
stored inside a transaction that later rolls back is deleted again (see
`_discard_on_rollback`); otherwise every failed form would leave an orphan behind.
"""
import io
import logging
import uuid
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.services.core.errors import ValidationFailed
from marketplace.storage import get_storage

logger = logging.getLogger("marketplace.images")

# MPO is how Pillow names the multi-picture JPEGs many phone cameras write.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
# We keep an animation's first frame only, so other frames cost nothing to decode today; the
# limit keeps that true if it changes, and hundreds of frames are no product photo.
MAX_FRAMES = 100
MAX_SIDE = 1600
THUMB_SIDE = 400
# The link-preview picture (Open Graph og:image, Twitter's large card): the size Facebook, Messenger,
# Zalo and X all show without cropping, as a JPEG since some chat apps still ignore WebP previews.
SHARE_SIZE = (1200, 630)
SHARE_BACKGROUND = (255, 255, 255)
# Modes Pillow resamples well as they are; any other (palette, 1-bit, 16-bit, CMYK) is converted
# to RGB(A) first, since resizing a palette picks the nearest pixel.
_RESAMPLED_MODES = {"RGB", "RGBA", "L", "LA"}
_PENDING_KEY = "stored_images_pending_commit"


@dataclass(frozen=True)
class StoredImage:
    key: str
    thumb_key: str
    width: int
    height: int
    share_key: str | None = None


def _size_label(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{max(1, limit // 1024)} KB"


def _megapixels(limit: int) -> str:
    if limit < 100_000:  # only ever in tests; "0 megapixels" would be no answer
        return _("%(num)d pixels", num=limit)
    amount = round(limit / 1_000_000, 1)
    shown = f"{amount:g}"
    return _("1 megapixel") if amount == 1 else _("%(amount)s megapixels", amount=shown)


def _unreadable(field: str) -> ValidationFailed:
    return ValidationFailed(_("That file is not an image we can read. Upload a JPEG, PNG, WebP or GIF."),
                            field=field, code="image_invalid")


def _open_checked(data: bytes, field: str) -> Image.Image:
    """Open an upload and judge it by its header alone: nothing is decoded yet.

    Image.open only reads the header; what decoding would cost (pixels, frames) is refused
    here. Pillow's own Image.MAX_IMAGE_PIXELS is no guard for us: it only warns at its
    limit (about 89 MP) and raises at twice that.
    """
    limit = current_app.config["MAX_IMAGE_BYTES"]
    if len(data) > limit:
        raise ValidationFailed(_("That image is larger than %(size)s. Upload a smaller one.", size=_size_label(limit)),
                               field=field, code="image_too_large")
    if not data:
        raise ValidationFailed(_("That file is empty."), field=field, code="image_invalid")
    pixel_limit = current_app.config["MAX_IMAGE_PIXELS"]
    # Hostile or broken files make Pillow raise many kinds of errors (OSError, SyntaxError,
    # struct.error, ValueError, ...): any failure to read means "not an image".
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ValidationFailed(_("This picture has more than %(size)s; the limit is %(limit)s.",
                                 size=_megapixels(2 * Image.MAX_IMAGE_PIXELS), limit=_megapixels(pixel_limit)),
                               field=field, code="image_too_many_pixels") from exc
    except Exception as exc:
        raise _unreadable(field) from exc
    if image.format not in ALLOWED_FORMATS:
        raise ValidationFailed(_("Upload a JPEG, PNG, WebP or GIF image."), field=field, code="image_invalid")
    width, height = image.size
    if width * height > pixel_limit:
        raise ValidationFailed(_("This picture is %(width)d x %(height)d pixels; the limit is %(limit)s.",
                                 width=width, height=height, limit=_megapixels(pixel_limit)),
                               field=field, code="image_too_many_pixels")
    try:
        frames = getattr(image, "n_frames", 1)  # from the header, or by skipping frames (GIF): no decoding
    except Exception as exc:
        raise _unreadable(field) from exc
    if frames > MAX_FRAMES:
        raise ValidationFailed(_("This animation has %(num)d frames; the limit is %(limit)d.", num=frames, limit=MAX_FRAMES),
                               field=field, code="image_too_many_frames")
    return image


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    width, height = size
    scale = side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _decoded(image: Image.Image, side: int, field: str) -> Image.Image:
    """Decode the (first frame of the) picture once, straight down to at most `side` pixels a side.

    A JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still covers the size we keep
    (Image.draft: a 24 MP photo shown at 1600 px costs 6 MB of pixels instead of 72 MB);
    every later step (rotation, conversion) works on the small picture.
    """
    try:
        if max(image.size) > side:
            image.draft(None, _fitted(image.size, side))  # only JPEG (and MPO) implement it
        image.load()
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        target = "RGBA" if has_alpha else "RGB"
        if image.mode not in _RESAMPLED_MODES:
            image = image.convert(target)
        image.thumbnail((side, side))
        # Phones store "rotate me" in EXIF; apply it before EXIF is thrown away.
        image = ImageOps.exif_transpose(image)
    except Exception as exc:
        raise _unreadable(field) from exc
    image = image.convert(target)
    image.info = {}  # nothing of the upload's metadata travels into our file
    return image


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "WEBP", quality=82, method=4)
    return out.getvalue()


def share_picture(image: Image.Image) -> bytes:
    """The 1200x630 link-preview JPEG of a picture: the whole picture, as large as it fits, centred
    on white. Product photos are mostly square: a cover crop to 1.9:1 would cut off the top and the
    bottom of the product itself, which is what the preview is for."""
    canvas = Image.new("RGB", SHARE_SIZE, SHARE_BACKGROUND)
    picture = image.convert("RGBA") if image.mode in ("RGBA", "LA", "PA", "P") else image.convert("RGB")
    picture = ImageOps.contain(picture, SHARE_SIZE, Image.Resampling.LANCZOS)
    offset = ((SHARE_SIZE[0] - picture.width) // 2, (SHARE_SIZE[1] - picture.height) // 2)
    canvas.paste(picture, offset, picture if picture.mode == "RGBA" else None)
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def share_key_for(key: str) -> str:
    """Where a picture's link-preview file lives: beside it ("products/ab12.webp" -> "products/ab12-share.jpg")."""
    stem = key.rsplit(".", 1)[0]
    return f"{stem}-share.jpg"


def store_share_picture(key: str) -> str:
    """Make and store the link-preview picture of the stored picture `key` (pictures stored before
    seo01; `flask seo share-pictures`). Returns its key; deleted again if the transaction rolls back."""
    storage = get_storage()
    with Image.open(io.BytesIO(storage.read(key))) as image:
        image.load()
        data = share_picture(image)
    share_key = share_key_for(key)
    storage.save(share_key, data, "image/jpeg")
    db.session.info.setdefault(_PENDING_KEY, []).append(share_key)
    return share_key


def store_image(data: bytes, folder: str, field: str = "image", *, max_side: int = MAX_SIDE,
                thumbnail: bool = True, share: bool = False) -> StoredImage:
    """Validate and store an uploaded image (plus a thumbnail unless `thumbnail=False`, and the
    1200x630 link-preview picture when `share`: product pictures).

    Raises ValidationFailed (on `field`) before anything is stored. The files are
    deleted again if the surrounding database transaction rolls back.
    """
    image = _decoded(_open_checked(data, field), max_side, field)
    name = uuid.uuid4().hex
    key = f"{folder}/{name}.webp"
    thumb_key = f"{folder}/{name}-thumb.webp" if thumbnail else key
    storage = get_storage()
    written: list[str] = []
    try:
        storage.save(key, _encode(image), "image/webp")
        written.append(key)
        if thumbnail:
            small = image.copy()
            small.thumbnail((THUMB_SIDE, THUMB_SIDE))
            storage.save(thumb_key, _encode(small), "image/webp")
            written.append(thumb_key)
        if share:
            share_key = share_key_for(key)
            storage.save(share_key, share_picture(image), "image/jpeg")
            written.append(share_key)
    except Exception:
        delete_image(*written)
        raise
    db.session.info.setdefault(_PENDING_KEY, []).extend(written)
    return StoredImage(key=key, thumb_key=thumb_key, width=image.width, height=image.height,
                       share_key=share_key_for(key) if share else None)


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
