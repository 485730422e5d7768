"""Storage backends (local disk, S3 via moto) and the image upload checks."""
import io

import boto3
import pytest
from moto import mock_aws
from PIL import Image

from marketplace.services.core import images
from marketplace.services.core.errors import ValidationFailed
from marketplace.storage import LocalStorage, S3Storage, get_storage, media_url
from tests.seller_support import image_bytes, jpeg_with_exif, stored_files

# --- local disk -------------------------------------------------------------------------

def test_local_storage_save_read_url_delete(app, tmp_path):
    storage = LocalStorage(tmp_path / "uploads")
    storage.save("products/abc.webp", b"data", "image/webp")
    assert storage.read("products/abc.webp") == b"data"
    assert stored_files(tmp_path / "uploads") == ["products/abc.webp"]  # no ".part" left behind
    with app.test_request_context():
        assert storage.url("products/abc.webp") == "/media/products/abc.webp"
    storage.delete("products/abc.webp")
    storage.delete("products/abc.webp")  # deleting twice is fine
    with pytest.raises(FileNotFoundError):
        storage.read("products/abc.webp")


@pytest.mark.parametrize("key", ["../escape.txt", "products/../../escape.txt", "/etc/passwd", "", ".",
                                 "products/..", "a\x00b", "..\\escape.txt"])
def test_local_storage_refuses_keys_outside_its_directory(tmp_path, key):
    root = tmp_path / "uploads"
    storage = LocalStorage(root)
    for call in (lambda: storage.save(key, b"x", "text/plain"), lambda: storage.read(key),
                 lambda: storage.delete(key)):
        with pytest.raises(ValueError):
            call()
    assert not (tmp_path / "escape.txt").exists()


def test_local_storage_refuses_a_symlink_out(tmp_path):
    root = tmp_path / "uploads"
    root.mkdir()
    (tmp_path / "secret").mkdir()
    (root / "link").symlink_to(tmp_path / "secret")
    with pytest.raises(ValueError):
        LocalStorage(root).save("link/x.webp", b"x", "image/webp")


def test_media_route_serves_local_files_without_traversal(app, client, storage):
    storage.save("products/pic.webp", image_bytes("WEBP"), "image/webp")
    response = client.get("/media/products/pic.webp")
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/media/../config.py").status_code == 404
    assert client.get("/media/%2e%2e/config.py").status_code == 404


# --- S3 (moto) ----------------------------------------------------------------------------

@pytest.fixture
def s3(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="mp-test")
        yield boto3.client("s3", region_name="us-east-1")


def test_s3_save_read_url_delete(s3):
    storage = S3Storage("mp-test", "us-east-1", None, "")
    storage.save("products/k.webp", b"bytes", "image/webp")
    head = s3.head_object(Bucket="mp-test", Key="products/k.webp")
    assert head["ContentType"] == "image/webp"
    assert "immutable" in head["CacheControl"]
    assert storage.read("products/k.webp") == b"bytes"
    url = storage.url("products/k.webp")
    assert "mp-test" in url and "products/k.webp" in url and "Signature" in url
    storage.delete("products/k.webp")
    with pytest.raises(FileNotFoundError):
        storage.read("products/k.webp")


def test_s3_public_url(s3):
    storage = S3Storage("mp-test", "us-east-1", None, "https://cdn.example.com/media/")
    assert storage.url("products/k.webp") == "https://cdn.example.com/media/products/k.webp"


def test_store_image_on_s3_through_the_app_config(app, s3, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "s3")
    monkeypatch.setitem(app.config, "S3_BUCKET", "mp-test")
    monkeypatch.setitem(app.config, "S3_PUBLIC_URL", "https://cdn.example.com")
    previous = app.extensions.pop("storage", None)
    try:
        with app.test_request_context():
            assert isinstance(get_storage(), S3Storage)
            stored = images.store_image(image_bytes("PNG"), "products")
            keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="mp-test")["Contents"])
            assert keys == sorted([stored.key, stored.thumb_key])
            assert media_url(stored.key) == f"https://cdn.example.com/{stored.key}"
            images.delete_image(stored.key, stored.thumb_key)
            assert s3.list_objects_v2(Bucket="mp-test")["KeyCount"] == 0
    finally:
        app.extensions.pop("storage", None)
        if previous is not None:
            app.extensions["storage"] = previous


# --- image checks ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_accepted_formats_are_reencoded_to_webp_with_a_thumbnail(storage, fmt):
    stored = images.store_image(image_bytes(fmt, size=(2000, 1000)), "products")
    assert stored.key.startswith("products/") and stored.key.endswith(".webp")
    assert (stored.width, stored.height) == (1600, 800)
    full = Image.open(io.BytesIO(storage.read(stored.key)))
    thumb = Image.open(io.BytesIO(storage.read(stored.thumb_key)))
    assert full.format == thumb.format == "WEBP"
    assert full.size == (1600, 800) and thumb.size == (400, 200)


def test_names_are_random(storage):
    first = images.store_image(image_bytes(), "products")
    second = images.store_image(image_bytes(), "products")
    assert first.key != second.key


def test_phone_multi_picture_jpeg_is_accepted(storage):
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(out, "MPO", save_all=True, append_images=[Image.new("RGB", (30, 20))])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    assert images.store_image(out.getvalue(), "products").width == 30


def test_exif_is_stripped_after_applying_its_rotation(storage):
    data = jpeg_with_exif()
    assert Image.open(io.BytesIO(data)).getexif()  # the upload does carry EXIF
    stored = images.store_image(data, "products")
    kept = Image.open(io.BytesIO(storage.read(stored.key)))
    assert not kept.getexif()
    assert "exif" not in kept.info and "xmp" not in kept.info
    assert b"SpyCam" not in storage.read(stored.key)
    assert kept.size == (40, 80)  # rotated upright, as the camera asked


def test_transparency_survives(storage):
    stored = images.store_image(image_bytes("PNG", color=(0, 0, 0, 0), alpha=True), "logos")
    kept = Image.open(io.BytesIO(storage.read(stored.key)))
    assert kept.mode == "RGBA" and kept.getpixel((0, 0))[3] == 0


def test_logo_style_single_file(storage):
    stored = images.store_image(image_bytes(size=(1000, 1000)), "logos", max_side=512, thumbnail=False)
    assert stored.thumb_key == stored.key and (stored.width, stored.height) == (512, 512)
    assert stored_files(storage.root) == [stored.key]


REFUSED = {
    "text": b"just some text, not an image",
    "html named x.jpg": b"<!doctype html><html><script>alert(1)</script></html>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "truncated png": image_bytes("PNG", size=(300, 300))[:120],
    "empty": b"",
    "bmp": image_bytes("BMP"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_non_images_are_refused_with_a_clear_message_and_nothing_stored(storage, name):
    with pytest.raises(ValidationFailed) as info:
        images.store_image(REFUSED[name], "products", field="images")
    assert info.value.code == "image_invalid"
    assert info.value.fields == {"images": info.value.message}
    assert "JPEG, PNG, WebP or GIF" in info.value.message or "empty" in info.value.message
    assert stored_files(storage.root) == []


def test_oversized_file_is_refused_before_decoding(app, storage, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_BYTES", 2 * 1024 * 1024)
    data = image_bytes("PNG") + b"\0" * (2 * 1024 * 1024)
    with pytest.raises(ValidationFailed) as info:
        images.store_image(data, "products")
    assert info.value.code == "image_too_large"
    assert "larger than 2 MB" in info.value.message
    assert stored_files(storage.root) == []


def test_too_many_pixels_is_refused(app, storage, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValidationFailed) as info:
        images.store_image(image_bytes(size=(20, 20)), "products")
    assert info.value.message == "This picture is 20 x 20 pixels; the limit is 100 pixels."
    assert stored_files(storage.root) == []


def test_a_failed_second_write_removes_the_first(storage, monkeypatch):
    calls = []
    original = storage.save

    def flaky(key, data, content_type):
        calls.append(key)
        if len(calls) == 2:
            raise OSError("disk full")
        original(key, data, content_type)

    monkeypatch.setattr(storage, "save", flaky)
    with pytest.raises(OSError):
        images.store_image(image_bytes(), "products")
    assert stored_files(storage.root) == []


def test_any_decoder_failure_is_a_clear_refusal(storage, monkeypatch):
    import struct

    def broken(_image):
        raise struct.error("bad EXIF offset")  # what a hostile EXIF block can make Pillow raise

    monkeypatch.setattr(images.ImageOps, "exif_transpose", broken)
    with pytest.raises(ValidationFailed) as info:
        images.store_image(jpeg_with_exif(), "products")
    assert info.value.code == "image_invalid"
    assert stored_files(storage.root) == []
