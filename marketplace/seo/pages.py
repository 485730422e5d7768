"""The head of each storefront page (seo/head.py PageMeta), from what the page's view already read:
no statement of its own (tests/integration/test_sql_budgets.py)."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import ngettext

from marketplace.catalog.views import product_url
from marketplace.money import format_money
from marketplace.seo import head, structured_data
from marketplace.seo.head import PageMeta, Picture, absolute, canonical, describe, language_versions
from marketplace.services.core.images import SHARE_SIZE
from marketplace.storage import media_url
from marketplace.web.fast_urls import fast_url_for


def _site() -> str:
    return current_app.config["SITE_NAME"]


def _home_crumb() -> tuple[str, str]:
    return (_("Home"), absolute(fast_url_for("shop.home")))


def _category_crumbs(nodes) -> list[tuple[str, str]]:
    return [(node.name, absolute(fast_url_for("catalog.view_category", slug=node.slug))) for node in nodes]


def _picture(image, alt: str) -> Picture | None:
    """A product picture for link previews: its 1200x630 share picture, else (stored before seo01) itself."""
    if image is None:
        return None
    if image.share_key:
        return Picture(absolute(media_url(image.share_key)), *SHARE_SIZE, alt=alt)
    return Picture(absolute(media_url(image.storage_key)), image.width, image.height, alt=alt)


def _author(user) -> str:
    """A reviewer as the page names them (reviews/_macros.html author_name): first word, last initial."""
    parts = user.full_name.split()
    if not parts:
        return _("A buyer")
    return parts[0] + (f" {parts[-1][0]}." if len(parts) > 1 else "")


def product_meta(detail, variant, reviews) -> PageMeta:
    """A product page: Product JSON-LD with its offers, rating and reviews, a breadcrumb, preview tags with
    the shown variant's price; noindex when nothing is left to buy (no variant in stock)."""
    info, currency = detail.product, current_app.config["CURRENCY"]
    path = product_url(info.id, info.title)
    url = absolute(path)
    shop_url = absolute(fast_url_for("shop.view_shop", slug=detail.shop.slug))
    description = describe(info.description) or _("%(title)s from %(shop)s on %(site)s.", title=info.title,
                                                    shop=detail.shop.name, site=_site())
    image = _picture(detail.image_for(variant), info.title)
    seller = {"@type": "Organization", "name": detail.shop.name, "url": shop_url}
    product = structured_data.product(
        detail, url=url, currency=currency, description=description, seller=seller,
        images=[absolute(media_url(i.storage_key)) for i in detail.images],
        variant_url=lambda v: head.with_params(url, {"variant": v.id}) if len(detail.variants) > 1 else url,
        reviews=list(reviews.items) if reviews is not None else [], review_author=_author)
    crumbs = [_home_crumb(), *_category_crumbs(detail.breadcrumbs), (info.title, url)]
    extra = []
    if variant is not None:
        extra = [("product:price:amount", structured_data.major_units(variant.price, currency)),
                 ("product:price:currency", currency),
                 ("product:availability", "instock" if variant.stock > 0 else "oos")]
    return PageMeta(
        title=_("%(title)s · %(price)s", title=info.title, price=format_money(variant.price)) if variant else info.title,
        description=description, canonical=canonical(path), og_type="product", image=image,
        noindex=not any(v.stock > 0 for v in detail.variants), alternates=language_versions(path),
        extra_og=extra, structured=[product, structured_data.breadcrumb_list(crumbs)])


def _listing_items(page) -> list[tuple[str, str]]:
    return [(card.title, absolute(product_url(card.id, card.title))) for card in (page.items if page else ())]


def _first_picture(page, alt: str) -> Picture | None:
    card = next((card for card in (page.items if page else ()) if card.thumb_key), None)
    return Picture(absolute(media_url(card.thumb_key)), alt=alt) if card else None


def _cursor() -> dict:
    return {"cursor": request.args.get("cursor") or None}


def category_meta(category, breadcrumbs, page) -> PageMeta:
    """A category listing: BreadcrumbList and ItemList; filters and sorts canonicalise to the plain listing
    (and are noindex), a later page (`?cursor=`) to itself. A noindex listing carries no JSON-LD: search
    engines read none from a page they don't index, and most listings asked for are filtered or sorted."""
    path = fast_url_for("catalog.view_category", slug=category.slug)
    filtered = head.filtered()
    params = {} if filtered else _cursor()
    noindex = filtered or not (page and page.items)
    return PageMeta(
        title=category.name,
        description=_("%(category)s from independent shops on %(site)s: compare prices and ratings, pay once for "
                      "everything in your cart.", category=category.name, site=_site()),
        canonical=canonical(path, **params), image=_first_picture(page, category.name),
        noindex=noindex, alternates=language_versions(path, **params),
        structured=[] if noindex else [structured_data.breadcrumb_list(_category_page_crumbs(category, breadcrumbs, path)),
                                       structured_data.item_list(_listing_items(page), category.name)])


def _category_page_crumbs(category, breadcrumbs, path: str) -> list[tuple[str, str]]:
    crumbs = [_home_crumb(), *_category_crumbs(breadcrumbs)]
    if not breadcrumbs or breadcrumbs[-1].id != category.id:
        crumbs.append((category.name, absolute(path)))
    return crumbs


def search_meta(q: str, page) -> PageMeta:
    """The search page: its canonical carries the words (a shared link previews that search), but it is
    never indexed. Search engines ask sites to keep their own search results out of their index (Google's
    spam policies name "search results pages"); the pages to find are the categories, shops and products
    the sitemaps list. A noindex page carries no JSON-LD and no language versions."""
    path = fast_url_for("catalog.search")
    params = {"q": q or None, **({} if head.filtered() else _cursor())}
    title = _("Results for “%(q)s”", q=q) if q else _("Search")
    return PageMeta(
        title=title,
        description=_("Products matching “%(q)s” from independent shops on %(site)s.", q=q, site=_site()) if q
        else _("Search products from independent shops on %(site)s.", site=_site()),
        canonical=canonical(path, **params), image=_first_picture(page, title), noindex=True)


def shop_meta(shop, header, page) -> PageMeta:
    """A shop's page: OnlineStore with the rating its header shows; its categories and filters canonicalise
    to the plain shop page (and are noindex)."""
    path = fast_url_for("shop.view_shop", slug=shop.slug)
    filtered = head.filtered()
    params = {} if filtered else _cursor()
    noindex = filtered or not header.product_count
    url = absolute(path)
    logo, banner = absolute(media_url(shop.logo_key)), absolute(media_url(shop.banner_key))
    description = describe(shop.description) or _("%(shop)s on %(site)s: %(count)s.", shop=shop.name, site=_site(),
                                                   count=ngettext("%(num)d product", "%(num)d products", header.product_count))
    picture = Picture(banner or logo, alt=shop.name) if (banner or logo) else _first_picture(page, shop.name)
    return PageMeta(
        title=shop.name, description=description, canonical=canonical(path, **params), image=picture,
        noindex=noindex, alternates=language_versions(path, **params),
        structured=[] if noindex else [structured_data.store(name=shop.name, url=url, description=describe(shop.description), logo=logo,
                                          image=banner, average_rating=header.average_rating,
                                          review_count=header.review_count)])


def home_meta() -> PageMeta:
    """The home page: WebSite with the SearchAction pointing at the search page."""
    path = fast_url_for("shop.home")
    search = absolute(fast_url_for("catalog.search")) + "?q={search_term_string}"
    return PageMeta(
        title=_site(),
        description=_("Independent shops, one cart, one checkout: clothes, coffee, gadgets and more from shops "
                      "across Việt Nam on %(site)s.", site=_site()),
        canonical=canonical(path), alternates=language_versions(path),
        structured=[structured_data.website(name=_site(), url=absolute(path), search_template=search)])


def default_meta() -> dict:
    """Any other page: its own address (with its `?lang=`) as canonical, nothing else."""
    return {"canonical": canonical(request.path)}
