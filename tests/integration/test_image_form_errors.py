"""A refused picture on a web form: the form comes back (422) with the reason next to its file
field and everything the person typed still in it; nothing is created and no file is kept (but
on the new product form, whose good pictures wait for the next round as the shop's pending ones).

Every web form that takes pictures, with every kind of refusal it can meet: not an image, over
MAX_IMAGE_BYTES, over MAX_IMAGE_PIXELS, and more pictures than the form allows.
"""
import html
import io
import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import OrderStatus, PendingImage, Role
from marketplace.services.catalog.product_images import MAX_IMAGES
from marketplace.services.reviews.reviews import IMAGES_MAX, create_review
from tests.factories import make_category, make_order, make_product, make_shop, make_user
from tests.image_support import count_decodes, huge_png
from tests.security.support import db_fingerprint
from tests.seller_support import image_bytes, login, stored_files


@dataclass
class ImageForm:
    user: object
    url: str
    name: str  # the file input's name
    input_id: str  # its id, which the error's id repeats (<id>-error)
    data: dict
    kept: list[str]  # what the person typed, as the page must show it again (input values, textareas)
    many: int | None = None  # how many pictures the form takes, if it limits them
    headers: dict = field(default_factory=dict)
    keeps_good: bool = False  # the good pictures of a refused round are kept for the next (pending_images)



@pytest.fixture
def scene():
    seller = make_user(role=Role.SELLER)
    shop = make_shop(owner=seller, name="Before Shop")
    category = make_category()
    product = make_product(shop=shop, category=category, title="Saved Kettle")
    buyer = make_user(full_name="Before Buyer")
    line = make_order(buyer, product, status=OrderStatus.DELIVERED).items[0]
    other_line = make_order(buyer, product, status=OrderStatus.DELIVERED).items[0]
    review = create_review(buyer, other_line.id, 4, "Before text")
    db.session.commit()
    return {"seller": seller, "category": category, "product": product, "buyer": buyer, "line": line,
            "review": review}


def _new_product(s):
    return ImageForm(s["seller"], "/seller/products/new", "images", "images", {
        "title": "Typed Kettle", "description": "Typed description", "category_id": str(s["category"].id),
        "variants-0-sku": "TYPED-1", "variants-0-options": "Size=M", "variants-0-price": "12.34",
        "variants-0-stock": "7"},
        ['value="Typed Kettle"', "Typed description</textarea>", 'value="TYPED-1"', 'value="12.34"', 'value="7"'],
        many=MAX_IMAGES, keeps_good=True)


def _product_images(s):
    # The edit page's images form without JavaScript: nothing typed but the files; the page comes back.
    return ImageForm(s["seller"], f"/seller/products/{s['product'].id}/images", "images", "upload-images", {},
                     ['value="Saved Kettle"'], many=MAX_IMAGES)


def _product_images_htmx(s):
    form = _product_images(s)
    form.headers = {"HX-Request": "true", "HX-Target": "product-images"}
    form.kept = []
    return form


def _register_shop(s):
    return ImageForm(make_user(full_name="Would Be Seller"), "/seller/register", "logo", "logo",
                     {"name": "Typed Shop", "slug": "typed-shop", "description": "Typed about us"},
                     ['value="Typed Shop"', 'value="typed-shop"', "Typed about us</textarea>"])


def _edit_shop(s):
    return ImageForm(s["seller"], "/seller/shop", "logo", "logo",
                     {"name": "Typed New Name", "description": "Typed new about"},
                     ['value="Typed New Name"', "Typed new about</textarea>"])


def _new_review(s):
    return ImageForm(s["buyer"], f"/reviews/new?order_item_id={s['line'].id}", "images", "images",
                     {"rating": "2", "body": "Typed review text"}, ["Typed review text</textarea>", 'selected value="2"'],
                     many=IMAGES_MAX)


def _edit_review(s):
    return ImageForm(s["buyer"], f"/reviews/{s['review'].id}/edit", "images", "images",
                     {"rating": "3", "body": "Typed changed text"}, ["Typed changed text</textarea>", 'selected value="3"'],
                     many=IMAGES_MAX)


def _avatar(s):
    buyer = s["buyer"]
    return ImageForm(buyer, "/account/profile", "avatar", "avatar", {"full_name": "Typed Buyer", "email": buyer.email},
                     ['value="Typed Buyer"'])


FORMS = {"new_product": _new_product, "product_images": _product_images, "product_images_htmx": _product_images_htmx,
         "register_shop": _register_shop, "edit_shop": _edit_shop, "new_review": _new_review,
         "edit_review": _edit_review, "avatar": _avatar}

KINDS = {
    "not_an_image": (lambda: [(b"just text", "notes.jpg", "image/jpeg")], "not an image we can read"),
    "too_many_bytes": (lambda: [(image_bytes() + b"\0" * 300_000, "big.png", "image/png")], "larger than 256 KB"),
    "too_many_pixels": (lambda: [(huge_png(8000, 5000), "poster.png", "image/png")],
                        "This picture is 8000 x 5000 pixels; the limit is 25 megapixels."),
}


def error_next_to(page: str, input_id: str) -> str:
    """The error text rendered right after the file input, which points at it (aria-describedby)."""
    assert re.search(rf'id="{re.escape(input_id)}"[^>]*aria-describedby="[^"]*{re.escape(input_id)}-error', page) or \
        re.search(rf'aria-describedby="[^"]*{re.escape(input_id)}-error[^>]*id="{re.escape(input_id)}"', page), \
        f"#{input_id} does not point at its error"
    match = re.search(rf'id="{re.escape(input_id)}-error"[^>]*>([^<]*)<', page)
    assert match, f"no error element for #{input_id}"
    return html.unescape(match.group(1))


def submit(client, form: ImageForm, files):
    data = dict(form.data)
    data[form.name] = [(io.BytesIO(content), name, mime) for content, name, mime in files]
    return client.post(form.url, data=data, content_type="multipart/form-data", headers=form.headers)


def assert_form_back_with(response, form: ImageForm, message: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 422, f"{form.url}: {response.status_code} {response.headers.get('Location')}"
    assert message in error_next_to(page, form.input_id)
    for typed in form.kept:
        assert typed in page, f"{typed!r} was lost"
    return page


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_refused_picture_brings_the_form_back_with_the_reason_and_the_typed_values(
        app, client, storage, scene, monkeypatch, name, kind):
    monkeypatch.setitem(app.config, "MAX_IMAGE_BYTES", 256 * 1024)
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 25_000_000)
    form = FORMS[name](scene)
    db.session.commit()
    login(client, form.user)
    before = db_fingerprint()
    files, message = KINDS[kind]
    # Where a form takes several pictures, a good one goes first: all or none are kept.
    fine = [(image_bytes(), "fine.png", "image/png")] if form.many else []
    page = assert_form_back_with(submit(client, form, [*fine, *files()]), form, message)
    if form.keeps_good:  # the good one waits for the next round, shown; nothing else is kept
        [kept] = db.session.scalars(select(PendingImage)).all()
        assert f'name="kept_image" value="{kept.id}"' in page
        assert stored_files(storage.root) == sorted([kept.storage_key, kept.thumb_key, kept.share_key])
        db.session.delete(kept)
        db.session.flush()
    else:
        assert stored_files(storage.root) == []
    assert db_fingerprint() == before


@pytest.mark.parametrize("name", ["edit_review", "new_product", "new_review", "product_images", "product_images_htmx"])
def test_too_many_pictures_are_refused_before_any_is_decoded(app, client, storage, scene, monkeypatch, name):
    form = FORMS[name](scene)
    db.session.commit()
    login(client, form.user)
    before = db_fingerprint()
    decodes = count_decodes(monkeypatch)
    response = submit(client, form, [(image_bytes(), f"p{i}.png", "image/png") for i in range(form.many + 1)])
    assert_form_back_with(response, form, f"at most {form.many}")
    assert decodes == []
    assert db_fingerprint() == before
    assert stored_files(storage.root) == []


def test_the_images_form_without_javascript_shows_the_whole_edit_page(app, client, storage, scene):
    """No redirect and flash: the product page comes back with the product form and the panel's error."""
    form = _product_images(scene)
    login(client, form.user)
    response = submit(client, form, [(b"just text", "notes.jpg", "image/jpeg")])
    page = assert_form_back_with(response, form, "notes.jpg: That file is not an image we can read")
    assert 'id="product-form"' in page and 'id="product-images"' in page
    assert 'class="alert alert-danger' not in page.split('id="product-images"')[0]  # no flash above the page
