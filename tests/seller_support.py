"""Helpers for the shop, seller-center and storage tests: logins, images, a temporary upload dir."""
import io

import pytest
from PIL import Image

from marketplace.storage import LocalStorage
from tests.factories import login  # noqa: F401 - re-exported: the one sign-in helper



def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), color=(200, 30, 30), **save_args) -> bytes:
    mode = "RGBA" if fmt == "PNG" and save_args.pop("alpha", False) else "RGB"
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save_args)
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    """A JPEG that carries camera make, a GPS block and 'rotate 90°' in its EXIF."""
    image = Image.new("RGB", (80, 40), (10, 120, 200))
    exif = image.getexif()
    exif[0x010F] = "SpyCam"       # Make
    exif[0x0112] = 6              # Orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (10.0, 45.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def use_temp_storage(app, tmp_path):
    """Point the app's storage at tmp_path; returns (storage, restore)."""
    previous = app.extensions.get("storage")
    storage = LocalStorage(tmp_path)
    app.extensions["storage"] = storage

    def restore():
        if previous is None:
            app.extensions.pop("storage", None)
        else:
            app.extensions["storage"] = previous

    return storage, restore


@pytest.fixture
def storage(app, tmp_path):
    """Uploads go to a LocalStorage under the test's temporary directory (its `.root`)."""
    local, restore = use_temp_storage(app, tmp_path)
    yield local
    restore()


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
