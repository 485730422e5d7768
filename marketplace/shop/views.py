"""Storefront pages: the home page and public shop pages (public, read-only)."""
from flask import abort, g, render_template, request
from flask_babel import gettext as _

from marketplace.catalog.listing import filter_form, render_listing, run_listing
from marketplace.services.catalog import storefront_cache
from marketplace.services.catalog.category_queries import get_tree, storefront_roots
from marketplace.services.ordering import voucher_queries
from marketplace.services.shops import featured_queries, shop_queries
from marketplace.shop import bp
from marketplace.web.page_cache import STOREFRONT_VERSIONS, anonymous_page
from marketplace.wishlist import state

# A shop page shows its rating (the products' review rollups) besides its cards.
SHOP_PAGE_VERSIONS = (*STOREFRONT_VERSIONS, "reviews")


@bp.get("/")
@anonymous_page()
def home():
    """Anyone: the home page: the hero with featured shops, the top-level categories that have something,
    best sellers, new arrivals, shops to follow."""
    best, newest = storefront_cache.home_shelves(storefront_cache.SHELF_SIZE)
    return render_template("shop/home.html", categories=storefront_roots(), best_sellers=best, new_arrivals=newest,
                           shops=featured_queries.featured_shops())


def shop_offers(slug: str):
    """The shop's vouchers on offer now, read once per request: no cache version covers them (they
    start and end by the clock), so they are the page cache's live key and then the page's content."""
    cached = g.get("shop_offers")
    if cached is None or cached[0] != slug:
        cached = g.shop_offers = (slug, voucher_queries.shop_offers(slug))
    return cached[1]


@bp.get("/s/<slug>")
@anonymous_page(live_key=lambda slug: (shop_offers(slug), state.shop_followers(slug)), versions=SHOP_PAGE_VERSIONS)
def view_shop(slug: str):
    """Anyone: an ACTIVE shop's page: its header (logo, banner, rating, vouchers), its categories, and its
    products (filters, sorts, a category within the shop, "Load more")."""
    info = shop_queries.get_shop_page(slug)
    tree = get_tree()
    chosen = None
    if request.args.get("category"):
        chosen = tree.get_by_slug(request.args["category"])
        if chosen is None:
            abort(404)
    form = filter_form(with_shops=False)
    page = None
    if info.product_count:
        page = run_listing(form, shop_id=info.shop.id, category_ids=tree.subtree_ids(chosen.id) if chosen else None)
    return render_listing(
        "shop/shop.html", form, page, shop=info.shop, header=info, offers=shop_offers(slug),
        shop_categories=[node for node in tree.walk() if node.id in info.category_ids], chosen_category=chosen,
        hidden_filters=[("category", chosen.slug)] if chosen else [], empty_prompt=_("This shop hasn't listed anything yet."))


@bp.get("/s/<slug>/seller-card")
def seller_card(slug: str):
    """Anyone: an open shop's figures for a product page's seller card (an htmx fragment, read fresh: the
    seller's replies to reviews move no cache version)."""
    return render_template("shop/partials/_seller_figures.html", card=shop_queries.seller_card(slug))
