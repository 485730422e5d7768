"""Catalog pages: category listings and the product page (all public, read-only); search is search_views.py."""
import uuid
from functools import lru_cache

from flask import (
    abort, current_app, make_response, redirect, render_template, request, url_for,
)

from marketplace.catalog import bp
from marketplace.catalog.listing import filter_form, render_listing, run_listing
from marketplace.services.catalog import product_queries, related_queries, storefront_cache
from marketplace.services.catalog.category_queries import get_tree, storefront_children, storefront_roots
from marketplace.services.core.text import slugify
from marketplace.web.fast_urls import fast_url
from marketplace.web.page_cache import anonymous_page


@bp.app_template_global()
def product_url(product_id: uuid.UUID, title: str = "", **params) -> str:
    """The product page URL, with a readable slug when the title is known."""
    slug = cached_slug(title)
    if params:
        return url_for("catalog.view_product", product_id=product_id, **({"slug": slug} if slug else {}), **params)
    if slug:
        return fast_url("catalog.view_product", product_id=product_id, slug=slug)
    return fast_url("catalog.view_product", product_id=product_id)


@bp.app_template_global()
def nav_categories() -> tuple:
    """The top-level categories with something to buy, for the storefront's category bar (cached tree)."""
    return tuple(storefront_roots())


# A category's icon (the vendored sprite) by words in its slug; others get a tag.
CATEGORY_ICONS = (("thoi-trang", "bag"), ("fashion", "bag"), ("dien-tu", "phone"), ("electronic", "phone"),
                  ("nha-cua", "house-heart"), ("home", "house-heart"), ("ca-phe", "cup-hot"), ("coffee", "cup-hot"),
                  ("sac-dep", "flower1"), ("beauty", "flower1"), ("the-thao", "bicycle"), ("sport", "bicycle"),
                  ("qua", "gift"), ("gift", "gift"))


@bp.app_template_global()
def category_icon(slug: str) -> str:
    return next((icon for word, icon in CATEGORY_ICONS if word in slug), "tag")


@bp.app_template_global()
def best_sellers() -> list:
    """The home page's best sellers (cached per catalog version), for empty lists and error pages."""
    return storefront_cache.home_shelves(storefront_cache.SHELF_SIZE)[0]


# The words after /p/<id>/ that name the product page's own fragments and pages, never a slug.
RESERVED_SLUGS = frozenset({"around", "recent", "reviews", "variants"})


@lru_cache(maxsize=16384)
def cached_slug(title: str) -> str:
    """The slug of a product title (slugify(), kept clear of the page's own sub-paths); listing cards ask
    for the same titles again and again."""
    slug = slugify(title)
    return f"{slug}-p" if slug in RESERVED_SLUGS else slug


@bp.get("/c/<slug>")
@anonymous_page()
def view_category(slug: str):
    """Anyone: a category's products, its subcategories' included, with filters, sorts and "Load more"."""
    tree = get_tree()
    node = tree.get_by_slug(slug)
    if node is None:
        abort(404)
    form = filter_form()
    page = run_listing(form, category_ids=tree.subtree_ids(node.id))
    return render_listing("catalog/category.html", form, page, category=node,
                          breadcrumbs=tree.ancestors(node.id), subcategories=storefront_children(node, tree))


def requested_variant() -> uuid.UUID | None:
    """The `?variant=` a product page (or the seller's preview of one) preselects; None when absent or malformed."""
    try:
        return uuid.UUID(request.args.get("variant", ""))
    except ValueError:
        return None


# A product page shows the category breadcrumbs, its shop and its reviewers' names; the rest is
# its own (the live state: the product's page version and stock), never another product's.
PRODUCT_PAGE = ("categories", "shops", "reviews")


@bp.get("/p/<uuid:product_id>")
@bp.get("/p/<uuid:product_id>/<slug>")
@anonymous_page(live_key=lambda product_id, slug=None: storefront_cache.live_state(product_id), versions=PRODUCT_PAGE)
def view_product(product_id: uuid.UUID, slug: str | None = None):
    """Anyone: a visible product with its gallery and variant picker (`?variant=` preselects one). An old
    slug (the product was renamed since) is moved permanently to the current one, its query kept."""
    detail = product_queries.get_product_detail(product_id)
    current = cached_slug(detail.product.title)
    if slug is not None and slug != current:
        return redirect(product_url(product_id, detail.product.title, **request.args.to_dict()), 301)
    variant = detail.pick_variant(requested_variant())
    return render_template("catalog/product.html", detail=detail, product=detail.product, variant=variant,
                           main_image=detail.image_for(variant))


@bp.get("/p/<uuid:product_id>/variants/panel")
@anonymous_page(live_key=lambda product_id: storefront_cache.live_state(product_id), versions=PRODUCT_PAGE)
def variant_panel(product_id: uuid.UUID):
    """Anyone: the price/stock/add-to-cart panel for `?variant=` (htmx fragment; swaps the main image too)."""
    detail = product_queries.get_product_detail(product_id)
    variant = detail.pick_variant(requested_variant())
    response = make_response(render_template(
        "catalog/partials/_variant_panel.html", detail=detail, product=detail.product, variant=variant,
        main_image=detail.image_for(variant), oob_image=True))
    if variant is not None:
        # The address bar follows the choice, so a copied link opens this variant.
        response.headers["HX-Replace-Url"] = product_url(detail.product.id, detail.product.title, variant=variant.id)
    return response


@bp.get("/p/<uuid:product_id>/around")
@anonymous_page()
def product_around(product_id: uuid.UUID):
    """Anyone: the product page's shelves, "More from this shop" and "Similar products" (an htmx fragment
    loaded when scrolled to; cached with the listings, so the page itself keeps its own versions)."""
    product = product_queries.get_product_detail(product_id)
    info = product.product
    return render_template(
        "catalog/partials/_around.html", product=info, shop=product.shop,
        from_shop=related_queries.more_from_shop(info.id, product.shop.id),
        similar=related_queries.similar(info.id, info.category_id, info.min_price))


RECENT_COOKIE = "recently_viewed"


@bp.get("/p/<uuid:product_id>/recent")
def recently_viewed(product_id: uuid.UUID):
    """Anyone: the shopper's recently viewed products but this one (an htmx fragment), and this one
    remembered first in the recently-viewed cookie (no login needed)."""
    ids = related_queries.parse_recent(request.cookies.get(RECENT_COOKIE))
    response = make_response(render_template(
        "catalog/partials/_recent.html", cards=related_queries.recently_viewed(ids, product_id)))
    response.set_cookie(RECENT_COOKIE, related_queries.remember_viewed(ids, product_id),
                        max_age=60 * 60 * 24 * 90, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
