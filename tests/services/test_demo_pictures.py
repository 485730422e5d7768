"""The demo's generated pictures (marketplace/seed/pictures.py): every kind draws, in its colour, the same each time."""
import io

import pytest
from PIL import Image, ImageChops, ImageStat

from marketplace.seed import catalog_data as data
from marketplace.seed.pictures import ANGLES, KINDS, kind_for, render, render_banner, render_logo, render_png

SIDE = 96  # small: the drawing is the same at any size


def colours(image: Image.Image) -> int:
    return len(image.getcolors(1 << 20))


def difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_draws_something_in_its_colour(kind):
    red, green = render(kind, data.COLOUR_RGB["Red"], side=SIDE), render(kind, data.COLOUR_RGB["Green"], side=SIDE)
    assert red.mode == "RGB" and red.size == (SIDE, SIDE)
    assert colours(red) > 50  # shaded shapes on a soft backdrop, not a flat tile
    assert difference(red, green) > 3  # the variant's colour shows
    # the product stands out from the backdrop: the middle differs from a corner
    assert difference(red.crop((SIDE // 3, SIDE // 3, 2 * SIDE // 3, 2 * SIDE // 3)).resize((8, 8)),
                       Image.new("RGB", (8, 8), red.getpixel((1, 1)))) > 10


@pytest.mark.parametrize("angle", ANGLES)
def test_each_angle_is_a_different_picture_and_drawing_is_deterministic(angle):
    first = render_png("hoodie", (31, 58, 110), angle, SIDE)
    assert first == render_png("hoodie", (31, 58, 110), angle, SIDE)
    picture = Image.open(io.BytesIO(first))
    assert picture.format == "PNG" and picture.size == (SIDE, SIDE)
    others = [render("hoodie", (31, 58, 110), other, SIDE) for other in ANGLES if other != angle]
    assert all(difference(picture.convert("RGB"), other) > 3 for other in others)


def test_every_demo_product_name_has_a_kind_of_its_own():
    """No base name of the demo catalogue falls back to the default drawing."""
    bases = [base for _, middles in data.CATEGORIES.values() for leaves in middles.values()
             for _, _, names, _ in leaves.values() for base in names]
    assert {base: kind_for(base, default="?") for base in bases if kind_for(base, default="?") == "?"} == {}
    assert kind_for("Áo hoodie nỉ basic") == "hoodie" and kind_for("Balo laptop 30L") == "backpack"
    assert kind_for("Sữa rửa mặt trà xanh 150ml") == "pump" and kind_for("Cà phê phin giấy 10 gói") == "coffee_box"
    assert kind_for("Basic T-shirt unisex") == "tshirt" and kind_for("Oxford shirt slim fit") == "shirt"
    assert {k for kinds in data.SHOP_EMBLEMS.values() for k in kinds} <= set(KINDS)
    assert {k for kinds in data.TOP_KINDS.values() for k in kinds} <= set(KINDS)


def test_logos_and_banners():
    logo = render_logo("Saigon Sneakers", (232, 62, 140), "sneaker", side=120)
    assert logo.size == (120, 120) and colours(logo) > 20
    assert difference(logo, render_logo("Hà Nội Tech", (13, 110, 253), "phone", side=120)) > 10
    banner = render_banner((232, 62, 140), [("sneaker", (246, 246, 242)), ("tshirt", (31, 58, 110))],
                           width=400, height=100)
    assert banner.size == (400, 100) and colours(banner) > 50
