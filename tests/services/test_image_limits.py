"""What one upload may cost: pictures over MAX_IMAGE_PIXELS or with too many frames are refused
from their header, before any pixel is decoded; JPEGs are decoded at a reduced scale."""
import io

import pytest
from PIL import Image, JpegImagePlugin

from marketplace.services.core import images
from marketplace.services.core.errors import ValidationFailed
from tests.image_support import animation, count_decodes, header_only_png, huge_png, jpeg
from tests.seller_support import image_bytes, stored_files


@pytest.fixture
def limit(app, monkeypatch):
    """The production default, whatever the environment running the tests says."""
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 25_000_000)


def refusal(data: bytes) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        images.store_image(data, "products", field="images")
    return info.value


def test_the_default_limit_suits_product_photos():
    from config import Config

    assert Config.MAX_IMAGE_PIXELS == 25_000_000  # a 24 MP camera photo passes, a 40 MP "PNG" doesn't


def test_a_tiny_file_of_40_megapixels_is_refused_before_decoding(storage, limit, monkeypatch):
    data = huge_png(8000, 5000)
    assert len(data) < 10_000
    decodes = count_decodes(monkeypatch)
    error = refusal(data)
    assert error.message == "This picture is 8000 x 5000 pixels; the limit is 25 megapixels."
    assert error.code == "image_too_many_pixels" and error.fields == {"images": error.message}
    assert decodes == []
    assert stored_files(storage.root) == []


def test_a_bomb_with_missing_pixel_data_is_refused_by_its_size_not_by_decoding(storage, limit):
    """The header is fine and the data stops after four rows: had anything decoded it, the answer
    would be "not an image we can read" (or a 120 MB allocation first)."""
    error = refusal(header_only_png(8000, 5000))
    assert error.message == "This picture is 8000 x 5000 pixels; the limit is 25 megapixels."


def test_a_header_past_pillows_own_bomb_limit_gets_the_same_clear_refusal(storage, limit):
    """Pillow raises by itself at twice Image.MAX_IMAGE_PIXELS (about 179 MP): still a pixel refusal."""
    assert 20_000 * 10_000 > 2 * Image.MAX_IMAGE_PIXELS
    error = refusal(header_only_png(20_000, 10_000))
    assert error.code == "image_too_many_pixels"
    assert "the limit is 25 megapixels" in error.message


def test_the_limit_is_read_from_the_config(app, storage, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 1_000_000)
    assert images.store_image(image_bytes("PNG", size=(1000, 1000)), "products").width == 1000
    error = refusal(image_bytes("PNG", size=(1001, 1000)))
    assert error.message == "This picture is 1001 x 1000 pixels; the limit is 1 megapixel."
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 500_000)
    assert "the limit is 0.5 megapixels" in refusal(image_bytes("PNG", size=(1000, 1000))).message


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_an_animation_with_too_many_frames_is_refused_before_decoding(storage, limit, monkeypatch, fmt):
    data = animation(images.MAX_FRAMES + 1, fmt=fmt)
    assert Image.open(io.BytesIO(data)).n_frames == images.MAX_FRAMES + 1
    decodes = count_decodes(monkeypatch)
    error = refusal(data)
    assert error.message == f"This animation has {images.MAX_FRAMES + 1} frames; the limit is {images.MAX_FRAMES}."
    assert error.code == "image_too_many_frames"
    assert decodes == []
    assert stored_files(storage.root) == []


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_a_short_animation_is_kept_as_its_first_frame(storage, limit, fmt):
    stored = images.store_image(animation(3, size=(40, 30), fmt=fmt), "products")
    kept = Image.open(io.BytesIO(storage.read(stored.key)))
    assert kept.format == "WEBP" and kept.size == (40, 30)
    assert getattr(kept, "n_frames", 1) == 1


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(storage, limit, monkeypatch):
    """A 12 MP photo shown at 1600 px is decoded at half scale (2000 x 1500): a quarter of the memory."""
    drafts = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(image, mode, size):
        result = original(image, mode, size)
        drafts.append((size, image.size))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    decodes = count_decodes(monkeypatch)
    stored = images.store_image(jpeg((4000, 3000)), "products")
    assert drafts and drafts[0] == ((1600, 1200), (2000, 1500))
    assert decodes == [(2000, 1500)]
    assert (stored.width, stored.height) == (1600, 1200)
    thumb = Image.open(io.BytesIO(storage.read(stored.thumb_key)))
    assert thumb.size == (400, 300)


def test_a_jpeg_smaller_than_the_target_is_decoded_whole(storage, limit, monkeypatch):
    decodes = count_decodes(monkeypatch)
    stored = images.store_image(jpeg((1200, 900)), "products")
    assert decodes == [(1200, 900)] and (stored.width, stored.height) == (1200, 900)


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"])
def test_every_png_mode_within_the_limit_is_stored_at_its_display_size(storage, limit, mode):
    out = io.BytesIO()
    Image.new(mode, (3200, 1800)).save(out, "PNG")
    stored = images.store_image(out.getvalue(), "products")
    kept = Image.open(io.BytesIO(storage.read(stored.key)))
    assert kept.size == (1600, 900) and kept.mode in ("RGB", "RGBA")
