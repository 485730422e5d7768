"""Seller center products: list, create, edit with variant rows, publish, delete, images, access."""
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import PendingImage, Product, ProductImage, ProductStatus, ProductVariant, Role
from marketplace.services.cart import cart
from marketplace.services.ordering import checkout
from tests.factories import make_address, make_category, make_product, make_shop, make_user
from tests.seller_support import image_bytes, login, stored_files


@pytest.fixture
def shop(client):
    owner = make_user(role=Role.SELLER)
    shop = make_shop(owner=owner)
    db.session.commit()
    login(client, owner)
    return shop


@pytest.fixture
def category():
    category = make_category(name="Áo khoác")
    db.session.commit()
    return category


def htmx(target: str) -> dict:
    return {"HX-Request": "true", "HX-Target": target}


def rows(*variants) -> dict:
    data = {}
    for i, (sku, options, price, stock) in enumerate(variants):
        data.update({f"variants-{i}-sku": sku, f"variants-{i}-options": options,
                     f"variants-{i}-price": price, f"variants-{i}-stock": stock})
    return data


def product_form(category, **extra) -> dict:
    data = {"title": "Áo khoác Đà Lạt", "description": "Ấm", "category_id": str(category.id),
            **rows(("AK-DO", "Màu=Đỏ", "25.00", "3"), ("AK-XANH", "Màu=Xanh", "19.99", "0"))}
    data.update(extra)
    return data


def shop_products(shop) -> list[Product]:
    return list(db.session.scalars(select(Product).where(Product.shop_id == shop.id)))


# --- create -----------------------------------------------------------------------------------

def test_new_product_page_offers_categories_and_one_variant_row(client, shop, category):
    child = make_category(parent=category, name="Nữ")
    db.session.commit()
    html = client.get("/seller/products/new").get_data(as_text=True)
    assert "Áo khoác › Nữ" in html and str(child.id) in html
    assert 'name="variants-0-sku"' in html and 'name="variants-1-sku"' not in html
    assert "js/seller.js" in html


def test_create_and_publish_with_two_variants_and_images(client, shop, category, storage):
    data = product_form(category, publish="1", images=[
        (io.BytesIO(image_bytes("PNG")), "photo.jpg", "image/jpeg"),  # a .jpg name with PNG content decodes: fine
        (io.BytesIO(image_bytes("JPEG")), "b.jpg", "image/jpeg")])
    response = client.post("/seller/products/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    [product] = shop_products(shop)
    assert response.headers["Location"].endswith(f"/seller/products/{product.id}/edit")
    assert product.status == ProductStatus.ACTIVE
    assert [(v.sku, v.name, v.price, v.stock) for v in product.variants] == [
        ("AK-DO", "Đỏ", 2500, 3), ("AK-XANH", "Xanh", 1999, 0)]
    assert product.min_price == 1999
    assert [i.position for i in product.images] == [0, 1]
    assert len(stored_files(storage.root)) == 6  # each image, its thumbnail and its share picture
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is published" in page and "AK-XANH" in page and 'value="19.99"' in page


def test_save_as_draft(client, shop, category):
    client.post("/seller/products/new", data=product_form(category, draft="1"))
    assert shop_products(shop)[0].status == ProductStatus.DRAFT


def test_create_errors_land_on_their_fields_and_keep_input(client, shop, category):
    make_product(shop=shop, variants=[{"sku": "AK-DO"}], title="Old jacket")
    db.session.commit()
    data = product_form(category, **{"variants-1-price": "abc"})
    response = client.post("/seller/products/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="variants-1-price-error"' in html and "not a price" in html
    assert 'value="Áo khoác Đà Lạt"' in html and 'value="AK-XANH"' in html
    data = product_form(category)
    html = client.post("/seller/products/new", data=data).get_data(as_text=True)
    assert 'id="variants-0-sku-error"' in html and "already used by “Old jacket”" in html
    assert [p.title for p in shop_products(shop)] == ["Old jacket"]


def test_create_without_category_or_variants(client, shop, category):
    html = client.post("/seller/products/new", data={"title": "No category", "category_id": "",
                                                     **rows(("S-1", "", "5", "1"))}).get_data(as_text=True)
    assert 'id="category_id-error"' in html and "Choose a category." in html
    html = client.post("/seller/products/new", data={"title": "No rows", "category_id": str(category.id),
                                                     **rows(("S-1", "", "5", "1")), "variants-0-remove": "y"}
                       ).get_data(as_text=True)
    assert "Add at least one variant" in html and 'class="alert alert-danger"' in html
    html = client.post("/seller/products/new", data={"title": "Blank row", "category_id": str(category.id)}
                       ).get_data(as_text=True)
    assert 'id="variants-0-sku-error"' in html and 'id="variants-0-price-error"' in html
    assert shop_products(shop) == []


@pytest.mark.parametrize("upload, message", [
    ((b"<!doctype html><title>x</title>", "x.jpg", "image/jpeg"), "not an image we can read"),
    ((b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "x.svg", "image/svg+xml"), "not an image we can read"),
    ((b"hello", "notes.txt", "text/plain"), "not an image we can read"),
])
def test_create_with_a_bad_image_creates_nothing_and_keeps_the_good_one(client, shop, category, storage, upload,
                                                                        message):
    data, name, mimetype = upload
    form = product_form(category, images=[(io.BytesIO(image_bytes()), "good.png", "image/png"),
                                          (io.BytesIO(data), name, mimetype)])
    response = client.post("/seller/products/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="images-error"' in html and f"{name}: That file is {message}" in html
    assert shop_products(shop) == []
    [kept] = db.session.scalars(select(PendingImage).where(PendingImage.shop_id == shop.id)).all()
    assert f'name="kept_image" value="{kept.id}"' in html and f"/media/{kept.thumb_key}" in html
    assert stored_files(storage.root) == sorted([kept.storage_key, kept.thumb_key, kept.share_key])  # only the good one


def test_make_the_rows_without_javascript_keeps_what_was_typed(client, shop, category):
    data = product_form(category, make_rows="1", **{"options-0-name": "Màu", "options-0-values": "Đỏ, Xanh, Đen"})
    response = client.post("/seller/products/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="variants-2-sku"' in html and 'name="variants-3-sku"' not in html
    assert 'value="AK-XANH"' in html and 'value="Màu=Đen"' in html
    assert shop_products(shop) == []


# --- edit ---------------------------------------------------------------------------------------

def make_owned(shop, category, **fields):
    product = make_product(shop=shop, category=category, status=ProductStatus.DRAFT, variants=[
        {"sku": "E-1", "options": {"Size": "S"}, "name": "S", "price": 1000, "stock": 1},
        {"sku": "E-2", "options": {"Size": "M"}, "name": "M", "price": 2000, "stock": 2}], **fields)
    db.session.commit()
    return product


def test_edit_page_prefills_variants(client, shop, category):
    product = make_owned(shop, category)
    html = client.get(f"/seller/products/{product.id}/edit").get_data(as_text=True)
    assert 'value="E-1"' in html and 'value="Size=S"' in html and 'value="10.00"' in html
    assert 'name="options-0-name"' in html and 'value="Size"' in html and 'value="S, M"' in html
    assert f'value="{product.variants[0].id}"' in html
    assert "Publish" in html and 'id="product-images"' in html


def test_edit_updates_adds_and_retires_variants_and_min_price(client, shop, category):
    product = make_owned(shop, category)
    small, medium = product.variants
    data = {"title": "Renamed", "description": "", "category_id": str(category.id),
            "variants-0-id": str(small.id), "variants-0-sku": "E-1", "variants-0-options": "Size=S",
            "variants-0-price": "15.00", "variants-0-stock": "4", "variants-0-stock_seen": "1",
            "variants-1-id": str(medium.id), "variants-1-sku": "E-2", "variants-1-options": "Size=M",
            "variants-1-price": "20.00", "variants-1-stock": "2", "variants-1-stock_seen": "2",
            "variants-1-remove": "y",
            "variants-5-sku": "E-3", "variants-5-options": "Size=L", "variants-5-price": "12.50",
            "variants-5-stock": "9"}
    response = client.post(f"/seller/products/{product.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    product = db.session.get(Product, product.id)
    live = [(v.sku, v.price, v.stock) for v in product.variants if v.deleted_at is None]
    assert live == [("E-1", 1500, 4), ("E-3", 1250, 9)]
    assert product.title == "Renamed" and product.min_price == 1250


def test_a_row_removed_in_the_browser_retires_its_variant(client, shop, category):
    product = make_owned(shop, category)
    small = product.variants[0]
    data = {"title": product.title, "category_id": str(category.id), "variants-0-id": str(small.id),
            "variants-0-sku": "E-1", "variants-0-options": "Size=S", "variants-0-price": "10.00",
            "variants-0-stock": "1", "variants-0-stock_seen": "1"}
    assert client.post(f"/seller/products/{product.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert [v.sku for v in db.session.get(Product, product.id).variants if v.deleted_at is None] == ["E-1"]


def test_edit_with_a_duplicate_sku_changes_nothing(client, shop, category):
    product = make_owned(shop, category)
    small, medium = product.variants
    data = {"title": "Changed title", "category_id": str(category.id),
            "variants-0-id": str(small.id), "variants-0-sku": "SAME", "variants-0-options": "Size=S",
            "variants-0-price": "10.00", "variants-0-stock": "1", "variants-0-stock_seen": "1",
            "variants-1-id": str(medium.id), "variants-1-sku": "SAME", "variants-1-options": "Size=M",
            "variants-1-price": "20.00", "variants-1-stock": "2", "variants-1-stock_seen": "2"}
    response = client.post(f"/seller/products/{product.id}/edit", data=data)
    assert response.status_code == 422
    assert 'id="variants-1-sku-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    product = db.session.get(Product, product.id)
    assert product.title != "Changed title" and [v.sku for v in product.variants] == ["E-1", "E-2"]


# --- stock: units sold while the edit page is open stay sold ------------------------------------

def sell(variant, quantity: int) -> None:
    """A buyer checks out `quantity` units through the real checkout."""
    buyer = make_user()
    address = make_address(buyer)
    cart.add_item(buyer, variant.id, quantity)
    checkout.place_orders(buyer, address.id, "COD", idempotency_key=f"sale-{buyer.id}")
    db.session.commit()


def stock_of(variant) -> int:
    return db.session.scalar(select(ProductVariant.stock).where(ProductVariant.id == variant.id))


def hidden_value(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*type="hidden"[^>]*value="([^"]*)"', html).group(1)


def edit_form(page: str, **changes) -> dict:
    """The edit form as the browser would send it back: every input of the page, then `changes`."""
    fields = re.findall(r'<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"', page)
    data = {name: value for name, value in fields
            if name.startswith(("variants-", "options-", "title")) and not name.endswith("-remove")}  # unticked boxes
    data.update(category_id=re.search(r'<select[^>]*name="category_id".*?<option selected value="([^"]+)"',
                                      page, re.S).group(1), **changes)
    return data


@pytest.fixture
def on_sale(shop, category):
    product = make_product(shop=shop, category=category, title="Nón lá", variants=[
        {"sku": "N-1", "options": {"Size": "S"}, "name": "S", "price": 1000, "stock": 10},
        {"sku": "N-2", "options": {"Size": "M"}, "name": "M", "price": 1000, "stock": 5}])
    db.session.commit()
    return product


def test_the_edit_form_carries_the_stock_the_seller_saw(client, shop, on_sale):
    page = client.get(f"/seller/products/{on_sale.id}/edit").get_data(as_text=True)
    assert hidden_value(page, "variants-0-stock_seen") == "10" and hidden_value(page, "variants-1-stock_seen") == "5"
    assert "units sold while this page is open stay sold" in page
    fragment = client.post(f"/seller/products/{on_sale.id}/grid", data={
        **edit_form(page), "options-0-values": "S, M, L"}).get_data(as_text=True)
    assert hidden_value(fragment, "variants-1-stock_seen") == "5"
    assert hidden_value(fragment, "variants-2-stock_seen") == ""  # a new row takes the stock as typed


def test_saving_a_title_does_not_bring_back_sold_units(client, shop, on_sale):
    """Audit finding 1: stock 10, page opened, a buyer takes 3, the seller saves a title change."""
    page = client.get(f"/seller/products/{on_sale.id}/edit").get_data(as_text=True)
    small, medium = on_sale.variants
    sell(small, 3)
    response = client.post(f"/seller/products/{on_sale.id}/edit", data=edit_form(page, title="Nón lá Huế"))
    assert response.status_code == 302
    assert (stock_of(small), stock_of(medium)) == (7, 5)
    assert db.session.get(Product, on_sale.id).title == "Nón lá Huế"


def test_a_stock_edit_applies_as_a_change_and_untouched_rows_keep_todays_stock(client, shop, on_sale):
    page = client.get(f"/seller/products/{on_sale.id}/edit").get_data(as_text=True)
    small, medium = on_sale.variants
    sell(small, 3)
    sell(medium, 2)
    data = edit_form(page, **{"variants-0-stock": "15",   # +5 on the 7 left
                              "options-0-values": "S, M, L",
                              "variants-7-sku": "N-3", "variants-7-options": "Size=L", "variants-7-price": "10.00",
                              "variants-7-stock": "4"})  # a new row: as typed
    assert client.post(f"/seller/products/{on_sale.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    live = [(v.sku, v.stock) for v in db.session.get(Product, on_sale.id).variants if v.deleted_at is None]
    assert live == [("N-1", 12), ("N-2", 3), ("N-3", 4)]


def test_a_decrease_below_what_is_left_is_refused_and_the_form_keeps_what_was_typed(client, shop, on_sale):
    page = client.get(f"/seller/products/{on_sale.id}/edit").get_data(as_text=True)
    small, medium = on_sale.variants
    sell(small, 3)
    data = edit_form(page, title="Nón lá mới", **{"variants-0-stock": "2", "variants-0-price": "12.50",
                                                  "variants-1-stock": "6"})
    response = client.post(f"/seller/products/{on_sale.id}/edit", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="variants-0-stock-error"' in html
    assert "Only 7 left now: 3 sold since you opened this page" in html
    assert 'value="Nón lá mới"' in html and 'value="12.50"' in html
    assert re.search(r'name="variants-0-stock"[^>]*value="2"', html)
    assert re.search(r'name="variants-1-stock"[^>]*value="6"', html)
    # nothing saved
    db.session.expire_all()
    product = db.session.get(Product, on_sale.id)
    assert product.title == "Nón lá" and (stock_of(small), stock_of(medium)) == (7, 5)
    assert small.price == 1000
    # the refused row now counts from the 7 left; the other keeps its own change (+1)
    assert hidden_value(html, "variants-0-stock_seen") == "7" and hidden_value(html, "variants-1-stock_seen") == "5"
    again = client.post(f"/seller/products/{on_sale.id}/edit", data=edit_form(html))
    assert again.status_code == 302
    assert (stock_of(small), stock_of(medium)) == (2, 6)
    assert db.session.get(Product, on_sale.id).title == "Nón lá mới"


def test_a_form_without_the_stock_it_showed_is_refused(client, shop, on_sale):
    page = client.get(f"/seller/products/{on_sale.id}/edit").get_data(as_text=True)
    small, _ = on_sale.variants
    sell(small, 3)
    data = {k: v for k, v in edit_form(page, title="Old tab").items() if not k.endswith("stock_seen")}
    response = client.post(f"/seller/products/{on_sale.id}/edit", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="variants-0-stock-error"' in html and "which stock this page showed: it is 7 now." in html
    assert db.session.get(Product, on_sale.id).title == "Nón lá" and stock_of(small) == 7


def test_variant_picture_is_saved_and_options_refresh(client, shop, category, storage):
    product = make_owned(shop, category)
    image = ProductImage(product_id=product.id, storage_key="products/p.webp", thumb_key="products/p-t.webp")
    db.session.add(image)
    db.session.commit()
    small, medium = product.variants
    data = {"title": product.title, "category_id": str(category.id),
            "variants-0-id": str(small.id), "variants-0-sku": "E-1", "variants-0-options": "Size=S",
            "variants-0-price": "10.00", "variants-0-stock": "1", "variants-0-stock_seen": "1",
            "variants-0-image_id": str(image.id),
            "variants-1-id": str(medium.id), "variants-1-sku": "E-2", "variants-1-options": "Size=M",
            "variants-1-price": "20.00", "variants-1-stock": "2", "variants-1-stock_seen": "2"}
    assert client.post(f"/seller/products/{product.id}/edit", data=data).status_code == 302
    db.session.refresh(small)
    assert small.image_id == image.id
    html = client.get(f"/seller/products/{product.id}/image-options",
                      query_string={"variants-0-image_id": str(image.id)}).get_data(as_text=True)
    assert f'<option value="{image.id}" selected>Image 1</option>' in html


def test_publish_unpublish_and_hidden_product(client, shop, category):
    product = make_owned(shop, category)
    client.post(f"/seller/products/{product.id}/publish")
    db.session.refresh(product)
    assert product.status == ProductStatus.ACTIVE
    client.post(f"/seller/products/{product.id}/unpublish")
    db.session.refresh(product)
    assert product.status == ProductStatus.DRAFT
    product.status, product.status_reason = ProductStatus.HIDDEN, "Counterfeit logo"
    db.session.commit()
    page = client.post(f"/seller/products/{product.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert "only an administrator can make it visible again" in page
    assert 'id="hidden-reason"' in page and "Counterfeit logo" in page
    db.session.refresh(product)
    assert product.status == ProductStatus.HIDDEN
    listing = client.get("/seller/products?status=HIDDEN").get_data(as_text=True)
    assert "Counterfeit logo" in listing


def test_publish_needs_csrf(client, shop, category):
    product = make_owned(shop, category)
    client.post(f"/seller/products/{product.id}/publish", csrf=False)
    db.session.refresh(product)
    assert product.status == ProductStatus.DRAFT


def test_delete_asks_first_then_soft_deletes(client, shop, category):
    product = make_owned(shop, category)
    confirm = client.get(f"/seller/products/{product.id}/delete")
    assert confirm.status_code == 200 and "can't be undone" in confirm.get_data(as_text=True)
    db.session.refresh(product)
    assert product.status == ProductStatus.DRAFT
    response = client.post(f"/seller/products/{product.id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/seller/products")
    db.session.refresh(product)
    assert product.status == ProductStatus.DELETED
    assert client.get(f"/seller/products/{product.id}/edit").status_code == 404
    assert str(product.id) not in client.get("/seller/products").get_data(as_text=True)


# --- images -------------------------------------------------------------------------------------

def test_upload_several_images_with_htmx(client, shop, category, storage):
    product = make_owned(shop, category)
    response = client.post(f"/seller/products/{product.id}/images", headers=htmx("product-images"),
                           data={"images": [(io.BytesIO(image_bytes("PNG")), "a.png", "image/png"),
                                            (io.BytesIO(image_bytes("GIF")), "b.gif", "image/gif")]},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "images-changed"
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card mb-4" id="product-images"') and "2 images added" in html
    db.session.refresh(product)
    assert len(product.images) == 2
    assert all(media in html for media in (f"/media/{i.thumb_key}" for i in product.images))
    thumb = Image.open(io.BytesIO(storage.read(product.images[0].thumb_key)))
    assert thumb.format == "WEBP"


def test_upload_without_htmx_redirects_back(client, shop, category, storage):
    product = make_owned(shop, category)
    response = client.post(f"/seller/products/{product.id}/images",
                           data={"images": (io.BytesIO(image_bytes()), "a.png", "image/png")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/seller/products/{product.id}/edit#product-images")


@pytest.mark.parametrize("upload, message", [
    ((b"<html><body>hi</body></html>", "x.jpg", "image/jpeg"), "x.jpg: That file is not an image we can read"),
    ((b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "x.svg", "image/svg+xml"),
     "not an image we can read"),
    ((b"", "empty.png", "image/png"), "empty.png: That file is empty."),
])
def test_bad_uploads_are_refused_and_nothing_is_kept(client, shop, category, storage, upload, message):
    product = make_owned(shop, category)
    data, name, mimetype = upload
    response = client.post(f"/seller/products/{product.id}/images", headers=htmx("product-images"),
                           data={"images": [(io.BytesIO(image_bytes()), "ok.png", "image/png"),
                                            (io.BytesIO(data), name, mimetype)] if data else
                                 [(io.BytesIO(data), name, mimetype)]},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(product)
    assert product.images == []
    assert stored_files(storage.root) == []


def test_upload_with_no_file_or_no_csrf_says_why(client, shop, category, storage):
    product = make_owned(shop, category)
    url = f"/seller/products/{product.id}/images"
    none_chosen = client.post(url, headers=htmx("product-images"),
                              data={"images": (io.BytesIO(b""), "")}, content_type="multipart/form-data")
    assert none_chosen.status_code == 422 and "Choose one or more images" in none_chosen.get_data(as_text=True)
    forged = client.post(url, headers=htmx("product-images"), csrf=False,
                         data={"images": (io.BytesIO(image_bytes()), "a.png")}, content_type="multipart/form-data")
    assert forged.status_code == 400
    assert stored_files(storage.root) == []


def test_oversized_upload_is_refused(client, shop, category, storage, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_BYTES", 1024 * 1024)
    product = make_owned(shop, category)
    big = image_bytes() + b"\0" * (1024 * 1024)
    response = client.post(f"/seller/products/{product.id}/images", headers=htmx("product-images"),
                           data={"images": (io.BytesIO(big), "big.png", "image/png")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "larger than 1 MB" in response.get_data(as_text=True)
    assert stored_files(storage.root) == []


def test_move_and_delete_images(client, shop, category, storage):
    product = make_owned(shop, category)
    client.post(f"/seller/products/{product.id}/images", data={"images": [
        (io.BytesIO(image_bytes(color=(255, 0, 0))), "1.png", "image/png"),
        (io.BytesIO(image_bytes(color=(0, 255, 0))), "2.png", "image/png"),
        (io.BytesIO(image_bytes(color=(0, 0, 255))), "3.png", "image/png")]}, content_type="multipart/form-data")
    db.session.refresh(product)
    first, second, third = [i.id for i in product.images]
    response = client.post(f"/seller/products/{product.id}/images/{third}/move", data={"direction": "up"},
                           headers=htmx("product-images"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.findall(r'data-image-id="([0-9a-f-]+)"', html) == [str(first), str(third), str(second)]
    product.variants[0].image_id = second
    db.session.commit()
    deleted_keys = {k for i in product.images if i.id == second for k in (i.storage_key, i.thumb_key, i.share_key)}
    response = client.post(f"/seller/products/{product.id}/images/{second}/delete", headers=htmx("product-images"))
    assert response.status_code == 200 and "Image deleted" in response.get_data(as_text=True)
    db.session.expire_all()
    product = db.session.get(Product, product.id)
    assert [(i.id, i.position) for i in product.images] == [(first, 0), (third, 1)]
    assert product.variants[0].image_id is None
    assert not deleted_keys & set(stored_files(storage.root))
    assert len(stored_files(storage.root)) == 6


def test_image_of_another_product_is_404(client, shop, category):
    product = make_owned(shop, category)
    other = make_product(shop=shop, category=category, title="Other")
    image = ProductImage(product_id=other.id, storage_key="products/o.webp", thumb_key="products/o-t.webp")
    db.session.add(image)
    db.session.commit()
    assert client.post(f"/seller/products/{product.id}/images/{image.id}/delete").status_code == 404
    assert client.post(f"/seller/products/{product.id}/images/{image.id}/move", data={"direction": "up"}).status_code == 404
    assert db.session.get(ProductImage, image.id) is not None


# --- listing --------------------------------------------------------------------------------------

def test_list_shows_tabs_price_range_stock_and_thumbnail(client, shop, category):
    product = make_product(shop=shop, category=category, title="Áo len", variants=[
        {"sku": "L-1", "price": 1000, "stock": 2}, {"sku": "L-2", "price": 2500, "stock": 5}])
    db.session.add(ProductImage(product_id=product.id, storage_key="products/k.webp", thumb_key="products/k-t.webp"))
    make_product(shop=shop, category=category, title="Bản nháp", status=ProductStatus.DRAFT)
    make_product(shop=shop, category=category, title="Gone", status=ProductStatus.DELETED)
    make_product(category=category, title="Someone else's")
    db.session.commit()
    html = client.get("/seller/products").get_data(as_text=True)
    assert "Áo len" in html and "Bản nháp" in html and "Gone" not in html and "Someone else" not in html
    assert "$10.00 – $25.00" in html and ">7<" in html
    assert "/media/products/k-t.webp" in html
    drafts = client.get("/seller/products", query_string={"status": "DRAFT"}).get_data(as_text=True)
    assert "Bản nháp" in drafts and "Áo len" not in drafts
    found = client.get("/seller/products", query_string={"q": "ao LEN"}).get_data(as_text=True)
    assert "Áo len" in found and "Bản nháp" not in found


def _statements(queries) -> list[str]:
    return [q for q in queries if not q.startswith(("SAVEPOINT", "RELEASE"))]


def test_list_is_keyset_paged_and_query_count_is_flat(client, shop, category, count_queries):
    made = [make_product(shop=shop, category=category, title=f"Bulk {i}") for i in range(2)]
    db.session.commit()
    with count_queries() as small:
        client.get("/seller/products")
    made += [make_product(shop=shop, category=category, title=f"Bulk {i}") for i in range(2, 25)]
    db.session.commit()
    with count_queries() as queries:
        html = client.get("/seller/products").get_data(as_text=True)
    ids = re.findall(r'data-product-id="([0-9a-f-]{36})"', html)
    assert len(ids) == 20
    # user, shop, tab counts, the page, variant aggregates, thumbnails; navbar badges add their own
    assert len(_statements(queries)) == len(_statements(small)) <= 10
    next_url = re.search(r'hx-get="([^"]+cursor=[^"]+)"', html).group(1).replace("&amp;", "&")
    more = client.get(next_url, headers=htmx("products-more")).get_data(as_text=True)
    rest = re.findall(r'data-product-id="([0-9a-f-]{36})"', more)
    assert sorted(ids + rest) == sorted(str(p.id) for p in made)
    assert "<html" not in more and 'id="products-more"' not in more
    assert client.get("/seller/products?cursor=garbage", follow_redirects=True).status_code == 200


# --- access: another shop's product and non-sellers -----------------------------------------------

def product_routes(product_id, image_id):
    return [
        ("get", f"/seller/products/{product_id}/edit", None),
        ("post", f"/seller/products/{product_id}/edit", {"title": "Stolen", "category_id": ""}),
        ("post", f"/seller/products/{product_id}/grid", {"options-0-name": "Size"}),
        ("get", f"/seller/products/{product_id}/image-options", None),
        ("post", f"/seller/products/{product_id}/publish", None),
        ("post", f"/seller/products/{product_id}/unpublish", None),
        ("get", f"/seller/products/{product_id}/delete", None),
        ("post", f"/seller/products/{product_id}/delete", None),
        ("post", f"/seller/products/{product_id}/images", {"images": (io.BytesIO(image_bytes()), "a.png")}),
        ("post", f"/seller/products/{product_id}/images/{image_id}/move", {"direction": "up"}),
        ("post", f"/seller/products/{product_id}/images/{image_id}/delete", None),
        ("get", f"/seller/products/{product_id}/preview", None),
        ("get", f"/seller/products/{product_id}/preview/variant-panel", None),
    ]


ROUTE_NAMES = ["edit GET", "edit POST", "grid", "image-options", "publish", "unpublish", "delete GET",
               "delete POST", "upload", "move image", "delete image", "preview", "preview panel"]


@pytest.mark.parametrize("index", range(len(ROUTE_NAMES)), ids=ROUTE_NAMES)
def test_another_shops_product_is_404_on_every_route(client, shop, category, storage, index):
    theirs = make_product(category=category, title="Not yours", status=ProductStatus.ACTIVE)
    image = ProductImage(product_id=theirs.id, storage_key="products/t.webp", thumb_key="products/t-t.webp")
    db.session.add(image)
    db.session.commit()
    method, url, data = product_routes(theirs.id, image.id)[index]
    kwargs = {"data": data, "content_type": "multipart/form-data"} if data else {}
    assert getattr(client, method)(url, **kwargs).status_code == 404
    db.session.expire_all()
    product = db.session.get(Product, theirs.id)
    assert (product.title, product.status, len(product.images)) == ("Not yours", ProductStatus.ACTIVE, 1)
    assert stored_files(storage.root) == []


@pytest.mark.parametrize("index", range(len(ROUTE_NAMES)), ids=ROUTE_NAMES)
def test_non_sellers_are_turned_away_from_every_product_route(client, category, index):
    product = make_product(category=category)
    buyer = make_user()
    db.session.commit()
    method, url, data = product_routes(product.id, product.id)[index]
    kwargs = {"data": data, "content_type": "multipart/form-data"} if data else {}
    anonymous = getattr(client, method)(url, **kwargs)
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]
    login(client, buyer)
    kwargs = {"data": data, "content_type": "multipart/form-data"} if data else {}
    if data:
        kwargs["data"] = {k: ((io.BytesIO(image_bytes()), "a.png") if k == "images" else v) for k, v in data.items()}
    as_buyer = getattr(client, method)(url, **kwargs)
    assert as_buyer.status_code == 302 and as_buyer.headers["Location"] == "/"
    assert getattr(client, method)(url, headers={"HX-Request": "true"}).status_code == 403


@pytest.mark.parametrize("url", ["/seller/products", "/seller/products/new", "/seller/products/grid",
                                 "/seller/shop"])
def test_non_sellers_are_turned_away_from_the_other_pages(client, url):
    method = client.post if url.endswith("/grid") else client.get
    assert "/account/login" in method(url).headers["Location"]
    buyer = make_user()
    db.session.commit()
    login(client, buyer)
    assert method(url).status_code == 302
    assert method(url, headers={"HX-Request": "true"}).status_code == 403
