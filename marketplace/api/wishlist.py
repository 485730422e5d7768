"""API: the signed-in user's saved products (wishlist) and followed shops (following)."""
import uuid

from flask import current_app, request
from flask_login import current_user
from spectree import Response

from marketplace.api import bp
from marketplace.api.catalog import card_out
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.wishlist import FollowedShopOut, FollowingListOut, SavedListOut, SavedListQuery
from marketplace.api.spec import SESSION, SESSION_CSRF, spec
from marketplace.services.wishlist import follow_queries, follows, wishlist, wishlist_queries
from marketplace.storage import media_url
from marketplace.web.auth import login_required


@bp.get("/wishlist")
@login_required
@spec.validate(query=SavedListQuery, resp=Response(HTTP_200=SavedListOut, HTTP_401=ErrorOut, HTTP_422=ErrorOut),
               tags=["wishlist"], security=SESSION)
def list_wishlist():
    """Signed-in users: their saved products still on sale, last saved first, keyset-paged."""
    query = request.context.query
    page = wishlist_queries.saved_products(current_user.id, cursor=query.cursor, limit=query.limit)
    currency = current_app.config["CURRENCY"]
    return SavedListOut(items=[card_out(card, currency) for card in page.items], next_cursor=page.next_cursor), 200


@bp.put("/wishlist/<uuid:product_id>")
@login_required
@spec.validate(resp=Response(HTTP_204=None, HTTP_401=ErrorOut, HTTP_404=ErrorOut), tags=["wishlist"],
               security=SESSION_CSRF)
def save_product(product_id: uuid.UUID):
    """Signed-in users: save a product on sale (saving it again changes nothing); 404 for any other."""
    wishlist.save(current_user, product_id)
    return "", 204


@bp.delete("/wishlist/<uuid:product_id>")
@login_required
@spec.validate(resp=Response(HTTP_204=None, HTTP_401=ErrorOut, HTTP_404=ErrorOut), tags=["wishlist"],
               security=SESSION_CSRF)
def unsave_product(product_id: uuid.UUID):
    """Signed-in users: remove a saved product (one that isn't saved is fine; 404 for an unknown or hidden one
    that isn't saved)."""
    wishlist.remove(current_user, product_id)
    return "", 204


@bp.get("/following")
@login_required
@spec.validate(query=SavedListQuery, resp=Response(HTTP_200=FollowingListOut, HTTP_401=ErrorOut, HTTP_422=ErrorOut),
               tags=["following"], security=SESSION)
def list_following():
    """Signed-in users: the open shops they follow, last followed first, keyset-paged, with their figures."""
    query = request.context.query
    page = follow_queries.followed_shops(current_user.id, cursor=query.cursor, limit=query.limit)
    return FollowingListOut(items=[
        FollowedShopOut(id=shop.id, name=shop.name, slug=shop.slug,
                        logo_url=media_url(shop.logo_key) if shop.logo_key else None,
                        product_count=shop.product_count, review_count=shop.review_count,
                        average_rating=float(shop.average_rating or 0), followed_at=shop.followed_at)
        for shop in page.items
    ], next_cursor=page.next_cursor), 200


@bp.put("/following/<uuid:shop_id>")
@login_required
@spec.validate(resp=Response(HTTP_204=None, HTTP_401=ErrorOut, HTTP_404=ErrorOut, HTTP_422=ErrorOut),
               tags=["following"], security=SESSION_CSRF)
def follow_shop(shop_id: uuid.UUID):
    """Signed-in users: follow an open shop (again changes nothing); 404 for one that isn't open, 422 own_shop
    for their own."""
    follows.follow(current_user, shop_id)
    return "", 204


@bp.delete("/following/<uuid:shop_id>")
@login_required
@spec.validate(resp=Response(HTTP_204=None, HTTP_401=ErrorOut, HTTP_404=ErrorOut), tags=["following"],
               security=SESSION_CSRF)
def unfollow_shop(shop_id: uuid.UUID):
    """Signed-in users: stop following a shop (one not followed is fine; 404 for a shop that isn't open and
    isn't followed)."""
    follows.unfollow(current_user, shop_id)
    return "", 204
