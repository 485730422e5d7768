"""JSON API uploads: photos of your own review and your avatar (and of your return: test_api_returns.py), the
API's multipart bodies.

Each goes through the web form's service (services/reviews/reviews.py, services/accounts/profile.py), so the same
rules and messages apply; a refused upload leaves storage and database as they were.
"""
import io
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest

from marketplace.api.errors import view_takes_files
from marketplace.extensions import db
from marketplace.models import Product, Review, User
from marketplace.services.reviews import reviews
from tests.api_support import api_error
from tests.factories import make_user
from tests.reviews_support import bought_line, login, png_bytes, seller_with_product
from tests.security.support import db_fingerprint
from tests.seller_support import stored_files

AVATAR = "/api/v1/profile/avatar"


def files(*contents: bytes, name: str = "photo.png") -> list:
    return [(io.BytesIO(data), name, "image/png") for data in contents]


def add_images(client, review_id, contents: list[bytes], **kwargs):
    return client.post(f"/api/v1/reviews/{review_id}/images", data={"images": files(*contents)},
                       content_type="multipart/form-data", **kwargs)


def put_avatar(client, data: bytes, **kwargs):
    return client.put(AVATAR, data={"avatar": files(data)}, content_type="multipart/form-data", **kwargs)


@pytest.fixture
def review():
    _, _, product = seller_with_product(title="Nón lá")
    line = bought_line(product)
    made = reviews.create_review(line.order.buyer, line.id, 4, "Fine")
    db.session.commit()  # a refused request rolls back: the review must survive it
    return made


@pytest.fixture
def author(client, review):
    login(client, review.user)
    return client


@pytest.fixture
def user():
    made = make_user(full_name="Avatar Person")
    db.session.commit()
    return made


@pytest.fixture
def person(client, user):
    login(client, user)
    return client


@pytest.fixture
def unchanged(temp_storage):
    """`with unchanged():` around a refused request: neither storage nor database may move."""

    @contextmanager
    def check():
        db.session.commit()  # the test's own setup belongs to "before"
        before_files, before_rows = stored_files(temp_storage), db_fingerprint()
        yield
        db.session.expire_all()
        assert stored_files(temp_storage) == before_files
        assert db_fingerprint() == before_rows

    return check


# --- review photos: added --------------------------------------------------------------------


def test_photos_are_added_and_shown_with_the_review(author, review, temp_storage):
    response = add_images(author, review.id, [png_bytes(), png_bytes((0, 90, 200))])
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] == str(review.id) and body["has_images"] is True and len(body["images"]) == 2
    for image in body["images"]:
        assert image["url"].startswith("/media/reviews/") and image["url"].endswith(".webp")
        assert image["thumb_url"].endswith("-thumb.webp")
    assert len(stored_files(temp_storage)) == 4  # each photo and its thumbnail
    listed = author.get(f"/api/v1/products/{review.product_id}/reviews?with_images=true").get_json()["items"]
    assert [item["images"] for item in listed] == [body["images"]]
    served = author.get(body["images"][0]["url"])
    assert served.status_code == 200 and served.mimetype == "image/webp"

    more = add_images(author, review.id, [png_bytes((0, 200, 0))])
    assert more.status_code == 201
    assert [i["id"] for i in more.get_json()["images"][:2]] == [i["id"] for i in body["images"]]  # new ones last
    assert len(more.get_json()["images"]) == 3


def test_the_fifth_photo_is_taken_and_a_sixth_refused(author, review, unchanged):
    assert add_images(author, review.id, [png_bytes()] * 4).status_code == 201
    assert add_images(author, review.id, [png_bytes()]).status_code == 201
    with unchanged():
        error = api_error(add_images(author, review.id, [png_bytes()]), 422, "too_many_images")
    assert error["message"] == "A review can have at most 5 photos." and set(error["fields"]) == {"images"}


# --- review photos: refused, nothing stored --------------------------------------------------


def test_six_photos_at_once_are_refused(author, review, unchanged):
    with unchanged():
        error = api_error(add_images(author, review.id, [png_bytes()] * 6), 422, "too_many_images")
    assert error["fields"] == {"images": "A review can have at most 5 photos."}


def test_one_bad_file_among_good_ones_stores_none_of_them(author, review, unchanged):
    with unchanged():
        response = add_images(author, review.id, [png_bytes(), b"%PDF-1.4 not an image"])
        error = api_error(response, 422, "image_invalid")
    assert "not an image we can read" in error["fields"]["images"]


def test_a_photo_over_the_size_limit_is_refused(app, author, review, unchanged, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_BYTES", 1024)
    with unchanged():
        error = api_error(add_images(author, review.id, [png_bytes() + b"\0" * 2048]), 422, "image_too_large")
    assert error["fields"]["images"] == "That image is larger than 1 KB. Upload a smaller one."


def test_a_request_over_max_content_length_is_a_json_413(app, author, review, unchanged, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    with unchanged():
        response = add_images(author, review.id, [png_bytes() + b"\0" * 4096])
        assert api_error(response, 413, "payload_too_large")["fields"] == {}


@pytest.mark.parametrize("data, field", [
    ({}, "images"), ({"images": "not a file"}, "images"), ({"photos": files(png_bytes())}, "photos"),
    ({"images": files(png_bytes()), "rating": "1"}, "rating"),
])
def test_a_body_without_files_under_images_is_a_422(author, review, unchanged, data, field):
    with unchanged():
        response = author.post(f"/api/v1/reviews/{review.id}/images", data=data,
                               content_type="multipart/form-data")
        assert field in api_error(response, 422, "validation_error")["fields"]


@pytest.mark.parametrize("kwargs", [{"json": {"images": ["aGVsbG8="]}},
                                    {"data": {"images": "x"}, "content_type": "application/x-www-form-urlencoded"}])
def test_photos_come_as_multipart_only(author, review, unchanged, kwargs):
    with unchanged():
        response = author.post(f"/api/v1/reviews/{review.id}/images", **kwargs)
        assert "multipart/form-data" in api_error(response, 415, "unsupported_media_type")["message"]


def test_someone_elses_review_is_404(client, review, unchanged):
    login(client, make_user(full_name="Other Buyer"))
    with unchanged():
        api_error(add_images(client, review.id, [png_bytes()]), 404, "review_not_found")


def test_anonymous_is_401(client, review, unchanged):
    with unchanged():
        api_error(add_images(client, review.id, [png_bytes()]), 401, "unauthorized")


def test_without_the_csrf_token_is_400(author, review, unchanged):
    with unchanged():
        api_error(add_images(author, review.id, [png_bytes()], csrf=False), 400, "csrf_failed")


def test_after_the_edit_window_is_403(author, review, unchanged):
    review.created_at = datetime.now(timezone.utc) - timedelta(days=31)
    with unchanged():
        api_error(add_images(author, review.id, [png_bytes()]), 403, "edit_window_closed")


# --- review photos: removed ------------------------------------------------------------------


def test_the_author_removes_one_photo_and_its_files_go(author, review, temp_storage):
    images = add_images(author, review.id, [png_bytes(), png_bytes((0, 0, 250))]).get_json()["images"]
    assert len(stored_files(temp_storage)) == 4
    response = author.delete(f"/api/v1/reviews/{review.id}/images/{images[0]['id']}")
    assert response.status_code == 200
    assert response.get_json()["images"] == images[1:] and response.get_json()["has_images"] is True
    assert len(stored_files(temp_storage)) == 2  # deleted after the commit
    last = author.delete(f"/api/v1/reviews/{review.id}/images/{images[1]['id']}").get_json()
    assert (last["images"], last["has_images"]) == ([], False)
    assert stored_files(temp_storage) == []


def test_removing_an_unknown_or_foreign_photo_is_404(client, review, temp_storage):
    other_line = bought_line(db.session.get(Product, review.product_id), buyer=review.user)
    other = reviews.create_review(review.user, other_line.id, 5, "Other", [png_bytes()])
    thief = make_user(full_name="Other Buyer")
    login(client, review.user)
    before = db_fingerprint()
    # a photo of the caller's other review, named under this one; then an id that is nobody's
    for image_id in (other.images[0].id, "00000000-0000-4000-8000-000000000000"):
        response = client.delete(f"/api/v1/reviews/{review.id}/images/{image_id}")
        api_error(response, 404, "review_image_not_found")
    login(client, thief)
    api_error(client.delete(f"/api/v1/reviews/{other.id}/images/{other.images[0].id}"), 404, "review_not_found")
    assert db_fingerprint() == before and len(stored_files(temp_storage)) == 2


def test_removing_needs_login_and_the_token(client, review, temp_storage):
    made = reviews.update_review(review.user, review.id, new_images=[png_bytes()])
    db.session.commit()
    path = f"/api/v1/reviews/{review.id}/images/{made.images[0].id}"
    api_error(client.delete(path), 401, "unauthorized")
    login(client, review.user)
    api_error(client.delete(path, csrf=False), 400, "csrf_failed")
    assert len(db.session.get(Review, review.id).images) == 1


# --- avatar ----------------------------------------------------------------------------------


def test_the_avatar_is_set_then_replaced_and_the_old_files_go(person, user, temp_storage):
    first = put_avatar(person, png_bytes())
    assert first.status_code == 200
    me = first.get_json()["user"]
    assert me["id"] == str(user.id)
    assert me["avatar_url"].startswith("/media/avatars/") and me["avatar_thumb_url"].endswith("-thumb.webp")
    assert person.get("/api/v1/profile").get_json() == first.get_json()
    old_files = stored_files(temp_storage)
    assert len(old_files) == 2

    second = put_avatar(person, png_bytes((0, 0, 200))).get_json()["user"]
    assert second["avatar_url"] != me["avatar_url"]
    assert set(stored_files(temp_storage)).isdisjoint(old_files) and len(stored_files(temp_storage)) == 2
    assert person.get(me["avatar_url"]).status_code == 404
    assert person.get(second["avatar_url"]).status_code == 200


@pytest.mark.parametrize("data, code, text", [
    (b"GIF89a-not-really", "image_invalid", "not an image we can read"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image_invalid", "not an image we can read"),
    (b"", "image_invalid", "That file is empty."),
])
def test_a_bad_avatar_is_422(person, user, unchanged, data, code, text):
    with unchanged():
        error = api_error(put_avatar(person, data), 422, code)
    assert text in error["fields"]["avatar"]
    assert db.session.get(User, user.id).avatar_key is None


def test_an_avatar_over_the_size_limit_is_422(app, person, unchanged, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMAGE_BYTES", 1024)
    with unchanged():
        error = api_error(put_avatar(person, png_bytes() + b"\0" * 2048), 422, "image_too_large")
    assert error["fields"]["avatar"] == "That image is larger than 1 KB. Upload a smaller one."


def test_an_avatar_over_max_content_length_is_a_json_413(app, person, unchanged, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    with unchanged():
        api_error(put_avatar(person, png_bytes() + b"\0" * 4096), 413, "payload_too_large")


@pytest.mark.parametrize("data", [{}, {"avatar": "text"}, {"avatar": files(png_bytes(), png_bytes())},
                                  {"image": files(png_bytes())}])
def test_an_avatar_body_without_exactly_one_file_is_a_422(person, unchanged, data):
    """A file part under the wrong name, or two of them, is a 422 too (not a 500: a file is not JSON)."""
    with unchanged():
        response = person.put(AVATAR, data=data, content_type="multipart/form-data")
        assert "avatar" in api_error(response, 422, "validation_error")["fields"]


def test_the_avatar_comes_as_multipart_only(person, unchanged):
    with unchanged():
        api_error(person.put(AVATAR, json={"avatar": "aGVsbG8="}), 415, "unsupported_media_type")


def test_the_avatar_needs_login_and_the_token(client, user, unchanged):
    with unchanged():
        api_error(put_avatar(client, png_bytes()), 401, "unauthorized")
        login(client, user)
        api_error(put_avatar(client, png_bytes(), csrf=False), 400, "csrf_failed")


def test_the_avatar_cannot_be_removed_as_on_the_web(person):
    """The web profile has no "remove avatar"; the API mirrors it."""
    api_error(person.delete(AVATAR), 405, "method_not_allowed")


# --- the exception to "JSON only" and the document -------------------------------------------


def test_only_the_upload_views_take_multipart(app):
    marked = {endpoint for endpoint in app.view_functions if view_takes_files(endpoint)}
    assert marked == {"api.add_review_images", "api.add_return_images", "api.set_avatar"}


def test_other_routes_still_refuse_multipart(person):
    response = person.put("/api/v1/profile", data={"avatar": files(png_bytes())}, content_type="multipart/form-data")
    assert "JSON" in api_error(response, 415, "unsupported_media_type")["message"]


@pytest.mark.parametrize("path, method, field", [
    ("/api/v1/reviews/{review_id}/images", "post", "images"),
    ("/api/v1/profile/avatar", "put", "avatar"),
])
def test_the_document_describes_the_multipart_operations(client, path, method, field):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"][path][method]
    assert operation["security"] == [{"session": [], "csrf": []}]
    assert set(operation["requestBody"]["content"]) == {"multipart/form-data"}
    ref = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].split("/")[-1]
    schema = document["components"]["schemas"][ref]
    assert schema["required"] == [field]
    part = schema["properties"][field]
    assert (part.get("items") or part)["format"] == "binary"
    assert {"413", "415", "422"} <= set(operation["responses"])
    removal = document["paths"]["/api/v1/reviews/{review_id}/images/{image_id}"]["delete"]
    assert removal["security"] == [{"session": [], "csrf": []}]
