"""JSON-LD (schema.org) for the storefront pages, built from the same values the page shows.

Prices are the variants' own integers written in the currency's major unit with exactly its
digits (money.exponent: "12.50" USD, "125000" VND); availability is the live stock the page's
badge shows; the rating is the page's "%.1f" of the product's average with its review count.

`ld_json` writes an object for `<script type="application/ld+json">`: a data block the browser
never runs (so the CSP's script-src does not apply), whose text must still never close the
element: "<", ">" and "&" go out as \\u escapes (JSON's own, so the data is unchanged), as do
U+2028 and U+2029.
"""
from __future__ import annotations

import json
from decimal import Decimal

from markupsafe import Markup

from marketplace.money import exponent

CONTEXT = "https://schema.org"
IN_STOCK = "https://schema.org/InStock"
OUT_OF_STOCK = "https://schema.org/OutOfStock"
NEW = "https://schema.org/NewCondition"
REVIEWS_SHOWN = 5  # the first reviews the product page lists, newest first
# Replaced one after the other: five scans of a page's ~8 KB of JSON in C (str.translate with a
# mapping looks every character up in it, ten times slower).
_ESCAPES = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def ld_json(data: dict) -> Markup:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    for char, escaped in _ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return Markup(text)


def major_units(amount: int, currency: str) -> str:
    """An amount in minor units as schema.org wants a price: a plain decimal in the major unit."""
    digits = exponent(currency)
    return f"{Decimal(amount).scaleb(-digits):.{digits}f}"


def availability(stock: int) -> str:
    return IN_STOCK if stock > 0 else OUT_OF_STOCK


def rating_value(average) -> str:
    """The rating as the page shows it (one decimal)."""
    return "%.1f" % average


def breadcrumb_list(items: list[tuple[str, str]]) -> dict:
    """(name, absolute URL) from the home page down."""
    return {"@context": CONTEXT, "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": n, "name": name, "item": url} for n, (name, url) in enumerate(items, 1)]}


def item_list(items: list[tuple[str, str]], name: str) -> dict:
    """A listing's products on this page: (title, absolute URL), in the order shown."""
    return {"@context": CONTEXT, "@type": "ItemList", "name": name, "numberOfItems": len(items),
            "itemListElement": [{"@type": "ListItem", "position": n, "name": title, "url": url}
                                for n, (title, url) in enumerate(items, 1)]}


def offer(variant, currency: str, url: str, seller: dict) -> dict:
    return {"@type": "Offer", "url": url, "sku": variant.sku, "name": variant.name or None,
            "price": major_units(variant.price, currency), "priceCurrency": currency,
            "availability": availability(variant.stock), "itemCondition": NEW, "seller": seller}


def product(detail, *, url: str, currency: str, images: list[str], description: str, seller: dict,
            variant_url, reviews: list, review_author) -> dict:
    """Product with an Offer (one variant) or an AggregateOffer over every variant, its rating and
    first reviews when it has any, and its shop as brand and seller."""
    info = detail.product
    data = {"@context": CONTEXT, "@type": "Product", "@id": url + "#product", "name": info.title, "url": url,
            "description": description, "image": images, "brand": {"@type": "Brand", "name": detail.shop.name}}
    if detail.breadcrumbs:
        data["category"] = " > ".join(node.name for node in detail.breadcrumbs)
    offers = [_clean(offer(v, currency, variant_url(v), seller)) for v in detail.variants]
    if len(offers) == 1:
        data["sku"] = detail.variants[0].sku
        data["offers"] = offers[0]
    elif offers:
        prices = [v.price for v in detail.variants]
        data["offers"] = {"@type": "AggregateOffer", "priceCurrency": currency, "offerCount": len(offers),
                          "lowPrice": major_units(min(prices), currency), "highPrice": major_units(max(prices), currency),
                          "availability": availability(max(v.stock for v in detail.variants)), "offers": offers}
    if info.review_count:
        data["aggregateRating"] = {"@type": "AggregateRating", "ratingValue": rating_value(info.average_rating),
                                   "reviewCount": info.review_count, "bestRating": "5", "worstRating": "1"}
        data["review"] = [_clean({
            "@type": "Review", "author": {"@type": "Person", "name": review_author(review.user)},
            "datePublished": review.created_at.date().isoformat(), "reviewBody": review.body or None,
            "reviewRating": {"@type": "Rating", "ratingValue": str(review.rating), "bestRating": "5", "worstRating": "1"},
        }) for review in reviews[:REVIEWS_SHOWN]]
    return data


def store(*, name: str, url: str, description: str, logo: str | None, image: str | None,
          average_rating, review_count: int) -> dict:
    """A shop as an OnlineStore (an Organization) with the rating its page shows."""
    data = _clean({"@context": CONTEXT, "@type": "OnlineStore", "@id": url + "#store", "name": name, "url": url,
                   "description": description or None, "logo": logo, "image": image})
    if review_count and average_rating is not None:
        data["aggregateRating"] = {"@type": "AggregateRating", "ratingValue": str(average_rating),
                                   "reviewCount": review_count, "bestRating": "5", "worstRating": "1"}
    return data


def website(*, name: str, url: str, search_template: str) -> dict:
    """The site, with the search box search engines may show (SearchAction)."""
    return {"@context": CONTEXT, "@type": "WebSite", "name": name, "url": url,
            "potentialAction": {"@type": "SearchAction",
                                "target": {"@type": "EntryPoint", "urlTemplate": search_template},
                                "query-input": "required name=search_term_string"}}


def _clean(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None}
