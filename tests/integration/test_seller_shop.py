"""Seller center: opening a shop, its status, the shop profile, the front door."""
import io

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Role, Shop, ShopStatus
from tests.factories import make_shop, make_user
from tests.seller_support import image_bytes, login, stored_files



def logged_in(client, **fields):
    user = make_user(**fields)
    db.session.commit()
    login(client, user)
    return user


def test_register_page_renders_for_a_verified_user(client):
    logged_in(client)
    response = client.get("/seller/register")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="name"' in html and 'name="slug"' in html and 'enctype="multipart/form-data"' in html


def test_register_requires_login(client):
    response = client.get("/seller/register")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_unverified_user_is_sent_to_verify(client):
    logged_in(client, is_verified=False)
    response = client.get("/seller/register")
    assert response.status_code == 302
    assert "/account/verify" in response.headers["Location"]
    response = client.post("/seller/register", data={"name": "Sneaky", "slug": "sneaky"})
    assert response.status_code == 302
    assert db.session.scalar(select(Shop).where(Shop.slug == "sneaky")) is None


def test_register_a_shop_with_a_logo(client, storage):
    user = logged_in(client)
    response = client.post("/seller/register", data={
        "name": "Cà phê Đà Lạt", "slug": "", "description": "Rang xay mỗi ngày",
        "logo": (io.BytesIO(image_bytes("JPEG")), "logo.jpg", "image/jpeg"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/seller/register")
    shop = db.session.scalar(select(Shop).where(Shop.owner_id == user.id))
    assert (shop.name, shop.slug, shop.status) == ("Cà phê Đà Lạt", "ca-phe-da-lat", ShopStatus.PENDING)
    assert stored_files(storage.root) == [shop.logo_key]
    db.session.refresh(user)
    assert user.role == Role.SELLER
    page = client.get("/seller/register", follow_redirects=True).get_data(as_text=True)
    assert "Waiting for approval" in page and "is registered" in page
    assert 'data-shop-status="PENDING"' in page


@pytest.mark.parametrize("data, field, message", [
    ({"name": "", "slug": "ok-slug"}, "name", "Name your shop."),
    ({"name": "Fine", "slug": "Bad Slug!"}, "slug", "lowercase letters"),
])
def test_register_shows_errors_next_to_fields(client, data, field, message):
    user = logged_in(client)
    response = client.post("/seller/register", data={**data, "description": "Kept text"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert "Kept text" in html  # nothing the user typed is lost
    assert db.session.scalar(select(Shop).where(Shop.owner_id == user.id)) is None


def test_taken_slug_suggests_another(client):
    make_shop(slug="hoa-mai")
    logged_in(client)
    html = client.post("/seller/register", data={"name": "Hoa Mai", "slug": "hoa-mai"}).get_data(as_text=True)
    assert "hoa-mai-2" in html and 'id="slug-error"' in html


@pytest.mark.parametrize("upload, message", [
    ((b"<html><script>alert(1)</script></html>", "logo.jpg", "image/jpeg"), "not an image we can read"),
    ((b'<svg xmlns="http://www.w3.org/2000/svg"/>', "logo.svg", "image/svg+xml"), "not an image we can read"),
    ((b"plain text", "logo.png", "image/png"), "not an image we can read"),
])
def test_bad_logo_is_refused_and_nothing_is_stored(client, storage, upload, message):
    user = logged_in(client)
    data, name, mimetype = upload
    response = client.post("/seller/register", data={"name": "Logo test", "slug": "logo-test",
                                                     "logo": (io.BytesIO(data), name, mimetype)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="logo-error"' in html and message in html
    assert stored_files(storage.root) == []
    assert db.session.scalar(select(Shop).where(Shop.owner_id == user.id)) is None


def test_oversized_logo_is_refused(client, storage, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_BYTES", 1024 * 1024)
    logged_in(client)
    big = image_bytes("PNG") + b"\0" * (1024 * 1024)
    html = client.post("/seller/register", data={"name": "Big logo", "slug": "big-logo",
                                                 "logo": (io.BytesIO(big), "big.png", "image/png")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "larger than 1 MB" in html
    assert stored_files(storage.root) == []


def test_second_shop_is_refused_page_shows_the_first(client):
    user = logged_in(client)
    shop = make_shop(owner=user, status=ShopStatus.REJECTED, status_reason="Blurry logo")
    db.session.commit()
    html = client.get("/seller/register").get_data(as_text=True)
    assert shop.name in html and "Not approved" in html and "Blurry logo" in html
    client.post("/seller/register", data={"name": "Another", "slug": "another-one"})
    assert db.session.scalar(select(Shop).where(Shop.slug == "another-one")) is None


def test_admin_cannot_open_a_shop(client):
    logged_in(client, role=Role.ADMIN)
    response = client.post("/seller/register", data={"name": "Admin shop", "slug": "admin-shop"})
    assert response.status_code == 422
    assert "Administrator accounts can" in response.get_data(as_text=True)


# --- the profile --------------------------------------------------------------------------

def seller_with_shop(client, **shop_fields):
    user = make_user(role=Role.SELLER)
    shop = make_shop(owner=user, **shop_fields)
    db.session.commit()
    login(client, user)
    return user, shop


def test_edit_shop_profile_and_logo(client, storage):
    _user, shop = seller_with_shop(client)
    page = client.get("/seller/shop")
    assert page.status_code == 200 and shop.name in page.get_data(as_text=True)
    response = client.post("/seller/shop", data={
        "name": "Tiệm mới", "description": "Mô tả mới",
        "logo": (io.BytesIO(image_bytes("PNG")), "new.png", "image/png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(shop)
    assert (shop.name, shop.description) == ("Tiệm mới", "Mô tả mới")
    assert stored_files(storage.root) == [shop.logo_key]
    old = shop.logo_key
    client.post("/seller/shop", data={"name": "Tiệm mới", "remove_logo": "y"})
    db.session.refresh(shop)
    assert shop.logo_key is None
    assert old not in stored_files(storage.root)


def test_upload_and_remove_a_banner(client, storage):
    _user, shop = seller_with_shop(client)
    assert 'name="banner"' in client.get("/seller/shop").get_data(as_text=True)
    response = client.post("/seller/shop", data={
        "name": shop.name, "banner": (io.BytesIO(image_bytes("JPEG", size=(2400, 600))), "banner.jpg", "image/jpeg")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(shop)
    assert shop.banner_key.startswith("banners/") and stored_files(storage.root) == [shop.banner_key]
    from PIL import Image

    assert Image.open(storage.root / shop.banner_key).size == (1600, 400)  # kept at most 1600 wide
    page = client.get("/seller/shop").get_data(as_text=True)
    assert f'src="/media/{shop.banner_key}"' in page and 'name="remove_banner"' in page
    assert f'src="/media/{shop.banner_key}"' in client.get(f"/s/{shop.slug}").get_data(as_text=True)
    old = shop.banner_key
    client.post("/seller/shop", data={"name": shop.name, "remove_banner": "y"})
    db.session.refresh(shop)
    assert shop.banner_key is None and old not in stored_files(storage.root)


@pytest.mark.parametrize("upload", [
    (b"<html><script>alert(1)</script></html>", "banner.jpg", "image/jpeg"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "banner.svg", "image/svg+xml"),
])
def test_a_bad_banner_is_refused_with_a_message_and_nothing_changes(client, storage, upload):
    _user, shop = seller_with_shop(client, name="Keep my banner")
    shop.banner_key = "banners/old.webp"
    db.session.commit()
    data, name, mimetype = upload
    response = client.post("/seller/shop", data={"name": "Renamed", "banner": (io.BytesIO(data), name, mimetype)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="banner-error"' in html and "not an image we can read" in html
    assert 'aria-invalid="true"' in html[html.index('name="banner"') - 300:html.index('name="banner"') + 300]
    db.session.refresh(shop)
    assert (shop.name, shop.banner_key) == ("Keep my banner", "banners/old.webp") and stored_files(storage.root) == []


def test_edit_shop_with_a_bad_logo_keeps_the_old_one(client, storage):
    _user, shop = seller_with_shop(client, name="Keep me")
    response = client.post("/seller/shop", data={
        "name": "Changed", "logo": (io.BytesIO(b"GIF89a not really"), "x.gif", "image/gif")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'id="logo-error"' in response.get_data(as_text=True)
    db.session.refresh(shop)
    assert shop.name == "Keep me"
    assert stored_files(storage.root) == []


@pytest.mark.parametrize("status, words", [
    (ShopStatus.PENDING, "waiting for approval"),
    (ShopStatus.REJECTED, "was not approved"),
    (ShopStatus.SUSPENDED, "is suspended"),
])
def test_inactive_shop_banner_and_reason(client, status, words):
    seller_with_shop(client, status=status, status_reason="Because reasons" if status != ShopStatus.PENDING else None)
    for url in ("/seller/shop", "/seller/products", "/seller/products/new"):
        html = client.get(url).get_data(as_text=True)
        assert 'id="shop-status-banner"' in html and words in html, url
        if status != ShopStatus.PENDING:
            assert "Because reasons" in html


def test_active_shop_has_no_banner(client):
    seller_with_shop(client)
    assert 'id="shop-status-banner"' not in client.get("/seller/products").get_data(as_text=True)


def test_rejected_owner_resubmits(client):
    _user, shop = seller_with_shop(client, status=ShopStatus.REJECTED, status_reason="No description")
    assert "review my shop again" in client.get("/seller/shop").get_data(as_text=True)
    response = client.post("/seller/shop/resubmit")
    assert response.status_code == 302
    db.session.refresh(shop)
    assert shop.status == ShopStatus.PENDING
    again = client.post("/seller/shop/resubmit", follow_redirects=True).get_data(as_text=True)
    assert "only a rejected shop can be resubmitted" in again


def test_resubmit_needs_csrf(client):
    _user, shop = seller_with_shop(client, status=ShopStatus.REJECTED, status_reason="x")
    client.post("/seller/shop/resubmit", csrf=False)
    db.session.refresh(shop)
    assert shop.status == ShopStatus.REJECTED


# --- the front door and access --------------------------------------------------------------

def test_index_sends_owners_to_the_seller_center_and_others_to_register(client):
    seller_with_shop(client)
    target = client.get("/seller/").headers["Location"]
    assert target.endswith("/seller/dashboard") or target.endswith("/seller/products")
    other = make_user()
    db.session.commit()
    login(client, other)
    assert client.get("/seller/").headers["Location"].endswith("/seller/register")


def test_seller_without_a_shop_is_sent_to_register(client):
    logged_in(client, role=Role.SELLER)
    for url in ("/seller/shop", "/seller/products", "/seller/products/new"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].endswith("/seller/register"), url


def test_buyers_are_turned_away_from_the_seller_center(client):
    logged_in(client)
    for url in ("/seller/shop", "/seller/products", "/seller/products/new"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/", url
    assert client.get("/seller/products", headers={"HX-Request": "true"}).status_code == 403
    assert client.post("/seller/shop", data={"name": "x"}).status_code == 302
