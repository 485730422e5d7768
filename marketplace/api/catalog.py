"""API: the catalog — the category tree, product listings with filters/sorts/cursor, search, details."""
import uuid
from decimal import Decimal

from flask import current_app, request
from flask_babel import gettext as _
from spectree import Response

from marketplace.api import bp
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.catalog import (
    CatalogShopOut, CategoryRefOut, CategoryTreeOut, ProductCardOut, ProductDetailOut, ProductImageOut, ProductListOut,
    ProductListQuery, ProductSearchQuery, VariantListOut, VariantOut,
)
from marketplace.api.spec import spec
from marketplace.extensions import limiter
from marketplace.services.catalog import listing_queries, product_queries
from marketplace.services.catalog.category_queries import CategoryTree, get_tree
from marketplace.services.catalog.listing_queries import ListingQuery, Sort
from marketplace.services.core.errors import ValidationFailed
from marketplace.storage import media_url


def _currency() -> str:
    return current_app.config["CURRENCY"]


def _category_ids(tree: CategoryTree, value: str | None) -> list[uuid.UUID] | None:
    """`category` may be an id or a slug; an unknown one is a 422 on that field."""
    if not value:
        return None
    try:
        node = tree.get(uuid.UUID(value))
    except ValueError:
        node = tree.get_by_slug(value)
    if node is None:
        raise ValidationFailed(_("No category has that id or slug."), field="category", code="category_not_found")
    return tree.subtree_ids(node.id)


def _listing(query: ProductListQuery, text: str | None = None) -> ProductListOut:
    page = listing_queries.list_products(ListingQuery(
        category_ids=_category_ids(get_tree(), query.category) if query.category else None,
        shop_id=query.shop_id,
        min_price=query.min_price,
        max_price=query.max_price,
        min_rating=Decimal(str(query.min_rating)) if query.min_rating is not None else None,
        in_stock=query.in_stock,
        text=text,
        sort=Sort(query.sort) if query.sort else None,
        cursor=query.cursor,
        limit=query.limit,
    ))
    currency = _currency()
    return ProductListOut(items=[card_out(card, currency) for card in page.items], next_cursor=page.next_cursor)


def card_out(card: listing_queries.ProductCard, currency: str) -> ProductCardOut:
    """A listing card as the API shows it (the listings, search and the wishlist)."""
    return ProductCardOut(
        id=card.id, title=card.title, currency=currency, min_price=card.min_price,
        average_rating=float(card.average_rating), review_count=card.review_count, sold_count=card.sold_count,
        created_at=card.created_at, shop=CatalogShopOut(id=card.shop_id, name=card.shop_name, slug=card.shop_slug),
        thumb_url=media_url(card.thumb_key),
    )


def _variants(detail: product_queries.ProductDetail) -> list[VariantOut]:
    currency = _currency()
    return [VariantOut(id=v.id, sku=v.sku, name=v.name, options={str(k): str(val) for k, val in (v.options or {}).items()},
                       currency=currency, price=v.price, stock=v.stock, in_stock=v.stock > 0, image_id=v.image_id)
            for v in detail.variants]


@bp.get("/categories")
@spec.validate(resp=Response(HTTP_200=CategoryTreeOut), tags=["catalog"])
def list_categories():
    """Anyone: the whole category tree, nested."""
    return CategoryTreeOut(items=get_tree().as_dicts(), next_cursor=None)


@bp.get("/products")
@spec.validate(query=ProductListQuery, resp=Response(HTTP_200=ProductListOut, HTTP_422=ErrorOut), tags=["catalog"])
def list_products():
    """Anyone: visible products with filters and a sort, one keyset page at a time (`next_cursor`)."""
    return _listing(request.context.query)


@bp.get("/products/search")
# On top of the API budget (api/__init__.py), which a route limit would otherwise override.
@limiter.limit(lambda: current_app.config["RATELIMIT_SEARCH"], override_defaults=False)
@spec.validate(query=ProductSearchQuery, resp=Response(HTTP_200=ProductListOut, HTTP_422=ErrorOut, HTTP_429=ErrorOut),
               tags=["catalog"])
def search_products():
    """Anyone: full-text search (accent-insensitive, best match first by default) with the listing filters."""
    query = request.context.query
    text = query.q.strip()
    return _listing(query, text=text) if text else ProductListOut(items=[])


@bp.get("/products/<uuid:product_id>")
@spec.validate(resp=Response(HTTP_200=ProductDetailOut, HTTP_404=ErrorOut), tags=["catalog"])
def get_product(product_id: uuid.UUID):
    """Anyone: a visible product with its shop, category path, images and variants."""
    detail = product_queries.get_product_detail(product_id)
    product = detail.product
    crumbs = [CategoryRefOut(id=n.id, name=n.name, slug=n.slug) for n in detail.breadcrumbs]
    return ProductDetailOut(
        id=product.id, title=product.title, description=product.description or "", currency=_currency(),
        min_price=product.min_price, average_rating=float(product.average_rating),
        review_count=product.review_count, sold_count=product.sold_count, created_at=product.created_at,
        category=crumbs[-1] if crumbs else None, breadcrumbs=crumbs,
        shop=CatalogShopOut(id=detail.shop.id, name=detail.shop.name, slug=detail.shop.slug),
        images=[ProductImageOut(id=i.id, url=media_url(i.storage_key), thumb_url=media_url(i.thumb_key),
                                width=i.width, height=i.height, position=i.position) for i in detail.images],
        variants=_variants(detail),
    )


@bp.get("/products/<uuid:product_id>/variants")
@spec.validate(resp=Response(HTTP_200=VariantListOut, HTTP_404=ErrorOut), tags=["catalog"])
def list_product_variants(product_id: uuid.UUID):
    """Anyone: a visible product's variants (price, stock, options)."""
    return VariantListOut(items=_variants(product_queries.get_product_detail(product_id)))
