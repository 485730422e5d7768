#!/usr/bin/env python3
"""Write a contact sheet of the demo pictures (marketplace/seed/pictures.py) for a reviewer to look at.

    .venv/bin/python scripts/render_demo_pictures.py [OUT.png] [--side 200] [--angles]

Rows are the product kinds, columns a few colours (front view); `--angles` adds, for each kind,
its detail crop and lifestyle shot. A last row shows shop logos and a banner. Needs no database.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw  # noqa: E402

from marketplace.seed import catalog_data as data  # noqa: E402
from marketplace.seed.pictures import KINDS, render, render_banner, render_logo  # noqa: E402

COLOURS = ["Black", "White", "Navy", "Red", "Sand", "Green"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="demo_pictures.png")
    parser.add_argument("--side", type=int, default=200, help="pixels per picture")
    parser.add_argument("--angles", action="store_true", help="add each kind's detail and lifestyle pictures")
    parser.add_argument("--kinds", default="", help="comma-separated kinds (default: all)")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k] or list(KINDS)
    side, gap = args.side, 6
    columns = len(COLOURS) + (2 if args.angles else 0) + 1
    rows = len(kinds) + 1
    sheet = Image.new("RGB", (columns * (side + gap) + gap, rows * (side + gap) + gap), (255, 255, 255))
    started = time.perf_counter()
    for r, kind in enumerate(kinds):
        pictures = [render(kind, data.COLOUR_RGB[name], "front", side) for name in COLOURS]
        pictures.append(render(kind, KINDS[kind].palette[0], "front", side))
        if args.angles:
            pictures += [render(kind, data.COLOUR_RGB["Navy"], angle, side) for angle in ("detail", "lifestyle")]
        for col, picture in enumerate(pictures):
            sheet.paste(picture, (gap + col * (side + gap), gap + r * (side + gap)))
        ImageDraw.Draw(sheet).text((gap + 4, gap + r * (side + gap) + 4), kind, fill=(90, 90, 90))
    y = gap + len(kinds) * (side + gap)
    for col, (name, colour, emblem) in enumerate([("Saigon Sneakers", (232, 62, 140), "sneaker"),
                                                  ("Hà Nội Tech", (13, 110, 253), "phone"),
                                                  ("Đà Lạt Coffee Farm", (111, 66, 193), "coffee_bag")]):
        sheet.paste(render_logo(name, colour, emblem, side), (gap + col * (side + gap), y))
    banner = render_banner((232, 62, 140), [("sneaker", (222, 226, 230)), ("tshirt", (31, 58, 110)),
                                            ("backpack", (46, 139, 87))], width=side * 4, height=side)
    sheet.paste(banner, (gap + 3 * (side + gap), y))
    sheet.save(args.out)
    print(f"{args.out}: {len(kinds)} kinds in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
