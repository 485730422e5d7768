"""Storefront pages: the home page and public shop pages (public, read-only)."""
from flask import render_template

from marketplace.catalog.listing import filter_form, render_listing, run_listing
from marketplace.services.catalog import storefront_cache
from marketplace.services.catalog.category_queries import get_tree
from marketplace.services.shops import shop_queries
from marketplace.shop import bp
from marketplace.web.page_cache import anonymous_page
from marketplace.wishlist import state

HOME_SHELF = 8


@bp.get("/")
@anonymous_page()
def home():
    """Anyone: the home page: top-level categories, best sellers and new arrivals."""
    best, newest = storefront_cache.home_shelves(HOME_SHELF)
    return render_template("shop/home.html", categories=get_tree().roots, best_sellers=best, new_arrivals=newest)


@bp.get("/s/<slug>")
@anonymous_page(live_key=state.shop_followers)  # the Follow button's count: read fresh, as a product page's stock
def view_shop(slug: str):
    """Anyone: an ACTIVE shop's public page with its products (filters, sorts, "Load more")."""
    shop = shop_queries.get_visible_shop(slug)
    form = filter_form(with_shops=False)
    page = run_listing(form, shop_id=shop.id)
    return render_listing("shop/shop.html", form, page, shop=shop)
