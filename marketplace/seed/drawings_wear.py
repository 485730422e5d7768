"""Demo picture drawings of things worn or carried: clothes, shoes, bags, sports and camping gear.

Each function draws one product in colour `c` on a Pen (coordinates are fractions of the
square); pictures.py adds the background, the shadow and the camera angle.
"""
from __future__ import annotations

from marketplace.seed.pen import RGB, Pen, bez, darker, detail, lighter, lum, mix

STITCH = 0.0035


def tshirt(p: Pen, c: RGB) -> None:
    neck = bez((0.62, 0.19), (0.5, 0.29), (0.38, 0.19))
    body = [(0.38, 0.19), (0.27, 0.225), (0.12, 0.36), (0.205, 0.475), (0.30, 0.415), (0.30, 0.85),
            (0.70, 0.85), (0.70, 0.415), (0.795, 0.475), (0.88, 0.36), (0.73, 0.225)] + neck
    p.poly(bez((0.38, 0.19), (0.5, 0.15), (0.62, 0.19)) + neck[1:-1], darker(c, 0.35), shade=0)  # inside of the back
    p.poly(body, c)
    p.line(neck, detail(c, 0.18), 0.014)
    for a, b in (((0.14, 0.385), (0.215, 0.455)), ((0.86, 0.385), (0.785, 0.455))):
        p.dashed(a, b, detail(c), STITCH)
    p.dashed((0.31, 0.825), (0.69, 0.825), detail(c), STITCH)
    p.line([(0.31, 0.43), (0.34, 0.62)], darker(c, 0.12), 0.01, alpha=0.5)  # soft folds
    p.line([(0.69, 0.43), (0.655, 0.66)], darker(c, 0.12), 0.01, alpha=0.5)


def shirt(p: Pen, c: RGB) -> None:
    for side in (1, -1):
        x = lambda v: 0.5 + side * (v - 0.5)  # noqa: E731 - mirror the left half
        p.poly([(x(0.31), 0.22), (x(0.22), 0.29), (x(0.14), 0.70), (x(0.235), 0.725), (x(0.31), 0.43)], c)
        p.poly([(x(0.145), 0.655), (x(0.238), 0.68), (x(0.235), 0.725), (x(0.14), 0.70)], darker(c, 0.08))
    p.poly([(0.31, 0.22), (0.41, 0.175), (0.59, 0.175), (0.69, 0.22), (0.69, 0.87), (0.31, 0.87)], c)
    p.poly([(0.41, 0.175), (0.5, 0.215), (0.59, 0.175), (0.56, 0.16), (0.44, 0.16)], darker(c, 0.3), shade=0)
    for side in (1, -1):
        x = lambda v: 0.5 + side * (v - 0.5)  # noqa: E731
        p.poly([(x(0.40), 0.165), (x(0.5), 0.235), (x(0.455), 0.30), (x(0.37), 0.215)], lighter(c, 0.06))
    p.line([(0.5, 0.235), (0.5, 0.87)], detail(c, 0.15), 0.006)
    for n in range(6):
        y = 0.30 + n * 0.095
        p.oval((0.49, y - 0.01, 0.51, y + 0.01), mix(c, (240, 240, 235), 0.55))
    p.rect((0.355, 0.36, 0.45, 0.46), c, radius=0.01)
    p.line([(0.355, 0.375), (0.45, 0.375)], detail(c, 0.18), 0.005)
    p.dashed((0.32, 0.85), (0.68, 0.85), detail(c), STITCH)


def hoodie(p: Pen, c: RGB) -> None:
    p.oval((0.35, 0.09, 0.65, 0.33), darker(c, 0.08))  # the hood behind
    for side in (1, -1):
        x = lambda v: 0.5 + side * (v - 0.5)  # noqa: E731
        p.poly([(x(0.30), 0.23), (x(0.21), 0.31), (x(0.12), 0.71), (x(0.225), 0.74), (x(0.30), 0.45)], c)
        p.rect((min(x(0.12), x(0.23)), 0.69, max(x(0.12), x(0.23)), 0.75), darker(c, 0.12), radius=0.012)
    p.poly([(0.30, 0.23), (0.40, 0.19), (0.60, 0.19), (0.70, 0.23), (0.71, 0.82), (0.29, 0.82)], c)
    p.rect((0.29, 0.80, 0.71, 0.87), darker(c, 0.12), radius=0.01)
    p.oval((0.40, 0.14, 0.60, 0.30), darker(c, 0.42), shade=0)  # the hood's opening
    p.poly(bez((0.36, 0.2), (0.5, 0.36), (0.64, 0.2)) + [(0.6, 0.25), (0.4, 0.25)], c)
    for x in (0.46, 0.54):
        p.line([(x, 0.27), (x - 0.005, 0.43)], lighter(c, 0.55), 0.008)
        p.rect((x - 0.012, 0.43, x + 0.004, 0.455), (200, 200, 196), radius=0.004)
    p.poly([(0.38, 0.60), (0.62, 0.60), (0.66, 0.77), (0.34, 0.77)], darker(c, 0.05))
    p.line([(0.38, 0.60), (0.34, 0.77)], detail(c, 0.2), 0.005)
    p.line([(0.62, 0.60), (0.66, 0.77)], detail(c, 0.2), 0.005)


def jacket(p: Pen, c: RGB) -> None:
    for side in (1, -1):
        x = lambda v: 0.5 + side * (v - 0.5)  # noqa: E731
        p.poly([(x(0.30), 0.22), (x(0.21), 0.30), (x(0.12), 0.71), (x(0.225), 0.74), (x(0.30), 0.45)], c)
        p.rect((min(x(0.12), x(0.23)), 0.70, max(x(0.12), x(0.23)), 0.75), darker(c, 0.14), radius=0.012)
    p.poly([(0.30, 0.22), (0.41, 0.17), (0.59, 0.17), (0.70, 0.22), (0.70, 0.84), (0.30, 0.84)], c)
    p.rect((0.30, 0.81, 0.70, 0.865), darker(c, 0.14), radius=0.01)
    p.poly([(0.40, 0.165), (0.5, 0.20), (0.60, 0.165), (0.60, 0.13), (0.40, 0.13)], darker(c, 0.14))
    p.line([(0.5, 0.20), (0.5, 0.865)], (150, 150, 150), 0.01)
    p.rect((0.49, 0.22, 0.51, 0.27), (190, 190, 190), radius=0.004)
    for side in (1, -1):
        x = lambda v: 0.5 + side * (v - 0.5)  # noqa: E731
        p.line([(x(0.36), 0.56), (x(0.41), 0.70)], detail(c, 0.25), 0.009)
        p.dashed((x(0.44), 0.2), (x(0.44), 0.8), detail(c, 0.15), STITCH)


def _trousers(p: Pen, c: RGB, hem: float, flare: float) -> None:
    stitch = mix(c, (226, 170, 80), 0.55) if 40 < lum(c) < 140 else detail(c)
    for side in (1, -1):
        x = lambda v: 0.5 + side * (v - 0.5)  # noqa: E731
        p.poly([(x(0.30), 0.19), (x(0.5), 0.19), (x(0.5), 0.33), (x(0.475 - flare / 3), hem),
                (x(0.315 - flare), hem), (x(0.29), 0.30)], c)
        p.line(bez((x(0.32), 0.205), (x(0.33), 0.29), (x(0.42), 0.24)), detail(c, 0.22), 0.006)
        p.dashed((x(0.47 - flare / 3), hem - 0.03), (x(0.32 - flare), hem - 0.03), stitch, STITCH)
        p.line([(x(0.45), 0.36), (x(0.40 - flare / 2), hem - 0.05)], darker(c, 0.12), 0.008, alpha=0.45)
    p.rect((0.295, 0.15, 0.705, 0.205), darker(c, 0.06), radius=0.008)
    p.dashed((0.30, 0.195), (0.70, 0.195), stitch, STITCH)
    for x in (0.34, 0.44, 0.56, 0.66):
        p.rect((x - 0.008, 0.145, x + 0.008, 0.21), darker(c, 0.1), radius=0.003)
    p.oval((0.49, 0.163, 0.51, 0.187), (196, 164, 90))
    p.line(bez((0.5, 0.205), (0.53, 0.28), (0.5, 0.33)), stitch, 0.005)


def jeans(p: Pen, c: RGB) -> None:
    _trousers(p, c, 0.88, 0.0)


def shorts(p: Pen, c: RGB) -> None:
    _trousers(p, c, 0.62, 0.05)


def sneaker(p: Pen, c: RGB) -> None:
    sole = (242, 240, 234) if lum(c) < 200 else (200, 160, 112)  # a white shoe gets a gum sole
    upper = (bez((0.14, 0.64), (0.11, 0.47), (0.19, 0.36)) + bez((0.19, 0.36), (0.27, 0.43), (0.36, 0.38))[1:]
             + bez((0.36, 0.38), (0.42, 0.28), (0.48, 0.33))[1:] + bez((0.48, 0.33), (0.64, 0.46), (0.82, 0.52))[1:]
             + bez((0.82, 0.52), (0.90, 0.56), (0.88, 0.64))[1:])
    p.poly(upper, c)
    p.poly(bez((0.66, 0.64), (0.66, 0.49), (0.80, 0.51)) + bez((0.80, 0.51), (0.91, 0.56), (0.88, 0.64))[1:],
           darker(c, 0.08))  # toe cap
    p.poly(bez((0.18, 0.38), (0.26, 0.45), (0.35, 0.39)) + [(0.33, 0.42), (0.2, 0.41)], darker(c, 0.5), shade=0)
    accent = (31, 58, 110) if lum(c) > 170 else (246, 246, 242)
    p.poly(bez((0.26, 0.60), (0.45, 0.56), (0.66, 0.44)) + bez((0.66, 0.47), (0.47, 0.61), (0.28, 0.63)), accent)
    for n in range(5):
        x, y = 0.43 + n * 0.045, 0.35 + n * 0.032
        p.line([(x - 0.02, y + 0.025), (x + 0.03, y - 0.012)], lighter(c, 0.7) if lum(c) < 200 else (60, 60, 60), 0.009)
    p.rect((0.125, 0.40, 0.165, 0.52), darker(c, 0.15), radius=0.01)  # heel tab
    p.rect((0.115, 0.61, 0.905, 0.705), sole, radius=0.035)
    p.line([(0.13, 0.685), (0.89, 0.685)], darker(sole, 0.16), 0.008)
    p.dashed((0.17, 0.625), (0.84, 0.625), detail(c), STITCH)


def slides(p: Pen, c: RGB) -> None:
    bed = mix(c, (214, 196, 168), 0.7)
    for dx, dy in ((0.0, 0.04), (0.30, 0.0)):
        p.rect((0.17 + dx, 0.12 + dy, 0.43 + dx, 0.86 + dy), darker(bed, 0.2), radius=0.12)
        p.rect((0.185 + dx, 0.135 + dy, 0.415 + dx, 0.845 + dy), bed, radius=0.11)
        p.rect((0.155 + dx, 0.24 + dy, 0.445 + dx, 0.46 + dy), c, radius=0.05)
        p.dashed((0.17 + dx, 0.255 + dy), (0.43 + dx, 0.255 + dy), detail(c), STITCH)
        p.dashed((0.17 + dx, 0.445 + dy), (0.43 + dx, 0.445 + dy), detail(c), STITCH)


def backpack(p: Pen, c: RGB) -> None:
    p.arc((0.42, 0.10, 0.58, 0.26), 180, 360, darker(c, 0.3), 0.018)
    for x in (0.255, 0.71):
        p.rect((x, 0.30, x + 0.04, 0.76), darker(c, 0.22), radius=0.015)
    p.rect((0.27, 0.17, 0.73, 0.86), c, radius=0.13)
    p.line(bez((0.31, 0.36), (0.5, 0.18), (0.69, 0.36)), detail(c, 0.3), 0.008)
    p.rect((0.33, 0.52, 0.67, 0.82), darker(c, 0.08), radius=0.06)
    p.line([(0.36, 0.585), (0.64, 0.585)], detail(c, 0.3), 0.008)
    for x, y in ((0.69, 0.36), (0.62, 0.585)):
        p.rect((x - 0.012, y, x + 0.012, y + 0.06), (52, 52, 56), radius=0.006)
    p.rect((0.44, 0.44, 0.56, 0.47), lighter(c, 0.35), radius=0.01)
    p.dashed((0.35, 0.79), (0.65, 0.79), detail(c), STITCH)


def yoga_mat(p: Pen, c: RGB) -> None:
    p.rect((0.10, 0.60, 0.86, 0.80), lighter(c, 0.06), radius=0.02)  # the unrolled end
    p.rect((0.12, 0.38, 0.76, 0.64), c, radius=0.13)
    for x in (0.30, 0.56):
        p.rect((x, 0.37, x + 0.05, 0.65), darker(c, 0.35), radius=0.01)
    p.oval((0.64, 0.38, 0.88, 0.64), lighter(c, 0.12))
    for n in range(1, 5):
        r = 0.025 * n
        p.arc((0.76 - r, 0.51 - r * 1.08, 0.76 + r, 0.51 + r * 1.08), 20 * n, 20 * n + 300, darker(c, 0.2), 0.006)
    p.gloss((0.14, 0.40, 0.7, 0.46), 0.22)


def dumbbell(p: Pen, c: RGB) -> None:
    steel = (176, 180, 186)
    for dy, scale in ((-0.10, 0.8), (0.08, 1.0)):
        cy = 0.5 + dy
        p.rect((0.28, cy - 0.025 * scale, 0.72, cy + 0.025 * scale), steel, radius=0.01)
        for x0, x1 in ((0.18, 0.31), (0.69, 0.82)):
            h = 0.14 * scale
            p.rect((x0, cy - h, x1, cy + h), c, radius=0.035)
            p.rect((x0 + 0.03, cy - h * 0.55, x1 - 0.03, cy + h * 0.55), darker(c, 0.12), radius=0.02)
        p.gloss((0.2, cy - 0.13 * scale, 0.8, cy - 0.07 * scale), 0.2)


def bands(p: Pen, c: RGB) -> None:
    for n, t in enumerate((0.0, 0.25, 0.5)):
        shade = mix(c, (255, 255, 255), t) if lum(c) < 160 else mix(c, (20, 20, 20), t)
        off = n * 0.09
        p.arc((0.16 + off, 0.22 + off, 0.62 + off, 0.62 + off), 0, 360, darker(shade, 0.2), 0.05)
        p.arc((0.165 + off, 0.225 + off, 0.615 + off, 0.615 + off), 0, 360, shade, 0.04)


def tent(p: Pen, c: RGB) -> None:
    shell = bez((0.12, 0.80), (0.20, 0.28), (0.50, 0.24)) + bez((0.50, 0.24), (0.80, 0.28), (0.88, 0.80))[1:]
    p.poly(shell, c)
    p.poly(bez((0.36, 0.80), (0.40, 0.46), (0.50, 0.42)) + bez((0.50, 0.42), (0.60, 0.46), (0.64, 0.80))[1:],
           darker(c, 0.45), shade=0.1)
    p.poly([(0.50, 0.42), (0.60, 0.47), (0.66, 0.80), (0.58, 0.80)], lighter(c, 0.1))  # the rolled-back flap
    p.line(bez((0.14, 0.79), (0.22, 0.30), (0.50, 0.255)), lighter(c, 0.35), 0.006)
    p.line(bez((0.86, 0.79), (0.78, 0.30), (0.50, 0.255)), lighter(c, 0.35), 0.006)
    p.rect((0.08, 0.79, 0.92, 0.82), darker(c, 0.3), radius=0.01)
    for a, b in (((0.2, 0.5), (0.06, 0.82)), ((0.8, 0.5), (0.94, 0.82))):
        p.line([a, b], (120, 120, 120), 0.003)
