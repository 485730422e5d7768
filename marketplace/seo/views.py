"""robots.txt and the sitemaps (public, read-only), and the template helpers of every page's head."""
from __future__ import annotations

from flask import Response, abort, current_app, url_for

from marketplace.seo import bp, pages, sitemaps
from marketplace.seo.head import FILTER_PARAMS, absolute, og_locale
from marketplace.seo.structured_data import ld_json

for helper in (pages.product_meta, pages.category_meta, pages.search_meta, pages.shop_meta, pages.home_meta,
               pages.default_meta, og_locale, ld_json):
    bp.add_app_template_global(helper)

# What crawlers leave alone: everything personal or transactional, the JSON API, htmx fragments, and
# any listing narrowed or re-sorted by a filter (its plain listing is the page to index: seo/head.py).
DISALLOWED = ("/cart", "/checkout", "/orders", "/pay/", "/payments/", "/account/", "/saved", "/following",
              "/notifications", "/seller", "/admin", "/api/", "/language", "/reviews/", "/search/",
              "/p/*/around", "/p/*/recent", "/p/*/variants/", "/s/*/seller-card", "/health", "/metrics")
CACHE_SECONDS = 3600  # what a crawler may keep; the files themselves change with the catalogue


@bp.get("/robots.txt")
def robots_txt():
    """Anyone: what crawlers may fetch, and where the sitemap index is."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    lines += [f"Disallow: /*?*{name}=" for name in FILTER_PARAMS]
    lines += ["", f"Sitemap: {absolute(url_for('seo.sitemap_index'))}", ""]
    response = Response("\n".join(lines), mimetype="text/plain")
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@bp.get("/sitemap.xml")
def sitemap_index():
    """Anyone: the sitemap index (one child per page of products, categories, shops and the home page)."""
    data, hit = sitemaps.cached(("index",), sitemaps.build_index)
    return _answer(Response(data, mimetype="application/xml"), hit)


@bp.get("/sitemaps/<any(pages, categories, shops, products):kind>-<int:number>.xml.gz")
def child_sitemap(kind: str, number: int):
    """Anyone: one gzip-compressed child sitemap; 404 past the last. (On the primary, not the reader: a
    page streams through a server-side cursor, which needs a transaction.)"""
    data, hit = sitemaps.cached((kind, number), lambda: sitemaps.build_child(kind, number))
    if data is None:
        abort(404)
    response = Response(data, mimetype="application/gzip")
    # A file, not a compressed answer: Flask-Compress leaves application/gzip alone.
    response.headers["Content-Disposition"] = f'inline; filename="{kind}-{number}.xml.gz"'
    return _answer(response, hit)


def _answer(response: Response, hit: bool) -> Response:
    response.headers["X-Cache"] = "HIT" if hit else "MISS"
    response.headers["Cache-Control"] = f"public, max-age={min(CACHE_SECONDS, current_app.config['PAGE_CACHE_TTL'])}"
    return response
