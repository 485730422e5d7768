"""Demo picture drawings of goods: electronics, kitchen and home, coffee and tea, beauty.

Same contract as drawings_wear.py: draw one product in colour `c` on a Pen.
"""
from __future__ import annotations

import math

from marketplace.seed.pen import RGB, Pen, bez, darker, detail, leaf, lighter, lum, mix

GLASS = (26, 30, 38)
STEEL = (188, 192, 198)
KRAFT_LABEL = (246, 240, 226)


def _screen(p: Pen, box, c: RGB) -> None:
    p.rect(box, GLASS, radius=0.03, shade=0)
    x0, y0, x1, y1 = box
    inset = (x0 + 0.012, y0 + 0.012, x1 - 0.012, y1 - 0.012)
    p.rect(inset, mix(lighter(c, 0.3), (90, 120, 220), 0.45), radius=0.025, shade=0.35)
    w, h = x1 - x0, y1 - y0
    p.oval((x0 + w * 0.1, y0 + h * 0.35, x0 + w * 0.9, y0 + h * 0.95), mix(c, (255, 150, 120), 0.5), alpha=0.55)
    p.oval((x0 + w * 0.35, y0 + h * 0.12, x0 + w * 1.0, y0 + h * 0.6), mix(c, (120, 220, 255), 0.5), alpha=0.45)


def phone(p: Pen, c: RGB) -> None:
    p.rect((0.18, 0.12, 0.50, 0.84), darker(c, 0.3), radius=0.055)
    _screen(p, (0.19, 0.13, 0.49, 0.83), c)
    p.rect((0.30, 0.15, 0.38, 0.172), GLASS, radius=0.01, shade=0)
    p.rect((0.44, 0.18, 0.78, 0.90), c, radius=0.055)
    p.rect((0.47, 0.21, 0.62, 0.37), darker(c, 0.12), radius=0.03)
    for x, y in ((0.505, 0.245), (0.505, 0.335), (0.585, 0.29)):
        p.oval((x - 0.03, y - 0.03, x + 0.03, y + 0.03), (58, 60, 66))
        p.oval((x - 0.018, y - 0.018, x + 0.018, y + 0.018), (14, 16, 22), shade=0)
        p.oval((x - 0.008, y - 0.012, x + 0.002, y - 0.002), (120, 140, 190), shade=0)
    p.oval((0.575, 0.225, 0.595, 0.245), (250, 240, 200))
    p.oval((0.585, 0.52, 0.635, 0.57), detail(c, 0.12))
    p.gloss((0.45, 0.2, 0.56, 0.88), 0.25)


def case(p: Pen, c: RGB) -> None:
    p.rect((0.30, 0.10, 0.70, 0.90), darker(c, 0.12), radius=0.075)
    p.rect((0.315, 0.115, 0.685, 0.885), c, radius=0.065)
    p.rect((0.34, 0.14, 0.52, 0.34), darker(c, 0.5), radius=0.04, shade=0.05)
    p.rect((0.70, 0.30, 0.715, 0.40), darker(c, 0.2), radius=0.005)
    p.oval((0.46, 0.52, 0.54, 0.60), detail(c, 0.12))
    p.gloss((0.32, 0.12, 0.42, 0.88), 0.22)


def charger(p: Pen, c: RGB) -> None:
    p.line(bez((0.42, 0.62), (0.48, 0.95), (0.70, 0.80)) + bez((0.70, 0.80), (0.90, 0.66), (0.74, 0.44))[1:],
           darker(c, 0.08), 0.028)
    p.rect((0.70, 0.34, 0.78, 0.46), lighter(c, 0.1), radius=0.015)
    p.rect((0.725, 0.29, 0.755, 0.345), STEEL, radius=0.006)
    for x in (0.29, 0.39):
        p.rect((x, 0.18, x + 0.025, 0.28), STEEL, radius=0.005)
    p.rect((0.22, 0.26, 0.50, 0.60), c, radius=0.05)
    p.rect((0.33, 0.52, 0.39, 0.55), (40, 40, 44), radius=0.005, shade=0)
    p.gloss((0.23, 0.27, 0.32, 0.58), 0.25)


def earbuds(p: Pen, c: RGB) -> None:
    p.rect((0.16, 0.44, 0.58, 0.82), c, radius=0.14)
    p.line([(0.18, 0.55), (0.56, 0.55)], detail(c, 0.2), 0.006)
    p.oval((0.36, 0.70, 0.38, 0.72), (120, 220, 140), shade=0)
    p.gloss((0.2, 0.46, 0.5, 0.52), 0.3)
    for x, y in ((0.66, 0.24), (0.74, 0.44)):
        p.rect((x + 0.035, y + 0.06, x + 0.085, y + 0.26), c, radius=0.025)
        p.oval((x, y, x + 0.13, y + 0.13), c)
        p.oval((x - 0.015, y + 0.035, x + 0.045, y + 0.095), (90, 92, 98))
        p.gloss((x + 0.03, y + 0.015, x + 0.1, y + 0.05), 0.35)


def headphones(p: Pen, c: RGB) -> None:
    p.arc((0.20, 0.12, 0.80, 0.76), 185, 355, darker(c, 0.15), 0.05)
    p.arc((0.23, 0.15, 0.77, 0.73), 200, 340, (60, 60, 64), 0.03)
    for x0 in (0.15, 0.66):
        p.rect((x0 + 0.05, 0.38, x0 + 0.14, 0.46), STEEL, radius=0.01)
        p.rect((x0, 0.42, x0 + 0.19, 0.76), c, radius=0.08)
        p.oval((x0 + 0.05, 0.53, x0 + 0.14, 0.63), detail(c, 0.1))
        p.gloss((x0 + 0.02, 0.44, x0 + 0.1, 0.56), 0.25)
    p.rect((0.33, 0.45, 0.36, 0.73), (50, 50, 54), radius=0.015)
    p.rect((0.64, 0.45, 0.67, 0.73), (50, 50, 54), radius=0.015)


def speaker(p: Pen, c: RGB) -> None:
    p.rect((0.31, 0.20, 0.69, 0.82), c, radius=0.12)
    grille = darker(c, 0.22) if lum(c) > 60 else lighter(c, 0.18)
    for row in range(12):
        for col in range(8):
            x, y = 0.36 + col * 0.04, 0.32 + row * 0.038
            p.ink.ellipse([v * p.size for v in (x, y, x + 0.016, y + 0.016)], fill=grille + (255,))
    p.oval((0.31, 0.16, 0.69, 0.28), lighter(c, 0.1))
    for x in (0.42, 0.5, 0.58):
        p.oval((x - 0.02, 0.205, x + 0.02, 0.235), detail(c, 0.25))
    p.rect((0.69, 0.30, 0.72, 0.46), (60, 60, 64), radius=0.01)
    p.gloss((0.33, 0.25, 0.42, 0.78), 0.22)


def keyboard(p: Pen, c: RGB) -> None:
    p.rect((0.08, 0.33, 0.92, 0.68), c, radius=0.035)
    key = lighter(c, 0.12) if lum(c) < 200 else darker(c, 0.05)
    accent = (220, 90, 60) if lum(c) < 140 else (31, 58, 110)
    for row in range(4):
        for col in range(13):
            x, y = 0.11 + col * 0.0605, 0.36 + row * 0.068
            p.rect((x, y, x + 0.052, y + 0.058), accent if (row, col) in ((0, 0), (2, 12)) else key,
                   radius=0.008, shade=0.1)
    p.rect((0.29, 0.632, 0.71, 0.662), key, radius=0.008, shade=0.1)


def mouse(p: Pen, c: RGB) -> None:
    p.line(bez((0.5, 0.18), (0.52, 0.06), (0.70, 0.05)), (60, 60, 64), 0.012)
    p.rect((0.33, 0.16, 0.67, 0.84), c, radius=0.17)
    p.line([(0.5, 0.17), (0.5, 0.42)], detail(c, 0.3), 0.006)
    p.line(bez((0.34, 0.44), (0.5, 0.47), (0.66, 0.44)), detail(c, 0.22), 0.005)
    p.rect((0.485, 0.23, 0.515, 0.32), (50, 50, 54), radius=0.012)
    p.gloss((0.36, 0.2, 0.48, 0.6), 0.25)


def laptop(p: Pen, c: RGB) -> None:
    p.rect((0.16, 0.14, 0.84, 0.62), darker(c, 0.08), radius=0.025)
    _screen(p, (0.175, 0.155, 0.825, 0.605), c)
    p.poly([(0.10, 0.62), (0.90, 0.62), (0.95, 0.70), (0.05, 0.70)], c)
    p.rect((0.05, 0.695, 0.95, 0.715), darker(c, 0.2), radius=0.008)
    p.rect((0.43, 0.62, 0.57, 0.635), darker(c, 0.25), radius=0.005)


def pan(p: Pen, c: RGB) -> None:
    p.poly([(0.62, 0.47), (0.93, 0.41), (0.95, 0.47), (0.64, 0.55)], (46, 40, 36))
    p.oval((0.06, 0.22, 0.68, 0.80), c)
    p.oval((0.10, 0.26, 0.64, 0.76), (44, 46, 50), shade=0.2)
    p.oval((0.16, 0.30, 0.56, 0.70), (56, 58, 64), shade=0.1)
    p.gloss((0.16, 0.3, 0.4, 0.45), 0.2)


def pot(p: Pen, c: RGB) -> None:
    for x in (0.14, 0.78):
        p.rect((x, 0.44, x + 0.08, 0.50), darker(c, 0.3), radius=0.02)
    p.rect((0.20, 0.38, 0.80, 0.80), c, radius=0.05)
    p.oval((0.18, 0.32, 0.82, 0.44), lighter(c, 0.1))
    p.rect((0.45, 0.26, 0.55, 0.35), (46, 40, 36), radius=0.02)
    p.gloss((0.24, 0.44, 0.34, 0.76), 0.35)


def kitchen_tools(p: Pen, c: RGB) -> None:
    wood = (176, 130, 84)
    p.rect((0.10, 0.30, 0.80, 0.80), wood, radius=0.05)
    for n in range(6):
        y = 0.36 + n * 0.07
        p.line(bez((0.14, y), (0.45, y + 0.02), (0.76, y - 0.01)), darker(wood, 0.12), 0.004)
    p.oval((0.70, 0.50, 0.76, 0.58), (250, 248, 244), shade=0)
    p.poly([(0.16, 0.20), (0.60, 0.15), (0.62, 0.22), (0.20, 0.27)], STEEL)
    p.rect((0.60, 0.14, 0.88, 0.23), c, radius=0.03)
    for x in (0.68, 0.78):
        p.oval((x, 0.17, x + 0.02, 0.19), STEEL)


def bottle(p: Pen, c: RGB) -> None:
    p.rect((0.37, 0.21, 0.63, 0.88), c, radius=0.07)
    p.rect((0.39, 0.15, 0.61, 0.24), darker(c, 0.3) if lum(c) > 60 else STEEL, radius=0.02)
    p.rect((0.41, 0.10, 0.59, 0.16), darker(c, 0.4), radius=0.03)
    p.line([(0.37, 0.28), (0.63, 0.28)], detail(c, 0.15), 0.008)
    p.rect((0.44, 0.55, 0.56, 0.58), detail(c, 0.2), radius=0.01)
    p.gloss((0.39, 0.26, 0.45, 0.84), 0.4)


def mug(p: Pen, c: RGB) -> None:
    p.arc((0.56, 0.42, 0.82, 0.70), 270, 90, darker(c, 0.05), 0.045)
    p.rect((0.24, 0.34, 0.64, 0.82), c, radius=0.05)
    p.oval((0.24, 0.30, 0.64, 0.38), lighter(c, 0.2))
    p.oval((0.26, 0.31, 0.62, 0.37), (92, 58, 36), shade=0.05)
    p.gloss((0.27, 0.4, 0.34, 0.78), 0.3)


def lamp(p: Pen, c: RGB) -> None:
    p.rect((0.47, 0.46, 0.53, 0.62), STEEL, radius=0.01)
    p.poly(bez((0.5, 0.60), (0.30, 0.72), (0.42, 0.86)) + bez((0.58, 0.86), (0.70, 0.72), (0.5, 0.60)), c)
    p.rect((0.38, 0.84, 0.62, 0.88), darker(c, 0.2), radius=0.01)
    shade_colour = mix(c, (250, 244, 230), 0.7)
    p.poly([(0.32, 0.16), (0.68, 0.16), (0.76, 0.48), (0.24, 0.48)], shade_colour, shade=0.1)
    p.poly([(0.24, 0.48), (0.76, 0.48), (0.75, 0.46), (0.25, 0.46)], darker(shade_colour, 0.1))
    p.gloss((0.36, 0.64, 0.44, 0.84), 0.3)


def desk_lamp(p: Pen, c: RGB) -> None:
    p.oval((0.22, 0.80, 0.56, 0.90), c)
    p.line([(0.39, 0.83), (0.30, 0.50), (0.56, 0.26)], darker(c, 0.1), 0.022)
    for x, y in ((0.30, 0.50), (0.56, 0.26)):
        p.oval((x - 0.025, y - 0.025, x + 0.025, y + 0.025), darker(c, 0.2))
    p.poly([(0.52, 0.22), (0.64, 0.18), (0.80, 0.40), (0.56, 0.48)], c)
    p.oval((0.555, 0.38, 0.80, 0.49), (255, 244, 200), shade=0)


def plant(p: Pen, c: RGB) -> None:
    green, deep = (72, 140, 84), (38, 92, 58)
    # broad leaves on stems, fanned out from the pot (a rubber plant, not a fern)
    for n, (end, size) in enumerate((((0.26, 0.36), 0.17), ((0.40, 0.22), 0.18), ((0.58, 0.18), 0.19),
                                     ((0.74, 0.32), 0.17), ((0.33, 0.50), 0.14), ((0.68, 0.48), 0.15),
                                     ((0.50, 0.34), 0.16))):
        dx, dy = end[0] - 0.5, end[1] - 0.58
        length = (dx * dx + dy * dy) ** 0.5
        tip = (end[0] + dx / length * size, end[1] + dy / length * size)
        tone = mix(green, deep, (n % 3) / 2.5)
        p.line(bez((0.5, 0.58), (0.5 + dx * 0.3, 0.58 + dy * 0.8), end), darker(tone, 0.15), 0.008)
        p.poly(leaf(end, tip, 0.42), tone)
        p.line([end, ((end[0] + tip[0]) / 2, (end[1] + tip[1]) / 2)], lighter(tone, 0.3), 0.004)
    p.rect((0.30, 0.55, 0.70, 0.62), darker(c, 0.08), radius=0.01)
    p.poly([(0.32, 0.60), (0.68, 0.60), (0.64, 0.88), (0.36, 0.88)], c)
    p.gloss((0.34, 0.62, 0.42, 0.84), 0.2)


def coffee_bag(p: Pen, c: RGB) -> None:
    p.poly([(0.30, 0.18), (0.70, 0.18), (0.73, 0.86), (0.27, 0.86)], c)
    p.rect((0.30, 0.14, 0.70, 0.22), darker(c, 0.1), radius=0.004)
    p.line([(0.30 + 0.02 * n, 0.14 + 0.008 * (n % 2)) for n in range(21)], darker(c, 0.25), 0.004)
    p.oval((0.60, 0.27, 0.65, 0.32), darker(c, 0.3))
    p.rect((0.36, 0.40, 0.64, 0.70), KRAFT_LABEL, radius=0.02, shade=0.05)
    p.oval((0.45, 0.45, 0.55, 0.57), (96, 58, 34), shade=0.1)
    p.line(bez((0.50, 0.455), (0.47, 0.51), (0.50, 0.565)), (60, 34, 20), 0.006)
    for y, w in ((0.61, 0.2), (0.65, 0.14)):
        p.rect((0.5 - w / 2, y, 0.5 + w / 2, y + 0.015), (150, 130, 110), radius=0.006, shade=0)
    p.gloss((0.32, 0.24, 0.38, 0.84), 0.15)


def phin(p: Pen, c: RGB) -> None:
    p.rect((0.34, 0.52, 0.66, 0.86), (226, 232, 236), radius=0.03, alpha=0.6)
    p.rect((0.36, 0.70, 0.64, 0.845), (246, 232, 200), radius=0.02, shade=0.05)
    p.rect((0.36, 0.58, 0.64, 0.71), (70, 40, 24), shade=0.1)
    p.gloss((0.36, 0.54, 0.41, 0.84), 0.45)
    p.oval((0.30, 0.49, 0.70, 0.55), c)
    p.rect((0.37, 0.30, 0.63, 0.52), c, radius=0.012)
    p.rect((0.39, 0.24, 0.61, 0.31), lighter(c, 0.1), radius=0.02)
    p.rect((0.47, 0.20, 0.53, 0.25), darker(c, 0.2), radius=0.01)
    p.gloss((0.38, 0.32, 0.43, 0.5), 0.4)


def coffee_box(p: Pen, c: RGB) -> None:
    p.rect((0.22, 0.20, 0.62, 0.84), c, radius=0.015)
    p.rect((0.22, 0.44, 0.62, 0.58), KRAFT_LABEL, shade=0.05)
    p.oval((0.38, 0.465, 0.46, 0.555), (96, 58, 34))
    p.poly([(0.56, 0.50), (0.80, 0.46), (0.84, 0.86), (0.60, 0.88)], (244, 240, 232))  # a sachet in front
    p.rect((0.62, 0.58, 0.80, 0.70), lighter(c, 0.15), radius=0.01)


def tea_tin(p: Pen, c: RGB) -> None:
    for n, (x, y) in enumerate(((0.70, 0.82), (0.76, 0.80), (0.73, 0.78), (0.80, 0.83), (0.67, 0.84))):
        p.poly(leaf((x, y), (x + 0.05, y - 0.02 + 0.01 * n), 0.3), (76 + 6 * n, 120, 60))
    p.rect((0.30, 0.28, 0.64, 0.86), c, radius=0.02)
    p.rect((0.29, 0.22, 0.65, 0.32), darker(c, 0.18), radius=0.015)
    p.rect((0.30, 0.46, 0.64, 0.68), KRAFT_LABEL, shade=0.05)
    p.poly(leaf((0.41, 0.62), (0.53, 0.50), 0.3), (86, 140, 70))
    p.gloss((0.32, 0.3, 0.38, 0.84), 0.25)


def tea_box(p: Pen, c: RGB) -> None:
    p.rect((0.20, 0.24, 0.62, 0.82), c, radius=0.015)
    p.rect((0.20, 0.24, 0.62, 0.34), darker(c, 0.12), radius=0.015)
    p.rect((0.26, 0.46, 0.56, 0.70), KRAFT_LABEL, shade=0.05)
    for tip, base in (((0.44, 0.50), (0.36, 0.66)), ((0.38, 0.52), (0.44, 0.66))):
        p.poly(leaf(base, tip, 0.35), (110, 150, 70))
    p.line([(0.72, 0.30), (0.72, 0.52)], (230, 226, 220), 0.004)
    p.rect((0.69, 0.26, 0.75, 0.31), lighter(c, 0.2), radius=0.004)
    p.rect((0.64, 0.52, 0.80, 0.74), (240, 234, 214), radius=0.01)
    p.dashed((0.65, 0.54), (0.79, 0.54), (200, 190, 170), 0.003, 0.01)


def tube(p: Pen, c: RGB) -> None:
    p.poly([(0.36, 0.14), (0.64, 0.14), (0.62, 0.66), (0.38, 0.66)], c)
    p.rect((0.355, 0.12, 0.645, 0.17), darker(c, 0.1), radius=0.005)
    for n in range(9):
        p.line([(0.37 + n * 0.032, 0.125), (0.37 + n * 0.032, 0.165)], darker(c, 0.2), 0.003)
    p.rect((0.39, 0.65, 0.61, 0.86), (240, 240, 236) if lum(c) < 200 else (70, 72, 78), radius=0.03)
    sun = (246, 170, 40)
    p.oval((0.45, 0.30, 0.55, 0.40), sun)
    for n in range(8):
        a = n * math.pi / 4
        p.line([(0.5 + 0.065 * math.cos(a), 0.35 + 0.065 * math.sin(a)),
                (0.5 + 0.085 * math.cos(a), 0.35 + 0.085 * math.sin(a))], sun, 0.008)
    p.rect((0.42, 0.46, 0.58, 0.49), detail(c, 0.35), radius=0.006)
    p.rect((0.44, 0.52, 0.56, 0.54), detail(c, 0.25), radius=0.006)
    p.gloss((0.38, 0.18, 0.44, 0.62), 0.3)


def pump(p: Pen, c: RGB) -> None:
    p.rect((0.46, 0.14, 0.54, 0.30), (236, 236, 236), radius=0.01)
    p.rect((0.46, 0.14, 0.66, 0.18), (236, 236, 236), radius=0.015)
    p.rect((0.43, 0.28, 0.57, 0.34), darker(c, 0.25), radius=0.01)
    p.rect((0.34, 0.33, 0.66, 0.87), c, radius=0.06)
    p.rect((0.38, 0.50, 0.62, 0.74), (250, 250, 246), radius=0.015, shade=0.04)
    p.poly(leaf((0.45, 0.66), (0.55, 0.54), 0.32), (80, 150, 90))
    p.gloss((0.36, 0.36, 0.42, 0.84), 0.35)


def lipstick(p: Pen, c: RGB) -> None:
    gold = (204, 168, 92)
    case = (36, 36, 40)
    p.rect((0.58, 0.50, 0.76, 0.86), case, radius=0.02)
    p.rect((0.58, 0.50, 0.76, 0.53), gold, radius=0.005)
    p.rect((0.30, 0.60, 0.50, 0.86), case, radius=0.02)
    p.rect((0.30, 0.80, 0.50, 0.83), c, shade=0)
    p.rect((0.31, 0.44, 0.49, 0.61), gold, radius=0.01)
    p.poly([(0.33, 0.45), (0.47, 0.45), (0.47, 0.26), (0.33, 0.33)], c, shade=0.2)
    p.gloss((0.32, 0.46, 0.36, 0.84), 0.35)
