"""The seller's product form (issue 15): every mistake at once with its true reason, kept pictures,
the option grid without JavaScript and with htmx, the edit page's grid, and where a seller lands
after logging in."""
import io
import re
from html import unescape

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import PendingImage, Product, ProductImage, Role
from marketplace.seller.product_form import ROWS_REMADE
from marketplace.services.catalog.pending_images import GONE
from tests.factories import PASSWORD, make_category, make_product, make_shop, make_user
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
    category = make_category(name="Áo")
    db.session.commit()
    return category


def grid_form(category, **extra) -> dict:
    """A 2 x 3 grid as the page posts it: Màu (Đỏ, Xanh, Đen) x Size (S, M), every row filled."""
    data = {"title": "Áo thun", "description": "", "category_id": str(category.id),
            "options-0-name": "Màu", "options-0-values": "Đỏ, Xanh, Đen",
            "options-1-name": "Size", "options-1-values": "S, M", "options-2-name": "", "options-2-values": ""}
    n = 0
    for colour in ("Đỏ", "Xanh", "Đen"):
        for size in ("S", "M"):
            data.update({f"variants-{n}-options": f"Màu={colour}, Size={size}", f"variants-{n}-sku": f"AT-{n}",
                         f"variants-{n}-price": "12.50", f"variants-{n}-stock": "4"})
            n += 1
    data.update(extra)
    return data


def products_of(shop) -> list[Product]:
    return list(db.session.scalars(select(Product).where(Product.shop_id == shop.id)))


def pending_of(shop) -> list[PendingImage]:
    return list(db.session.scalars(select(PendingImage).where(PendingImage.shop_id == shop.id)))


def pictures(*names):
    return [(io.BytesIO(image_bytes(color=(40 * i, 90, 200))), name, "image/png") for i, name in enumerate(names)]


def error_of(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert match, f"no error next to #{field_id}"
    assert re.search(rf'id="{re.escape(field_id)}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{re.escape(field_id)}"',
                     html), f"#{field_id} is not marked invalid"
    return match.group(1).strip()


# --- every mistake at once ------------------------------------------------------------------------

def test_every_mistake_is_shown_at_once_next_to_its_field_and_in_a_summary(client, shop, category):
    make_product(shop=shop, variants=[{"sku": "TAKEN"}], title="Old shirt")
    db.session.commit()
    data = grid_form(category, title="", category_id="", **{
        "variants-1-price": "-3", "variants-2-price": "1.999", "variants-3-sku": "", "variants-4-stock": "-3",
        "variants-5-sku": "TAKEN"})
    response = client.post("/seller/products/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert error_of(html, "title") == "Enter a title."
    assert error_of(html, "category_id") == "Choose a category."
    assert error_of(html, "variants-1-price") == "The price must be more than zero."
    assert "decimals" in error_of(html, "variants-2-price")
    assert error_of(html, "variants-3-sku") == "Enter a SKU."
    assert "between 0 and" in error_of(html, "variants-4-stock")
    assert error_of(html, "variants-5-sku") == "SKU “TAKEN” is already used by “Old shirt”."
    summary = html.split('id="form-errors"')[1].split("</div>")[0]
    assert "There are 7 things to fix" in summary
    for target in ("title", "category_id", "variants-1-price", "variants-2-price", "variants-3-sku",
                   "variants-4-stock", "variants-5-sku"):
        assert f'href="#{target}"' in summary
    assert "Đỏ / M — Price: The price must be more than zero." in summary
    assert [p.title for p in products_of(shop)] == ["Old shirt"]


def test_a_negative_price_says_so_and_too_many_decimals_say_that(client, shop, category):
    html = client.post("/seller/products/new", data=grid_form(category, **{
        "variants-0-price": "-3", "variants-1-price": "3.141", "variants-2-price": "abc"})).get_data(as_text=True)
    assert error_of(html, "variants-0-price") == "The price must be more than zero."
    assert error_of(html, "variants-1-price") == "That is not a price: Enter an amount with at most 2 decimals."
    assert "decimals" not in error_of(html, "variants-2-price")
    assert products_of(shop) == []


def test_the_same_errors_come_back_to_htmx_as_the_form_alone(client, shop, category):
    response = client.post("/seller/products/new", data=grid_form(category, title="", **{"variants-0-price": "-3"}),
                           headers={"HX-Request": "true", "HX-Target": "product-form"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<form') and "<html" not in html
    assert "There are 2 things to fix" in html and error_of(html, "title") == "Enter a title."
    saved = client.post("/seller/products/new", data=grid_form(category),
                        headers={"HX-Request": "true", "HX-Target": "product-form"})
    [product] = products_of(shop)
    assert saved.status_code == 200 and saved.headers["HX-Redirect"] == f"/seller/products/{product.id}/edit"


def test_required_fields_are_marked(client, shop, category):
    html = client.get("/seller/products/new").get_data(as_text=True)
    for name in ("title", "category_id", "variants-0-sku", "variants-0-price"):
        tag = re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', html).group(0)
        assert " required" in tag and 'aria-required="true"' in tag, tag
    assert re.search(r'for="title">Title <span class="text-danger" aria-hidden="true">\*</span>', html)
    assert re.search(r'for="category_id">Category <span class="text-danger" aria-hidden="true">\*</span>', html)
    description = re.search(r'<textarea[^>]*name="description"[^>]*>', html).group(0)
    assert "required" not in description


# --- kept pictures --------------------------------------------------------------------------------

def test_chosen_pictures_survive_a_refused_round_and_are_attached_on_save(client, shop, category, storage):
    refused = client.post("/seller/products/new", data=grid_form(category, title="", images=pictures("a.png", "b.png")),
                          content_type="multipart/form-data")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    kept = pending_of(shop)
    assert len(kept) == 2 and len(stored_files(storage.root)) == 6  # picture, thumbnail, share picture
    assert re.findall(r'name="kept_image" value="([^"]+)"', html) == [str(p.id) for p in kept]
    assert all(f"/media/{p.thumb_key}" in html for p in kept) and 'alt="Chosen picture 2"' in html
    keys = [(p.storage_key, p.thumb_key) for p in kept]
    saved = client.post("/seller/products/new", data=grid_form(category, kept_image=[str(p.id) for p in kept]))
    assert saved.status_code == 302
    [product] = products_of(shop)
    assert [(i.storage_key, i.thumb_key, i.position) for i in product.images] == [(*k, n) for n, k in enumerate(keys)]
    assert pending_of(shop) == [] and len(stored_files(storage.root)) == 6  # the same files, nothing copied


def test_a_kept_picture_can_be_removed_and_new_ones_are_added_after_the_kept(client, shop, category, storage):
    client.post("/seller/products/new", data=grid_form(category, title="", images=pictures("a.png", "b.png")),
                content_type="multipart/form-data")
    first, second = pending_of(shop)
    gone, second_key = {first.storage_key, first.thumb_key}, second.storage_key
    response = client.post("/seller/products/new", content_type="multipart/form-data", data=grid_form(
        category, kept_image=[str(first.id), str(second.id)], drop_image=str(first.id), images=pictures("c.png")))
    assert response.status_code == 302
    [product] = products_of(shop)
    assert product.images[0].storage_key == second_key and len(product.images) == 2
    assert not gone & set(stored_files(storage.root)) and pending_of(shop) == []


def test_make_the_rows_round_keeps_the_pictures_chosen_in_it(client, shop, category, storage):
    response = client.post("/seller/products/new", content_type="multipart/form-data", data={
        "title": "Typed", "category_id": "", "options-0-name": "Size", "options-0-values": "S, M",
        "make_rows": "1", "images": pictures("a.png")})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    [kept] = pending_of(shop)
    assert f'name="kept_image" value="{kept.id}"' in html and 'value="Typed"' in html
    assert 'id="form-errors"' not in html  # no complaint about the fields not filled yet


def test_another_shops_picture_is_refused_and_stays_theirs(client, shop, category, storage):
    theirs = make_shop()
    db.session.add(PendingImage(shop_id=theirs.id, storage_key="products/x.webp", thumb_key="products/x-t.webp"))
    db.session.commit()
    [foreign] = pending_of(theirs)
    response = client.post("/seller/products/new", data=grid_form(category, kept_image=str(foreign.id)))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert str(GONE) in error_of(html, "images") or str(GONE) in html
    assert products_of(shop) == [] and pending_of(theirs) == [foreign]
    assert db.session.scalars(select(ProductImage).where(ProductImage.storage_key == "products/x.webp")).all() == []
    assert f'value="{foreign.id}"' not in html


# --- the option grid ------------------------------------------------------------------------------

def test_make_the_rows_without_javascript_makes_one_row_per_combination(client, shop, category):
    data = {"title": "Áo thun", "description": "Cotton", "category_id": str(category.id),
            "options-0-name": "Màu", "options-0-values": "Đỏ, Xanh, Đen",
            "options-1-name": "Size", "options-1-values": "S, M",
            "variants-0-options": "", "variants-0-sku": "FIRST", "variants-0-price": "9.00", "make_rows": "1"}
    response = client.post("/seller/products/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    options = re.findall(r'name="variants-\d+-options"[^>]*value="([^"]*)"', html)
    assert options == [f"Màu={c}, Size={s}" for c in ("Đỏ", "Xanh", "Đen") for s in ("S", "M")]
    assert "6 variants" in html and 'value="Áo thun"' in html and "Cotton</textarea>" in html
    assert products_of(shop) == []
    # the same through htmx: the grid alone, from the grid's own inputs
    fragment = client.post("/seller/products/grid", data={k: v for k, v in data.items() if k != "make_rows"},
                           headers={"HX-Request": "true", "HX-Target": "variant-grid"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<fieldset id="variant-grid"') and fragment.count("data-variant-row") == 6


def test_typed_rows_keep_their_values_when_an_option_grows(client, shop, category):
    data = grid_form(category, make_rows="1", **{"options-1-values": "S, M, L", "variants-3-price": "20.00"})
    html = client.post("/seller/products/new", data=data).get_data(as_text=True)
    rows = re.findall(r'name="variants-(\d+)-options"[^>]*value="([^"]*)"', html)
    assert len(rows) == 9
    xanh_m = next(n for n, o in rows if o == "Màu=Xanh, Size=M")
    assert re.search(rf'name="variants-{xanh_m}-price"[^>]*value="20.00"', html)


def test_apply_to_every_row_and_blank_rows_take_the_bulk_price_on_save(client, shop, category):
    html = client.post("/seller/products/new", data=grid_form(category, apply_bulk="1", bulk_price="7.00",
                                                              bulk_stock="9")).get_data(as_text=True)
    assert len(re.findall(r'name="variants-\d+-price"[^>]*value="7.00"', html)) == 6
    assert len(re.findall(r'name="variants-\d+-stock"[^>]*value="9"', html)) == 6
    data = grid_form(category, bulk_price="5.00", **{f"variants-{n}-price": "" for n in range(5)})
    assert client.post("/seller/products/new", data=data).status_code == 302
    [product] = products_of(shop)
    assert sorted(v.price for v in product.variants) == [500] * 5 + [1250]


def test_options_changed_without_making_the_rows_are_not_saved_blindly(client, shop, category):
    response = client.post("/seller/products/new", data=grid_form(category, **{"options-1-values": "S, M, L"}))
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert str(ROWS_REMADE) in html and html.count("data-variant-row") == 9
    assert products_of(shop) == []


def test_wrong_options_are_named_on_their_inputs(client, shop, category):
    html = client.post("/seller/products/new", data=grid_form(category, make_rows="1", **{
        "options-1-name": "màu", "options-2-name": "Chất liệu", "options-2-values": " , "})).get_data(as_text=True)
    assert error_of(html, "options-1-name") == "The option “màu” is given twice."
    assert "Give Chất liệu its values" in error_of(html, "options-2-values")


def test_the_edit_page_shows_the_variants_in_the_grid_and_a_dropped_value_leaves_them_out(client, shop, category):
    product = make_product(shop=shop, category=category, variants=[
        {"sku": f"E-{n}{s}", "options": {"Màu": c, "Size": s}, "name": f"{c} / {s}", "price": 1000, "stock": 2}
        for n, c in enumerate(("Đỏ", "Xanh")) for s in ("S", "M")])
    db.session.commit()
    page = client.get(f"/seller/products/{product.id}/edit").get_data(as_text=True)
    assert re.search(r'name="options-0-name"[^>]*value="Màu"', page)
    assert re.search(r'name="options-1-values"[^>]*value="S, M"', page)
    assert page.count("data-variant-row") == 4 and "Xanh / M" in page and "4 variants" in page
    fields = dict(re.findall(r'<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"', page))
    data = {k: v for k, v in fields.items() if k.startswith(("variants-", "options-", "title"))
            and not k.endswith("-remove")}  # unticked boxes send nothing
    data.update(category_id=str(category.id), **{"options-0-values": "Đỏ", "make_rows": "1"})
    html = client.post(f"/seller/products/{product.id}/edit", data=data).get_data(as_text=True)
    assert html.count("data-variant-row") == 4 and html.count("Not in your options any more") == 2
    ticked = [re.search(r'name="([^"]+)"', tag).group(1) for tag in re.findall(r"<input[^>]*>", html)
              if "-remove" in tag and " checked" in tag]
    assert len(ticked) == 2
    again = dict(re.findall(r'<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"', html))
    data = {k: v for k, v in again.items() if k.startswith(("variants-", "options-", "title"))
            and not k.endswith("-remove")}
    data.update({name: "y" for name in ticked})
    data.update(category_id=str(category.id))
    saved = client.post(f"/seller/products/{product.id}/edit", data=data)
    assert saved.status_code == 302, re.findall(r'id="form-errors".*?</div>', saved.get_data(as_text=True), re.S)
    db.session.expire_all()
    live = sorted(v.sku for v in db.session.get(Product, product.id).variants if v.deleted_at is None)
    assert live == ["E-0M", "E-0S"]


# --- where a seller lands -------------------------------------------------------------------------

def log_in(client, user, **extra):
    client.get("/account/login")
    return client.post("/account/login", data={"login": user.email, "password": PASSWORD, **extra})


def test_a_seller_lands_in_the_seller_center_and_a_buyer_where_they_did(client):
    seller, buyer = make_user(role=Role.SELLER), make_user()
    make_shop(owner=seller)
    db.session.commit()
    assert log_in(client, seller).headers["Location"] == "/seller/"
    client.post("/account/logout")
    assert log_in(client, buyer).headers["Location"] == "/"
    client.post("/account/logout")
    assert log_in(client, seller, next="/cart").headers["Location"] == "/cart"
