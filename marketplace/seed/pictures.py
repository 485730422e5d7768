"""Generated pictures for demo and benchmark data: flat product illustrations, shop logos and banners.

A product's picture is drawn from its kind (a T-shirt, a phone, a bag of coffee...: `kind_for`
reads it from the title) and its variant's colour, from one of three angles: "front" (the
product on a soft studio backdrop), "detail" (a close crop) and "lifestyle" (on a table
against a wall, or laid flat on linen, with a prop). Drawings are in drawings_wear.py and
drawings_goods.py; they are drawn at twice the stored size and downsampled.

Drawing and encoding are the slow part (~0.05 s a picture), so each distinct (kind, colour, angle)
picture goes through services/core/images.store_image once per process (validated, re-encoded)
and later uses get byte-for-byte copies under new random keys: every product still owns its
files. The pictures are already thumbnail-sized (400 px), so the thumbnail key is the picture itself.
Copies are registered like store_image's own files, so a rolled-back transaction deletes them too.
"""
from __future__ import annotations

import io
import re
import uuid
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from marketplace.extensions import db
from marketplace.seed import drawings_goods as goods
from marketplace.seed import drawings_wear as wear
from marketplace.seed.pen import RGB, Pen, darker, leaf, lighter, lum, mix
from marketplace.services.core.images import StoredImage, store_image
from marketplace.storage import get_storage

SIDE = 400  # thumbnail-sized already (services/core/images.THUMB_SIDE): no second encoding
FOLDER = "products"
ANGLES = ("front", "detail", "lifestyle")
WOOD = (190, 150, 110)  # the lifestyle shots' table top
_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Bold.ttf",
          "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf")
_PENDING_KEY = "stored_images_pending_commit"  # services/core/images.py deletes these on rollback


@dataclass(frozen=True)
class Kind:
    draw: Callable[[Pen, RGB], None]
    focus: tuple[float, float]  # centre of the "detail" crop
    flat: bool  # photographed lying flat (clothes): the lifestyle shot is a flat lay
    palette: tuple[RGB, ...] = ((31, 58, 110), (192, 57, 43), (46, 139, 87))  # for products without a colour option


KINDS: dict[str, Kind] = {
    "tshirt": Kind(wear.tshirt, (0.5, 0.3), True),
    "shirt": Kind(wear.shirt, (0.45, 0.3), True),
    "hoodie": Kind(wear.hoodie, (0.5, 0.35), True),
    "jacket": Kind(wear.jacket, (0.5, 0.3), True),
    "jeans": Kind(wear.jeans, (0.5, 0.25), True),
    "shorts": Kind(wear.shorts, (0.5, 0.3), True),
    "sneaker": Kind(wear.sneaker, (0.5, 0.45), False),
    "slides": Kind(wear.slides, (0.35, 0.4), True),
    "backpack": Kind(wear.backpack, (0.55, 0.55), False),
    "yoga_mat": Kind(wear.yoga_mat, (0.72, 0.5), False),
    "dumbbell": Kind(wear.dumbbell, (0.3, 0.55), False, ((40, 42, 46), (214, 51, 132), (32, 150, 140))),
    "bands": Kind(wear.bands, (0.5, 0.5), True),
    "tent": Kind(wear.tent, (0.5, 0.55), False, ((46, 139, 87), (230, 120, 40), (31, 90, 150))),
    "phone": Kind(goods.phone, (0.55, 0.3), False),
    "case": Kind(goods.case, (0.45, 0.28), False),
    "charger": Kind(goods.charger, (0.4, 0.35), False),
    "earbuds": Kind(goods.earbuds, (0.7, 0.4), False),
    "headphones": Kind(goods.headphones, (0.3, 0.55), False),
    "speaker": Kind(goods.speaker, (0.5, 0.35), False),
    "keyboard": Kind(goods.keyboard, (0.3, 0.45), True),
    "mouse": Kind(goods.mouse, (0.5, 0.35), False),
    "laptop": Kind(goods.laptop, (0.5, 0.62), False, ((196, 200, 206), (92, 96, 104), (44, 54, 76))),
    "pan": Kind(goods.pan, (0.35, 0.45), True, ((40, 42, 46), (176, 60, 48), (70, 100, 140))),
    "pot": Kind(goods.pot, (0.5, 0.4), False, ((190, 194, 200), (196, 80, 60), (60, 110, 100))),
    "kitchen_tools": Kind(goods.kitchen_tools, (0.6, 0.25), True, ((38, 38, 40), (120, 80, 50), (200, 60, 50))),
    "bottle": Kind(goods.bottle, (0.5, 0.22), False),
    "mug": Kind(goods.mug, (0.45, 0.4), False),
    "lamp": Kind(goods.lamp, (0.5, 0.5), False),
    "desk_lamp": Kind(goods.desk_lamp, (0.6, 0.35), False),
    "plant": Kind(goods.plant, (0.5, 0.4), False, ((196, 110, 80), (236, 234, 228), (150, 170, 140))),
    "coffee_bag": Kind(goods.coffee_bag, (0.5, 0.5), False, ((184, 146, 104), (40, 38, 38), (60, 100, 80))),
    "phin": Kind(goods.phin, (0.5, 0.45), False, ((186, 190, 196), (150, 110, 70), (60, 60, 64))),
    "coffee_box": Kind(goods.coffee_box, (0.5, 0.5), False, ((120, 64, 40), (196, 150, 90), (60, 40, 30))),
    "tea_tin": Kind(goods.tea_tin, (0.45, 0.55), False, ((70, 120, 80), (190, 60, 50), (40, 70, 110))),
    "tea_box": Kind(goods.tea_box, (0.4, 0.55), False, ((220, 170, 70), (150, 90, 140), (90, 150, 110))),
    "tube": Kind(goods.tube, (0.5, 0.35), False, ((250, 200, 80), (240, 240, 236), (110, 180, 200))),
    "pump": Kind(goods.pump, (0.5, 0.6), False, ((140, 190, 150), (240, 236, 228), (230, 170, 170))),
    "lipstick": Kind(goods.lipstick, (0.4, 0.4), False),
}
# Checked in order against a lower-cased title: the first match names the kind.
_KEYWORDS = [
    (r"t-shirt|áo thun|\btee\b", "tshirt"), (r"hoodie", "hoodie"), (r"sơ mi|shirt", "shirt"),
    (r"khoác|jacket", "jacket"), (r"jeans", "jeans"), (r"short", "shorts"), (r"sneaker|shoes|giày", "sneaker"),
    (r"dép|sandal|slides", "slides"), (r"balo|backpack", "backpack"), (r"ốp lưng|kính cường lực|\bcase\b", "case"),
    (r"cáp|charger|cable", "charger"), (r"earbuds", "earbuds"), (r"tai nghe|headphone", "headphones"),
    (r"\bloa\b|speaker", "speaker"), (r"bàn phím|keyboard", "keyboard"), (r"chuột|mouse", "mouse"),
    (r"laptop|ultrabook", "laptop"), (r"điện thoại|phone", "phone"), (r"chảo", "pan"), (r"nồi", "pot"),
    (r"knife|thớt|dao", "kitchen_tools"), (r"ly sứ|mug|cốc", "mug"), (r"bình|tumbler|bottle", "bottle"),
    (r"desk lamp", "desk_lamp"), (r"đèn|lamp", "lamp"), (r"\bcây\b|monstera|chậu", "plant"),
    (r"rửa mặt|cleanser", "pump"), (r"chống nắng|sunscreen", "tube"), (r"\bson\b|lipstick", "lipstick"),
    (r"phin giấy|drip|hòa tan", "coffee_box"), (r"phin", "phin"),
    (r"cà phê|robusta|espresso|arabica|culi|coffee", "coffee_bag"),
    (r"trà xanh|matcha|trà sen|green tea", "tea_tin"), (r"trà|\btea\b", "tea_box"),
    (r"thảm|yoga", "yoga_mat"), (r"tạ tay|dumbbell", "dumbbell"), (r"resistance|dây", "bands"),
    (r"lều|tent|võng", "tent"),
]
_KEYWORD_RES = [(re.compile(pattern), kind) for pattern, kind in _KEYWORDS]


def kind_for(title: str, default: str = "coffee_box") -> str:
    """The picture kind of a product title ("Áo hoodie nỉ basic" -> "hoodie")."""
    lowered = title.lower()
    return next((kind for pattern, kind in _KEYWORD_RES if pattern.search(lowered)), default)


def default_colour(kind: str, title: str) -> RGB:
    """The colour of a product without a colour option: one of its kind's usual ones, the same for a title."""
    palette = KINDS[kind].palette
    return palette[zlib.crc32(title.encode()) % len(palette)]


# --- composing a picture --------------------------------------------------------------

def backdrop_colour(c: RGB) -> RGB:
    """A soft backdrop the product stands out on: its own tint for mid colours, grey-blue behind white."""
    if lum(c) > 205:
        return (214, 221, 230)
    if lum(c) < 55:
        return (238, 234, 227)
    return mix(c, (247, 245, 241), 0.86)


def _vertical(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    return _gradient(size, top, bottom).copy()


@lru_cache(maxsize=32)
def _gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    grad = Image.linear_gradient("L").resize(size, Image.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), grad)


def _soft_shadow(alpha: Image.Image, offset: tuple[float, float], blur: float, strength: float) -> Image.Image:
    """The layer's silhouette, moved, blurred and faded (blurred at half size: cheap)."""
    size = alpha.size[0]
    small = alpha.resize((size // 2, size // 2), Image.BILINEAR).filter(ImageFilter.GaussianBlur(blur * size / 2))
    moved = Image.new("L", small.size, 0)
    moved.paste(small, (round(offset[0] * size / 2), round(offset[1] * size / 2)))
    return moved.resize(alpha.size, Image.BILINEAR).point(lambda v: round(v * strength))


def _contact(size: int, bbox: tuple[int, int, int, int], strength: float = 0.45) -> Image.Image:
    """A soft ellipse under an object standing on a surface."""
    small = Image.new("L", (size // 2, size // 2), 0)
    x0, _, x1, y1 = (v / 2 for v in bbox)
    w = x1 - x0
    ImageDraw.Draw(small).ellipse((x0 + w * 0.05, y1 - w * 0.05, x1 - w * 0.05, y1 + w * 0.05), fill=255)
    small = small.filter(ImageFilter.GaussianBlur(size / 2 * 0.02))
    return small.resize((size, size), Image.BILINEAR).point(lambda v: round(v * strength))


def _place(canvas: Image.Image, layer: Image.Image, shadow_colour: RGB, standing: bool) -> None:
    alpha = layer.getchannel("A")
    canvas.paste(shadow_colour, (0, 0), _soft_shadow(alpha, (0.012, 0.022), 0.018, 0.32))
    bbox = alpha.getbbox()
    if standing and bbox:
        canvas.paste(darker(shadow_colour, 0.2), (0, 0), _contact(canvas.size[0], bbox))
    canvas.paste(layer, (0, 0), alpha)


@lru_cache(maxsize=64)
def _drawn(kind: str, c: RGB, size: int) -> Image.Image:
    pen = Pen(size)
    KINDS[kind].draw(pen, c)
    return pen.layer


def _product(kind: str, c: RGB, side: int, box=(0.0, 0.0, 1.0, 1.0), scale: float = 1.0,
             angle: float = 0.0) -> Image.Image:
    """The product drawn at twice `side`, cut to `box` (fractions), rotated, brought down to `side` x `scale`.

    Only the drawing is done at 2x: everything composed around it (backdrop, shadows, scene) is
    smooth already, so it is composed at the final size, four times fewer pixels.
    """
    layer = _drawn(kind, c, side * 2)
    if box != (0.0, 0.0, 1.0, 1.0):
        layer = layer.crop(tuple(round(v * side * 2) for v in box))
    if angle:
        layer = layer.rotate(angle, resample=Image.BICUBIC)
    target = max(1, round(side * scale))
    return layer.resize((target, target), Image.LANCZOS, reducing_gap=2.0)


def _front(kind: str, c: RGB, side: int, box=(0.0, 0.0, 1.0, 1.0)) -> Image.Image:
    bg = backdrop_colour(c)
    canvas = _vertical((side, side), lighter(bg, 0.35), bg)
    _place(canvas, _product(kind, c, side, box), darker(bg, 0.35), standing=not KINDS[kind].flat)
    return canvas


def _put(canvas_layer: Image.Image, layer: Image.Image, centre_x: float, bottom_y: float | None = None,
         centre_y: float | None = None) -> None:
    """Paste `layer` on the transparent `canvas_layer`, its drawing's bottom (or centre) at the given point."""
    size, bbox = canvas_layer.size[0], layer.getchannel("A").getbbox()
    if not bbox:
        return
    x = round(centre_x * size - (bbox[0] + bbox[2]) / 2)
    y = round(bottom_y * size - bbox[3]) if bottom_y is not None else round(centre_y * size - (bbox[1] + bbox[3]) / 2)
    canvas_layer.alpha_composite(layer, (max(-bbox[0], x), max(-bbox[1], y)))


@lru_cache(maxsize=4)
def _linen(side: int) -> Image.Image:
    """A flat lay's surface: linen, a sprig of leaves in a corner and a paper tag in another."""
    canvas = _vertical((side, side), (240, 234, 222), (228, 220, 205))
    weave = ImageDraw.Draw(canvas)
    for n in range(0, side, max(3, side // 130)):
        weave.line((0, n, side, n), fill=(233, 226, 212), width=1)
    props = Pen(side * 2)
    for n, tip in enumerate(((0.98, 0.02), (0.86, 0.0), (0.99, 0.16), (0.78, 0.06))):
        props.poly(leaf((0.90, 0.10), tip, 0.32), mix((74, 128, 80), (50, 96, 64), n / 3))
    props.rect((0.04, 0.84, 0.16, 0.97), (250, 248, 242), radius=0.01)
    props.oval((0.085, 0.855, 0.115, 0.885), (220, 212, 196), shade=0)
    _place(canvas, props.layer.resize((side, side), Image.LANCZOS), (180, 168, 150), standing=False)
    return canvas


@lru_cache(maxsize=4)
def _room(side: int, prop: str) -> Image.Image:
    """A wall with window light, a wooden table top, and a small prop standing on the left."""
    wall = (240, 237, 232)
    canvas = _vertical((side, side), lighter(wall, 0.4), wall)
    light = Image.new("L", (side, side), 0)
    ImageDraw.Draw(light).polygon([(side * 0.55, 0), (side * 0.85, 0), (side * 0.55, side * 0.7),
                                   (side * 0.25, side * 0.7)], fill=46)
    canvas.paste((255, 255, 255), (0, 0), light.filter(ImageFilter.GaussianBlur(side * 0.02)))
    table_top = round(side * 0.74)
    canvas.paste(_vertical((side, side - table_top), lighter(WOOD, 0.1), darker(WOOD, 0.08)), (0, table_top))
    grain = ImageDraw.Draw(canvas)
    for n in range(9):
        y = table_top + round((n + 0.5) * (side - table_top) / 9)
        grain.line((0, y, side, y + side // 60 * (n % 3 - 1)), fill=darker(WOOD, 0.1), width=1)
    grain.rectangle((0, table_top, side, table_top + max(2, side // 200)), fill=lighter(WOOD, 0.25))
    objects = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    _put(objects, _product(prop, (236, 234, 228), side, scale=0.34), 0.12, bottom_y=0.83)
    _place(canvas, objects, darker(WOOD, 0.35), standing=True)
    return canvas



def _lifestyle(kind: str, c: RGB, side: int) -> Image.Image:
    objects = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    if KINDS[kind].flat:
        canvas = _linen(side).copy()
        _put(objects, _product(kind, c, side, angle=-8), 0.5, centre_y=0.5)
        _place(canvas, objects, (180, 168, 150), standing=False)
        return canvas
    canvas = _room(side, "mug" if kind == "plant" else "plant").copy()
    _put(objects, _product(kind, c, side, scale=0.84), 0.58, bottom_y=0.90)
    _place(canvas, objects, darker(WOOD, 0.35), standing=True)
    return canvas


def render(kind: str, c: RGB, angle: str = "front", side: int = SIDE) -> Image.Image:
    """The picture (RGB, `side` pixels square) of a `kind` product in colour `c` from `angle`."""
    if angle == "lifestyle":
        return _lifestyle(kind, c, side)
    if angle == "detail":
        zoom, (fx, fy) = 1.9, KINDS[kind].focus
        half = 0.5 / zoom
        x0, y0 = min(max(fx - half, 0), 1 - 2 * half), min(max(fy - half, 0), 1 - 2 * half)
        return _front(kind, c, side, (x0, y0, x0 + 2 * half, y0 + 2 * half))
    return _front(kind, c, side)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def render_png(kind: str, c: RGB, angle: str = "front", side: int = SIDE) -> bytes:
    return _png(render(kind, c, angle, side))


# --- shop logos and banners -----------------------------------------------------------

@lru_cache(maxsize=4)
def _font(px: int) -> ImageFont.ImageFont:
    for path in _FONTS:
        try:
            return ImageFont.truetype(path, px)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=px)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def monogram(name: str) -> str:
    words = [w for w in re.split(r"[\s&]+", name) if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def render_logo(name: str, c: RGB, emblem: str, side: int = 320) -> Image.Image:
    """A round badge: the shop's colour, a thin ring, a white silhouette of what it sells and its initials."""
    size = side * 2
    image = _vertical((size, size), lighter(c, 0.18), darker(c, 0.18))
    draw = ImageDraw.Draw(image)
    ink = (255, 255, 255) if lum(c) < 170 else (40, 44, 52)
    inset = size * 0.09
    draw.ellipse((inset, inset, size - inset, size - inset), outline=ink, width=max(2, size // 70))
    drawing = _drawn(emblem, c, size).getchannel("A")
    x0, y0, x1, y1 = drawing.getbbox() or (0, 0, size, size)
    scale = size * 0.26 / max(x1 - x0, y1 - y0)  # the emblem fits a box a quarter of the badge wide
    silhouette = drawing.crop((x0, y0, x1, y1)).resize((max(1, round((x1 - x0) * scale)),
                                                       max(1, round((y1 - y0) * scale))), Image.LANCZOS)
    image.paste(ink, (round(size / 2 - silhouette.size[0] / 2), round(size * 0.42 - silhouette.size[1])), silhouette)
    draw.text((size / 2, size * 0.62), monogram(name), fill=ink, font=_font(round(size * 0.24)), anchor="mm")
    for dx in (-0.12, 0.0, 0.12):
        r = size * 0.012
        draw.ellipse((size * (0.5 + dx) - r, size * 0.80 - r, size * (0.5 + dx) + r, size * 0.80 + r), fill=ink)
    return image.resize((side, side), Image.LANCZOS)


def render_banner(c: RGB, kinds: list[tuple[str, RGB]], width: int = 1600, height: int = 400) -> Image.Image:
    """A wide header picture: the shop's colour, soft circles, and a few of its products on the right."""
    grad = Image.linear_gradient("L").rotate(90).resize((width, height))
    image = Image.composite(Image.new("RGB", (width, height), mix(c, (250, 248, 244), 0.55)),
                            Image.new("RGB", (width, height), mix(c, (250, 248, 244), 0.15)), grad)
    rings = Image.new("L", (width, height), 0)
    ring = ImageDraw.Draw(rings)
    for x, y, r in ((0.08, 0.9, 0.5), (0.35, -0.2, 0.35), (0.62, 1.1, 0.6)):
        ring.ellipse((width * x - height * r, height * y - height * r, width * x + height * r, height * y + height * r),
                     fill=38)
    image.paste((255, 255, 255), (0, 0), rings)
    for n, (kind, colour) in enumerate(kinds[:3]):
        layer = _product(kind, colour, round(height * 0.9))
        alpha = layer.getchannel("A")
        x, y = round(width - height * (0.95 + 0.78 * (min(3, len(kinds)) - 1 - n))), round(height * 0.07)
        image.paste(darker(c, 0.3), (x, y), _soft_shadow(alpha, (0.012, 0.022), 0.018, 0.3))
        image.paste(layer, (x, y), alpha)
    return image


# --- storing ---------------------------------------------------------------------------

# (kind, colour, angle, side) -> (WebP bytes as store_image wrote them, width, height), for the process:
# a second seed (the tests seed several times) copies them instead of drawing and encoding again.
_ENCODED: dict[tuple, tuple[bytes, int, int]] = {}


class PicturePool:
    """Stores each distinct picture once and copies its bytes for every later product that shows it."""

    def __init__(self, folder: str = FOLDER, side: int = SIDE):
        self.folder, self.side = folder, side
        self.shared: dict[tuple, StoredImage] = {}
        self.storage = get_storage()

    def take(self, kind: str, c: RGB, angle: str = "front", copy: bool = True) -> StoredImage:
        """A stored picture of a `kind` product in colour `c` (its own file unless `copy` is False:
        then every caller asking for that picture shares one file)."""
        look = (kind, tuple(c), angle, self.side)
        if not copy and look in self.shared:
            return self.shared[look]
        if look not in _ENCODED:
            stored = store_image(render_png(kind, tuple(c), angle, self.side), self.folder, max_side=self.side,
                                 thumbnail=False)
            _ENCODED[look] = (self.storage.read(stored.key), stored.width, stored.height)
        else:
            data, width, height = _ENCODED[look]
            key = f"{self.folder}/{uuid.uuid4().hex}.webp"
            self.storage.save(key, data, "image/webp")
            db.session.info.setdefault(_PENDING_KEY, []).append(key)
            stored = StoredImage(key=key, thumb_key=key, width=width, height=height)
        if not copy:
            self.shared[look] = stored
        return stored


def store_png(image: Image.Image, folder: str, max_side: int) -> str:
    """Store a generated logo or banner through the upload path; returns its key."""
    return store_image(_png(image), folder, max_side=max_side, thumbnail=False).key
