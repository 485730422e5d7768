"""A small vector pen over Pillow for the demo pictures: shaded flat shapes on a transparent layer.

Coordinates are fractions of the square (0..1), so a drawing is the same at any size; the
pictures are drawn at twice their stored size and downsampled, which smooths Pillow's
un-antialiased edges. Every filled shape gets a soft diagonal shade (lighter top left,
darker bottom right) over its own bounding box, which is most of what makes a flat
illustration read as an object rather than clip-art.
"""
from __future__ import annotations

import math
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (18, 20, 24)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def lum(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def darker(c: RGB, t: float = 0.25) -> RGB:
    return mix(c, BLACK, t)


def lighter(c: RGB, t: float = 0.25) -> RGB:
    return mix(c, WHITE, t)


def detail(c: RGB, t: float = 0.28) -> RGB:
    """A seam or print colour that shows on `c`: darker on light colours, lighter on dark ones."""
    return darker(c, t) if lum(c) > 90 else lighter(c, t + 0.05)


def bez(p0, p1, p2, n: int = 14) -> list[tuple[float, float]]:
    """A quadratic Bézier curve as points (both ends included)."""
    return [((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t * t * p2[0],
             (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t * t * p2[1])
            for t in (i / n for i in range(n + 1))]


def leaf(base, tip, width: float, n: int = 10) -> list[tuple[float, float]]:
    """A pointed leaf (or petal, or blade) from `base` to `tip`, `width` as a fraction of its length."""
    (bx, by), (tx, ty) = base, tip
    dx, dy = tx - bx, ty - by
    nx, ny = -dy * width, dx * width
    mid = (bx + dx * 0.45, by + dy * 0.45)
    side_a = bez(base, (mid[0] + nx, mid[1] + ny), tip, n)
    side_b = bez(tip, (mid[0] - nx, mid[1] - ny), base, n)
    return side_a + side_b[1:]


@lru_cache(maxsize=1)
def _diagonal() -> Image.Image:
    """0 at the top left, 255 at the bottom right (the shade's weight)."""
    vertical = Image.linear_gradient("L")
    return ImageChops.add(vertical, vertical.rotate(90), scale=2)


@lru_cache(maxsize=1024)
def _shade_weights(w: int, h: int) -> Image.Image:
    """The diagonal at (w, h), w and h rounded up to 8 pixels: a drawing's parts have the same sizes
    in every colour, so each size is resized once."""
    return _diagonal().resize((w, h), Image.BILINEAR)


def shade_weights(w: int, h: int) -> Image.Image:
    weights = _shade_weights(-(-w // 8) * 8, -(-h // 8) * 8)
    return weights if weights.size == (w, h) else weights.crop((0, 0, w, h))


class Pen:
    """Draws on a transparent RGBA layer `size` pixels square."""

    def __init__(self, size: int):
        self.size = size
        self.layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        self.ink = ImageDraw.Draw(self.layer)

    def _pts(self, pts) -> list[tuple[float, float]]:
        return [(x * self.size, y * self.size) for x, y in pts]

    def _box(self, box) -> list[float]:
        return [v * self.size for v in box]

    def _mask(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        mask = Image.new("L", (self.size, self.size), 0)
        return mask, ImageDraw.Draw(mask)

    def fill(self, mask: Image.Image, c: RGB, shade: float = 0.16, alpha: float = 1.0) -> None:
        box = mask.getbbox()
        if not box:
            return
        w, h = box[2] - box[0], box[3] - box[1]
        if shade:
            light = lighter(c, shade if lum(c) > 60 else shade + 0.12)
            tile = Image.composite(Image.new("RGB", (w, h), darker(c, shade * 1.3)), Image.new("RGB", (w, h), light),
                                   shade_weights(w, h))
        else:
            tile = Image.new("RGB", (w, h), c)
        cut = mask.crop(box)
        if alpha < 1:
            cut = cut.point(lambda v: round(v * alpha))
        self.layer.paste(tile, box[:2], cut)

    def poly(self, pts, c: RGB, shade: float = 0.16, alpha: float = 1.0) -> None:
        mask, draw = self._mask()
        draw.polygon(self._pts(pts), fill=255)
        self.fill(mask, c, shade, alpha)

    def rect(self, box, c: RGB, radius: float = 0.0, shade: float = 0.16, alpha: float = 1.0) -> None:
        mask, draw = self._mask()
        draw.rounded_rectangle(self._box(box), radius=radius * self.size, fill=255)
        self.fill(mask, c, shade, alpha)

    def oval(self, box, c: RGB, shade: float = 0.16, alpha: float = 1.0) -> None:
        mask, draw = self._mask()
        draw.ellipse(self._box(box), fill=255)
        self.fill(mask, c, shade, alpha)

    def chord(self, box, start: float, end: float, c: RGB, shade: float = 0.16) -> None:
        mask, draw = self._mask()
        draw.chord(self._box(box), start, end, fill=255)
        self.fill(mask, c, shade)

    def line(self, pts, c: RGB, width: float = 0.008, alpha: float = 1.0) -> None:
        px = max(1, round(width * self.size))
        if alpha >= 1:
            self.ink.line(self._pts(pts), fill=c + (255,), width=px, joint="curve")
            return
        mask, draw = self._mask()
        draw.line(self._pts(pts), fill=255, width=px, joint="curve")
        self.fill(mask, c, 0, alpha)

    def dashed(self, p0, p1, c: RGB, width: float = 0.004, dash: float = 0.018) -> None:
        length = math.dist(p0, p1)
        steps = max(1, int(length / dash))
        for i in range(0, steps, 2):
            a, b = i / steps, min(1.0, (i + 1) / steps)
            self.line([(p0[0] + (p1[0] - p0[0]) * a, p0[1] + (p1[1] - p0[1]) * a),
                       (p0[0] + (p1[0] - p0[0]) * b, p0[1] + (p1[1] - p0[1]) * b)], c, width)

    def arc(self, box, start: float, end: float, c: RGB, width: float = 0.01) -> None:
        self.ink.arc(self._box(box), start, end, fill=c + (255,), width=max(1, round(width * self.size)))

    def gloss(self, box, strength: float = 0.35, blur: float = 0.012) -> None:
        """A soft white highlight (a reflection on glossy plastic, glass or metal), only where there is paint."""
        pad = blur * 3
        x0, y0 = max(0.0, box[0] - pad), max(0.0, box[1] - pad)
        x1, y1 = min(1.0, box[2] + pad), min(1.0, box[3] + pad)
        area = tuple(round(v * self.size) for v in (x0, y0, x1, y1))
        w, h = area[2] - area[0], area[3] - area[1]
        if w < 4 or h < 4:
            return
        small = Image.new("L", (max(2, w // 4), max(2, h // 4)), 0)
        sx, sy = small.size[0] / (x1 - x0), small.size[1] / (y1 - y0)
        ImageDraw.Draw(small).ellipse(((box[0] - x0) * sx, (box[1] - y0) * sy, (box[2] - x0) * sx, (box[3] - y0) * sy),
                                      fill=round(255 * strength))
        mask = small.filter(ImageFilter.GaussianBlur(blur * self.size / 4)).resize((w, h), Image.BILINEAR)
        crop = self.layer.crop(area)
        alpha = crop.getchannel("A")
        lit = Image.composite(Image.new("RGBA", (w, h), WHITE + (255,)), crop, ImageChops.multiply(mask, alpha))
        lit.putalpha(alpha)
        self.layer.paste(lit, area[:2])
