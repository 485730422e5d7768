"""Uploads: SVG, HTML, a polyglot with an image extension, an oversized file and a tiny file of
too many pixels are refused with a clear message on every upload route, and nothing is stored
(no file, no row change).

The upload routes are the forms with enctype="multipart/form-data" and the API views marked
@takes_files (api/errors.py); a template that gains such a form, or an API view so marked,
without an entry in UPLOADS fails test_every_upload_form_is_covered / test_every_api_upload_is_covered.
"""
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from marketplace.api.errors import view_takes_files
from marketplace.extensions import db
from marketplace.models import Order, OrderStatus, Role
from marketplace.models.base import utcnow
from marketplace.services.reviews.reviews import create_review
from tests.factories import make_category, make_order, make_product, make_shop, make_user
from tests.image_support import count_decodes, huge_png
from tests.security.support import XSS_SCRIPT, client_for, db_fingerprint
from tests.seller_support import stored_files

ROOT = Path(__file__).resolve().parents[2]

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
       "logo.svg", "image/svg+xml")
HTML = (b"<!doctype html><html><body><script>alert(1)</script></body></html>", "photo.html", "text/html")
POLYGLOT = (b"GIF89a/*\x00\x00" + XSS_SCRIPT.encode() + b"*/=1;", "photo.jpg", "image/jpeg")
BAD_FILES = {"svg": SVG, "html": HTML, "polyglot": POLYGLOT}
REFUSAL_TEXT = ("Upload a JPEG, PNG, WebP or GIF", "not an image we can read")


def png(size=(40, 30), noise=False) -> bytes:
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise else Image.new("RGB", size, "red")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class Upload:
    user: object
    path: str
    field: str
    form: dict
    headers: dict | None = None
    method: str = "POST"


def _register_shop(w):
    return Upload(make_user(full_name="Would Be Seller"), "/seller/register", "logo",
                  {"name": "Upload Shop", "slug": "upload-shop", "description": "x"})


def _edit_shop(w):
    return Upload(w["seller"], "/seller/shop", "logo", {"name": "Renamed Shop", "description": "changed"})


def _new_product(w):
    return Upload(w["seller"], "/seller/products/new", "images", {
        "title": "Upload Kettle", "description": "x", "category_id": str(w["category"].id),
        "variants-0-sku": "UP-1", "variants-0-options": "", "variants-0-price": "10.00", "variants-0-stock": "3"})


def _product_images(w):
    # the edit page posts this form with htmx into its images panel (a plain post gets PRG + flash)
    return Upload(w["seller"], f"/seller/products/{w['product'].id}/images", "images", {},
                  headers={"HX-Request": "true", "HX-Target": "product-images"})


def _avatar(w):
    buyer = w["buyer"]
    return Upload(buyer, "/account/profile", "avatar", {"full_name": "Renamed Buyer", "email": buyer.email})


def _new_review(w):
    return Upload(w["buyer"], f"/reviews/new?order_item_id={w['line'].id}", "images", {"rating": "5", "body": "Great"})


def _edit_review(w):
    return Upload(w["buyer"], f"/reviews/{w['review'].id}/edit", "images", {"rating": "3", "body": "Changed"})


def _new_return(w):
    order = db.session.get(Order, w["line"].order_id)
    order.delivered_at = utcnow()  # within the return window
    return Upload(w["buyer"], f"/orders/{order.id}/return", "images",
                  {f"quantity-{w['line'].id}": "1", "reason": "DAMAGED", "details": "Broken"})


def _api_review_images(w):
    return Upload(w["buyer"], f"/api/v1/reviews/{w['review'].id}/images", "images", {})


def _api_return_images(w):
    from marketplace.services.returns import returns

    order = db.session.get(Order, w["line"].order_id)
    order.delivered_at = utcnow()  # within the return window
    request = returns.request_return(w["buyer"], order.id, {w["line"].id: 1}, "DAMAGED", "Broken")
    return Upload(w["buyer"], f"/api/v1/returns/{request.id}/images", "images", {})


def _api_avatar(w):
    return Upload(w["buyer"], "/api/v1/profile/avatar", "avatar", {}, method="PUT")


# endpoint: (how to make the request, the template of its form; None for the JSON API's upload views)
UPLOADS: dict[str, tuple[Callable, str | None]] = {
    "seller.register_shop": (_register_shop, "seller/register_shop.html"),
    "seller.edit_shop": (_edit_shop, "seller/edit_shop.html"),
    "seller.new_product": (_new_product, "seller/partials/_product_form.html"),
    "seller.upload_images": (_product_images, "seller/partials/_images.html"),
    "account.profile": (_avatar, "account/profile.html"),
    "reviews.new_review": (_new_review, "reviews/new.html"),
    "reviews.edit_review": (_edit_review, "reviews/edit.html"),
    "returns.new_return": (_new_return, "returns/new.html"),
    "api.add_review_images": (_api_review_images, None),
    "api.add_return_images": (_api_return_images, None),
    "api.set_avatar": (_api_avatar, None),
}



@pytest.fixture
def scene():
    seller = make_user(role=Role.SELLER)
    shop = make_shop(owner=seller)
    category = make_category()
    product = make_product(shop=shop, category=category)
    buyer = make_user(full_name="Upload Buyer")
    line = make_order(buyer, product, status=OrderStatus.DELIVERED).items[0]
    other_line = make_order(buyer, product, status=OrderStatus.DELIVERED).items[0]
    review = create_review(buyer, other_line.id, 4, "Fine")
    db.session.commit()
    return {"seller": seller, "shop": shop, "category": category, "product": product, "buyer": buyer,
            "line": line, "review": review}


def post(app, upload: Upload, files: list[tuple[bytes, str, str]]):
    client = client_for(app, upload.user)
    data = dict(upload.form)
    data[upload.field] = [(io.BytesIO(content), name, mime) for content, name, mime in files]
    return client.open(upload.path, method=upload.method, data=data, content_type="multipart/form-data",
                       headers=upload.headers)


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_file_that_is_not_a_raster_image_is_refused_and_nothing_is_stored(app, storage, scene, endpoint, kind):
    upload = UPLOADS[endpoint][0](scene)
    db.session.commit()
    before = db_fingerprint()
    response = post(app, upload, [BAD_FILES[kind]])
    body = response.get_data(as_text=True)
    assert response.status_code == 422, f"{endpoint} {kind}: {response.status_code}"
    assert any(text in body for text in REFUSAL_TEXT), f"{endpoint} {kind}: no clear message"
    assert XSS_SCRIPT not in body
    assert stored_files(storage.root) == []
    assert db_fingerprint() == before, f"{endpoint} {kind} changed the database"


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
def test_an_image_over_the_size_limit_is_refused_and_nothing_is_stored(app, storage, scene, endpoint, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_BYTES", 20_000)
    upload = UPLOADS[endpoint][0](scene)
    db.session.commit()
    big = png((120, 120), noise=True)
    assert len(big) > 20_000
    before = db_fingerprint()
    response = post(app, upload, [(big, "big.png", "image/png")])
    assert response.status_code == 422
    assert "larger than 19 KB" in response.get_data(as_text=True)
    assert stored_files(storage.root) == []
    assert db_fingerprint() == before


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
def test_a_small_file_of_too_many_pixels_is_refused_before_decoding(app, storage, scene, endpoint, monkeypatch):
    """The probe's 40 MP PNG: a few KB on the wire, 1.4 s of CPU and 270 MB once decoded."""
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 25_000_000)
    upload = UPLOADS[endpoint][0](scene)
    db.session.commit()
    before = db_fingerprint()
    decodes = count_decodes(monkeypatch)
    response = post(app, upload, [(huge_png(8000, 5000), "poster.png", "image/png")])
    assert response.status_code == 422, f"{endpoint}: {response.status_code}"
    assert "This picture is 8000 x 5000 pixels; the limit is 25 megapixels." in response.get_data(as_text=True)
    assert decodes == [], f"{endpoint} decoded the picture before refusing it"
    assert stored_files(storage.root) == []
    assert db_fingerprint() == before


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
def test_a_request_over_max_content_length_is_a_413(app, storage, scene, endpoint, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 30_000)
    upload = UPLOADS[endpoint][0](scene)
    db.session.commit()
    before = db_fingerprint()
    response = post(app, upload, [(png((120, 120), noise=True), "huge.png", "image/png")])
    assert response.status_code == 413
    if upload.path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "payload_too_large"
    else:
        assert "too large" in response.get_data(as_text=True)
    assert stored_files(storage.root) == []
    assert db_fingerprint() == before


def test_a_decodable_polyglot_is_stored_only_as_our_own_webp(app, storage, scene):
    """A real PNG with HTML after its end decodes, so it is accepted: but what is stored and
    served is our re-encoding, which carries none of the trailing bytes."""
    upload = UPLOADS["seller.upload_images"][0](scene)
    trailing = b"<html><script>alert(1)</script></html>"
    response = post(app, upload, [(png() + trailing, "photo.png", "image/png")])
    assert response.status_code == 200
    files = stored_files(storage.root)
    pictures = [name for name in files if name.endswith(".webp")]
    # beside them, the link-preview picture: our own JPEG re-encoding too (services/core/images.py)
    assert pictures and all(name.endswith(".webp") or name.endswith("-share.jpg") for name in files)
    for name in files:
        data = (storage.root / name).read_bytes()
        assert b"<script>" not in data
        assert data[:4] == b"RIFF" and data[8:12] == b"WEBP" if name.endswith(".webp") else data[:3] == b"\xff\xd8\xff"
    served = client_for(app, None).get(f"/media/{pictures[0]}")
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_every_upload_form_is_covered():
    """Every template with a multipart form is one of the tested upload routes (the product
    form's file field shows only on the new-product page: editing adds images via upload_images)."""
    multipart = {str(path.relative_to(ROOT / "templates")) for path in (ROOT / "templates").rglob("*.html")
                 if "multipart/form-data" in path.read_text(encoding="utf-8")}
    assert multipart == {template for _, template in UPLOADS.values() if template}


def test_every_api_upload_is_covered(app):
    """The API reads JSON only, but for the views marked @takes_files: each of them is tested here."""
    marked = {endpoint for endpoint in app.view_functions if view_takes_files(endpoint)}
    assert marked == {endpoint for endpoint, (_, template) in UPLOADS.items() if template is None}
