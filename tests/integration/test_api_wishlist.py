"""The wishlist and following API: every route, its errors in the API's shape, and its documentation."""
import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import ProductStatus, ShopFollow, ShopStatus, WishlistItem
from marketplace.services.wishlist import follows, wishlist
from tests.api_support import api_error
from tests.factories import login, make_product, make_shop, make_user

UNKNOWN = "00000000-0000-0000-0000-000000000000"


def saved_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(WishlistItem).where(WishlistItem.user_id == user.id))


def follow_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(ShopFollow).where(ShopFollow.user_id == user.id))


def test_put_saves_once_get_lists_and_delete_removes(client):
    user, product = make_user(), make_product(title="Kettle")
    login(client, user)
    assert client.put(f"/api/v1/wishlist/{product.id}").status_code == 204
    assert client.put(f"/api/v1/wishlist/{product.id}").status_code == 204
    assert saved_count(user) == 1
    body = client.get("/api/v1/wishlist").get_json()
    assert [item["title"] for item in body["items"]] == ["Kettle"] and body["next_cursor"] is None
    assert set(body["items"][0]) >= {"id", "currency", "min_price", "shop", "thumb_url"}
    assert client.delete(f"/api/v1/wishlist/{product.id}").status_code == 204
    assert client.delete(f"/api/v1/wishlist/{product.id}").status_code == 204  # not saved: fine
    assert saved_count(user) == 0


def test_the_wishlist_pages_with_a_cursor(client):
    user = make_user()
    for n in range(3):
        wishlist.save(user, make_product(title=f"Keeper {n}").id)
    login(client, user)
    first = client.get("/api/v1/wishlist?limit=2").get_json()
    rest = client.get(f"/api/v1/wishlist?limit=2&cursor={first['next_cursor']}").get_json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    api_error(client.get("/api/v1/wishlist?cursor=%5B%5B"), 422, "invalid_cursor")
    api_error(client.get("/api/v1/wishlist?limit=0"), 422)


@pytest.mark.parametrize("status", [ProductStatus.HIDDEN, ProductStatus.DRAFT])
def test_a_product_not_on_sale_or_unknown_is_404_and_nothing_saved(client, status):
    user, product = make_user(), make_product(status=status)
    login(client, user)
    error = api_error(client.put(f"/api/v1/wishlist/{product.id}"), 404, "product_not_found")
    assert error["message"] == "That product is not available."
    api_error(client.put(f"/api/v1/wishlist/{UNKNOWN}"), 404, "product_not_found")
    api_error(client.delete(f"/api/v1/wishlist/{UNKNOWN}"), 404, "product_not_found")
    assert saved_count(user) == 0


def test_following_put_get_delete(client):
    user, shop = make_user(), make_shop(name="Tea House")
    product = make_product(shop=shop)
    product.review_count, product.rating_sum = 4, 18
    login(client, user)
    assert client.put(f"/api/v1/following/{shop.id}").status_code == 204
    assert client.put(f"/api/v1/following/{shop.id}").status_code == 204
    assert follow_count(user) == 1
    body = client.get("/api/v1/following").get_json()
    assert body["next_cursor"] is None
    (item,) = body["items"]
    assert (item["name"], item["slug"], item["product_count"], item["review_count"], item["average_rating"]) == (
        "Tea House", shop.slug, 1, 4, 4.5)
    assert client.delete(f"/api/v1/following/{shop.id}").status_code == 204
    assert client.delete(f"/api/v1/following/{shop.id}").status_code == 204
    assert follow_count(user) == 0


def test_a_shop_that_is_not_open_or_unknown_is_404_and_ones_own_is_422(client):
    user, closed = make_user(), make_shop(status=ShopStatus.SUSPENDED)
    login(client, user)
    error = api_error(client.put(f"/api/v1/following/{closed.id}"), 404, "shop_not_found")
    assert error["message"] == "That shop is not open."
    api_error(client.put(f"/api/v1/following/{UNKNOWN}"), 404, "shop_not_found")
    api_error(client.delete(f"/api/v1/following/{UNKNOWN}"), 404, "shop_not_found")
    own = make_shop()
    login(client, own.owner)
    api_error(client.put(f"/api/v1/following/{own.id}"), 422, "own_shop")
    assert follow_count(user) == 0 and follow_count(own.owner) == 0


def test_a_followed_shop_suspended_since_leaves_the_list_and_can_be_unfollowed(client):
    user, shop = make_user(), make_shop()
    follows.follow(user, shop.id)
    shop.status = ShopStatus.SUSPENDED
    login(client, user)
    assert client.get("/api/v1/following").get_json()["items"] == []
    assert client.delete(f"/api/v1/following/{shop.id}").status_code == 204
    assert follow_count(user) == 0


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/wishlist"), ("PUT", f"/api/v1/wishlist/{UNKNOWN}"), ("DELETE", f"/api/v1/wishlist/{UNKNOWN}"),
    ("GET", "/api/v1/following"), ("PUT", f"/api/v1/following/{UNKNOWN}"), ("DELETE", f"/api/v1/following/{UNKNOWN}"),
])
def test_anonymous_is_401(client, method, path):
    api_error(client.open(path, method=method), 401)


def test_the_routes_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/wishlist"]) == {"get"}
    assert set(paths["/api/v1/wishlist/{product_id}"]) == {"put", "delete"}
    assert set(paths["/api/v1/following"]) == {"get"}
    assert set(paths["/api/v1/following/{shop_id}"]) == {"put", "delete"}
    assert "404" in paths["/api/v1/following/{shop_id}"]["put"]["responses"]
