"""The 1200x630 link-preview picture: made once per product picture when it is stored, beside the
picture and its thumbnail, and made afterwards for pictures stored before it (`flask seo share-pictures`)."""
import io

from PIL import Image

from marketplace.extensions import db
from marketplace.models import ProductImage
from marketplace.services.catalog import pending_images, product_images, share_pictures
from marketplace.services.core import images
from marketplace.storage import get_storage
from tests.factories import make_product, make_shop
from tests.reviews_support import png_bytes, temp_storage  # noqa: F401 - the fixture


def _picture(key: str) -> Image.Image:
    return Image.open(io.BytesIO(get_storage().read(key)))


def test_a_product_picture_gets_its_share_picture_when_stored(temp_storage):  # noqa: F811
    shop = make_shop()
    product = make_product(shop=shop)
    image = product_images.add_image(shop, product, png_bytes(size=(300, 300)))
    assert image.share_key == image.storage_key.replace(".webp", "-share.jpg")
    share = _picture(image.share_key)
    assert (share.format, share.size) == ("JPEG", (1200, 630))
    # the whole (square) picture is there, centred: white bands left and right, the picture's colour in the middle
    assert share.getpixel((5, 315)) == (255, 255, 255)
    red, green, blue = share.getpixel((600, 315))
    assert red > 150 and green < 80 and blue < 80


def test_a_picture_chosen_on_a_refused_form_keeps_its_share_picture(temp_storage):  # noqa: F811
    shop = make_shop()
    pending = pending_images.keep_upload(shop, png_bytes(size=(40, 20)))
    assert pending.share_key and _picture(pending.share_key).size == (1200, 630)
    product = make_product(shop=shop)
    [image] = pending_images.attach(shop, product, [pending])
    assert image.share_key == pending.share_key


def test_deleting_a_picture_deletes_its_share_picture(temp_storage, app):  # noqa: F811
    shop = make_shop()
    product = make_product(shop=shop)
    image = product_images.add_image(shop, product, png_bytes())
    share = temp_storage / image.share_key
    assert share.exists()
    images.delete_image(image.storage_key, image.thumb_key, image.share_key)
    assert not share.exists()


def test_pictures_stored_before_get_theirs_in_batches(temp_storage):  # noqa: F811
    shop = make_shop()
    product = make_product(shop=shop)
    stored = [images.store_image(png_bytes(size=(64, 48)), "products") for _ in range(3)]
    rows = [ProductImage(product_id=product.id, storage_key=s.key, thumb_key=s.thumb_key, position=n, width=64, height=48)
            for n, s in enumerate(stored)]
    broken = ProductImage(product_id=product.id, storage_key="products/missing.webp", thumb_key="products/missing.webp",
                          position=9)
    db.session.add_all([*rows, broken])
    db.session.flush()

    total, after, batches = 0, None, 0
    while True:
        made, after = share_pictures.make_missing(after, limit=2)
        total, batches = total + made, batches + 1
        if after is None:
            break
    assert total == 3 and batches == 3  # 2 + 2 rows, then an empty batch ends it
    for row in rows:
        assert _picture(row.share_key).size == (1200, 630)
    assert broken.share_key is None  # its file is gone: logged and left without (the page shows the picture itself)
    assert share_pictures.make_missing()[0] == 0
