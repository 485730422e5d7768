"""Build static/vendor/bootstrap-icons/icons.svg, a sprite of the Bootstrap Icons the pages use.

Usage: npm pack bootstrap-icons && tar xzf bootstrap-icons-*.tgz
       python scripts/vendor_icons.py package/icons

Templates draw an icon with the `icon` macro (templates/macros/_icons.html):
<svg><use href="…/icons.svg#cart3"></use></svg>. One cached file instead of the same paths in every page.
"""
import re
import sys
from pathlib import Path

ICONS = """
search cart3 person person-circle heart heart-fill list house shop shop-window star-fill star-half star
truck shield-check arrow-counterclockwise bell chevron-right chevron-down x-lg funnel sliders box-seam bag phone
house-heart cup-hot flower1 bicycle tag grid lightning-charge gift chat-dots clock-history patch-check
box-arrow-right receipt emoji-frown geo-alt ticket-perforated arrow-up
""".split()

OUT = Path(__file__).resolve().parent.parent / "static/vendor/bootstrap-icons/icons.svg"


def main(source: Path) -> None:
    symbols = []
    for name in ICONS:
        svg = (source / f"{name}.svg").read_text()
        view_box = re.search(r'viewBox="([^"]+)"', svg).group(1)
        body = re.sub(r"^<svg[^>]*>|</svg>\s*$", "", svg.strip()).strip()
        body = re.sub(r"\s*\n\s*", "", body)
        symbols.append(f'<symbol id="{name}" viewBox="{view_box}">{body}</symbol>')
    OUT.write_text('<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n")
    print(f"{OUT}: {len(symbols)} icons")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
