"""services/wishlist: saving products and following shops, and what their pages read."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import ProductStatus, ShopFollow, ShopStatus, WishlistItem
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.services.wishlist import follow_queries, follows, wishlist, wishlist_queries
from tests.factories import make_product, make_shop, make_user

BASE = datetime(2024, 5, 1, tzinfo=timezone.utc)


def saved_rows(user) -> int:
    return db.session.scalar(select(func.count()).select_from(WishlistItem).where(WishlistItem.user_id == user.id))


def follow_rows(user) -> int:
    return db.session.scalar(select(func.count()).select_from(ShopFollow).where(ShopFollow.user_id == user.id))


# ---- saved products ---------------------------------------------------------------------------

def test_saving_twice_is_one_item():
    user, product = make_user(), make_product()
    assert wishlist.save(user, product.id) is True
    assert wishlist.save(user, product.id) is False
    assert saved_rows(user) == 1
    assert wishlist_queries.saved_product_ids(user.id) == {product.id}


@pytest.mark.parametrize("status", [ProductStatus.HIDDEN, ProductStatus.DRAFT, ProductStatus.DELETED])
def test_a_product_the_shopper_cannot_see_is_not_found(status):
    user, product = make_user(), make_product(status=status)
    with pytest.raises(NotFound) as refused:
        wishlist.save(user, product.id)
    assert refused.value.message == "That product is not available."
    assert saved_rows(user) == 0


def test_a_product_of_a_suspended_shop_is_not_found():
    user, product = make_user(), make_product(shop=make_shop(status=ShopStatus.SUSPENDED))
    with pytest.raises(NotFound):
        wishlist.save(user, product.id)
    assert saved_rows(user) == 0


def test_removing_what_is_not_saved_is_fine_and_removes_only_ones_own():
    user, other, product = make_user(), make_user(), make_product()
    wishlist.save(other, product.id)
    assert wishlist.remove(user, product.id) is False
    assert saved_rows(other) == 1


def test_a_saved_product_hidden_since_can_still_be_removed_but_is_not_listed():
    user, product = make_user(), make_product()
    wishlist.save(user, product.id)
    product.status = ProductStatus.HIDDEN
    db.session.flush()
    assert wishlist_queries.saved_products(user.id).items == []
    assert wishlist.remove(user, product.id) is True
    assert saved_rows(user) == 0


def test_removing_a_hidden_product_never_saved_is_not_found():
    user, product = make_user(), make_product(status=ProductStatus.HIDDEN)
    with pytest.raises(NotFound):
        wishlist.remove(user, product.id)


def test_toggle_saves_then_removes():
    user, product = make_user(), make_product()
    assert wishlist.toggle(user, product.id) is True
    assert wishlist.toggle(user, product.id) is False
    assert saved_rows(user) == 0


def test_saved_products_are_cards_last_saved_first_keyset_paged():
    user = make_user()
    products = [make_product(title=f"Saved {n}") for n in range(5)]
    for product in products:
        wishlist.save(user, product.id)
    for minute, item in enumerate(db.session.scalars(select(WishlistItem).where(WishlistItem.user_id == user.id)
                                                     .order_by(WishlistItem.created_at, WishlistItem.id))):
        item.created_at = BASE + timedelta(minutes=[p.id for p in products].index(item.product_id))
    wishlist.save(make_user(), products[0].id)  # someone else's
    db.session.flush()
    seen, cursor = [], None
    while True:
        page = wishlist_queries.saved_products(user.id, cursor=cursor, limit=2)
        seen += page.items
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert [card.title for card in seen] == [f"Saved {n}" for n in reversed(range(5))]


# ---- followed shops ---------------------------------------------------------------------------

def test_following_twice_is_one_follow_and_counts_once():
    user, shop = make_user(), make_shop()
    assert follows.follow(user, shop.id) is True
    assert follows.follow(user, shop.id) is False
    follows.follow(make_user(), shop.id)
    assert follow_rows(user) == 1
    assert follow_queries.follow_state(user.id, shop.id) == (True, 2)
    assert follow_queries.follow_state(None, shop.id) == (False, 2)
    assert follow_queries.follower_count_by_slug(shop.slug) == 2


@pytest.mark.parametrize("status", [ShopStatus.SUSPENDED, ShopStatus.PENDING, ShopStatus.REJECTED])
def test_a_shop_that_is_not_open_cannot_be_followed(status):
    user, shop = make_user(), make_shop(status=status)
    with pytest.raises(NotFound) as refused:
        follows.follow(user, shop.id)
    assert refused.value.message == "That shop is not open."
    assert follow_rows(user) == 0


def test_a_seller_cannot_follow_their_own_shop():
    shop = make_shop()
    with pytest.raises(ValidationFailed) as refused:
        follows.follow(shop.owner, shop.id)
    assert refused.value.code == "own_shop"
    assert follow_rows(shop.owner) == 0


def test_unfollowing_what_is_not_followed_is_fine_and_a_suspended_shop_can_be_left():
    user, shop = make_user(), make_shop()
    assert follows.unfollow(user, shop.id) is False
    follows.follow(user, shop.id)
    shop.status = ShopStatus.SUSPENDED
    db.session.flush()
    assert follow_queries.followed_shops(user.id).items == []
    assert follows.unfollow(user, shop.id) is True
    with pytest.raises(NotFound):
        follows.unfollow(user, shop.id)


def test_followed_shops_carry_their_figures_last_followed_first():
    user = make_user()
    quiet, busy = make_shop(name="Quiet"), make_shop(name="Busy")
    for n in range(3):
        product = make_product(shop=busy)
        product.review_count, product.rating_sum = 2, 9 - n  # 9+8+7 over 6 reviews = 4.0
    make_product(shop=busy, status=ProductStatus.HIDDEN)
    follows.follow(user, quiet.id)
    follows.follow(user, busy.id)
    for follow in db.session.scalars(select(ShopFollow).where(ShopFollow.user_id == user.id)):
        follow.created_at = BASE + timedelta(minutes=1 if follow.shop_id == busy.id else 0)
    db.session.flush()
    page = follow_queries.followed_shops(user.id, limit=1)
    assert [s.name for s in page.items] == ["Busy"]
    assert (page.items[0].product_count, page.items[0].review_count) == (3, 6)
    assert str(page.items[0].average_rating) == "4.0"
    rest = follow_queries.followed_shops(user.id, cursor=page.next_cursor, limit=1)
    assert [(s.name, s.product_count, str(s.average_rating)) for s in rest.items] == [("Quiet", 0, "None")]  # no reviews: no rating (shop_queries.average_rating)
    assert rest.next_cursor is None


def test_toggle_follows_then_unfollows():
    user, shop = make_user(), make_shop()
    assert follows.toggle(user, shop.id) is True
    assert follows.toggle(user, shop.id) is False
    assert follow_rows(user) == 0
