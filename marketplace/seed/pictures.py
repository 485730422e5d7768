"""Generated product pictures for demo and benchmark data: a coloured square with initials.

Encoding WebP is the slow part (~10 ms a picture), so each distinct (initials, colour)
picture goes through services/core/images.store_image once (validated, re-encoded) and later
uses get byte-for-byte copies under new random keys: every product still owns its files.
The pictures are already thumbnail-sized (400 px), so the thumbnail key is the picture
itself rather than a second identical encoding. Copies are registered like store_image's
own files, so a rolled-back transaction deletes them too.
"""
from __future__ import annotations

import io
import uuid
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from marketplace.extensions import db
from marketplace.services.core.images import StoredImage, store_image
from marketplace.storage import get_storage

SIDE = 400
FOLDER = "products"
_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Bold.ttf",
          "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf")
_PENDING_KEY = "stored_images_pending_commit"  # services/core/images.py deletes these on rollback


@lru_cache(maxsize=1)
def _font() -> ImageFont.ImageFont:
    for path in _FONTS:
        try:
            return ImageFont.truetype(path, SIDE // 3)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=SIDE // 3)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def render_png(initials: str, rgb: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (SIDE, SIDE), rgb)
    draw = ImageDraw.Draw(image)
    # a lighter inner square, so pictures of one colour are still told apart by their letters
    inset = SIDE // 10
    draw.rounded_rectangle((inset, inset, SIDE - inset, SIDE - inset), radius=SIDE // 12,
                           outline=tuple(min(255, c + 60) for c in rgb), width=6)
    ink = (255, 255, 255) if sum(rgb) < 540 else (52, 58, 64)
    draw.text((SIDE / 2, SIDE / 2), initials[:2] or "?", fill=ink, font=_font(), anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


class PicturePool:
    def __init__(self, folder: str = FOLDER):
        self.folder = folder
        self.encoded: dict[tuple, tuple[bytes, int, int]] = {}
        self.storage = get_storage()

    def take(self, initials: str, rgb: tuple[int, int, int]) -> StoredImage:
        """A stored picture (own keys) showing `initials` on `rgb`."""
        cache_key = (initials, tuple(rgb))
        if cache_key not in self.encoded:
            stored = store_image(render_png(initials, rgb), self.folder, max_side=SIDE, thumbnail=False)
            self.encoded[cache_key] = (self.storage.read(stored.key), stored.width, stored.height)
            return stored
        data, width, height = self.encoded[cache_key]
        key = f"{self.folder}/{uuid.uuid4().hex}.webp"
        self.storage.save(key, data, "image/webp")
        db.session.info.setdefault(_PENDING_KEY, []).append(key)
        return StoredImage(key=key, thumb_key=key, width=width, height=height)
