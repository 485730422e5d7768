"""The search page, its suggestions as the shopper types, and the recent searches (public, read-only
but for the recent-searches cookie).

A search that finds nothing shows the results of its corrected words, one that finds a few
offers them ("Did you mean …?"): services/catalog/spelling.py. Beside the filters, facet counts
(services/catalog/facets.py) link to the same search narrowed by a category, a price band or a
rating; they are a fragment of their own, loaded once the results are shown, so counting never
delays the results (nor costs the page's SQL budget), and both are cached. Recent searches live in a cookie, written after the page cache (so a cached page stays
the same for everyone) and shown by the suggestions when the box is empty, and on the empty
search page (whose cache key includes the cookie).
"""
from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import get_currency_precision
from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from marketplace.catalog import bp
from marketplace.catalog.forms import RATING_CHOICES, ListingFilterForm
from marketplace.catalog.listing import filter_form, listing_query, render_listing
from marketplace.extensions import limiter
from marketplace.money import format_money
from marketplace.services.catalog import facets, recent_searches, search, spelling
from marketplace.web.htmx import htmx_target
from marketplace.web.page_cache import anonymous_page

SEARCHES_COOKIE = "recent_searches"
SEARCHES_MAX_AGE = 60 * 60 * 24 * 180
SUGGESTIONS_TARGET = "nav-search-suggestions"
_RATING_LABELS = dict(RATING_CHOICES)


def _search_limit() -> str:
    return current_app.config["RATELIMIT_SEARCH"]


def _recent() -> list[str]:
    return recent_searches.parse(request.cookies.get(SEARCHES_COOKIE))


def _empty_page_key():
    """The empty search page shows the visitor's recent searches: their cookie is part of its cache key."""
    return None if request.args.get("q", "").strip() else request.cookies.get(SEARCHES_COOKIE)


@bp.get("/search", endpoint="search")
@limiter.limit(_search_limit)
@anonymous_page(live_key=_empty_page_key)
def search_products():
    """Anyone: full-text search over visible products that forgives typos, with the listing filters and sorts
    (`?exact=1` takes the words as typed). The facet counts load after the results (search_facets), or
    inline with `?counts=1` (the link shown without JavaScript)."""
    form = filter_form(searching=True)
    q = search.normalize_query(form.q.data)
    if not q:
        form.validate()
        return render_listing("catalog/search.html", form, None, q=q, recent=_recent())
    query = _listing_query(form, q)
    if query is None:
        return render_listing("catalog/search.html", form, None, q=q, facets=None)
    found = spelling.search(query, exact=request.args.get("exact") == "1")
    inline = request.args.get("counts") == "1"
    counted = _count(query, found.query) if inline and htmx_target() != "load-more" else None
    return render_listing(
        "catalog/search.html", form, found.page, url_changes={"q": found.query} if found.instead_of else None,
        q=q, found=found, hidden_filters=_hidden_filters(form), facets=facet_links(counted, form) if counted else None,
        facets_url=None if inline else search_url("catalog.search_facets", q=found.query), counts_url=search_url(counts="1"),
        exact_url=search_url(q=found.instead_of, exact="1") if found.instead_of else None,
        did_you_mean_url=search_url(q=found.did_you_mean) if found.did_you_mean else None)


@bp.get("/search/facets")
@limiter.limit(_search_limit)
@anonymous_page()
def search_facets():
    """Anyone: a search's facet counts (an htmx fragment the search page loads beside its filters)."""
    form = filter_form(searching=True)
    q = search.normalize_query(form.q.data)
    query = _listing_query(form, q) if q else None
    counted = _count(query, q) if query is not None else None
    return render_template("catalog/partials/_facets.html", facets=facet_links(counted, form) if counted else None)


def _listing_query(form: ListingFilterForm, q: str):
    node = form.category_node
    return listing_query(form, text=q, category_ids=form.categories.subtree_ids(node.id) if node else None)


def _count(query, words: str) -> facets.Facets:
    return facets.cached_facets(facets.FacetQuery(
        text=words, category_ids=tuple(query.category_ids) if query.category_ids else None, shop_id=query.shop_id,
        min_price=query.min_price, max_price=query.max_price, min_rating=query.min_rating,
        in_stock=query.in_stock), current_app.config["CURRENCY"])


def search_url(endpoint: str = "catalog.search", **changes) -> str:
    """The search's first page (or its facets) with `changes` to the query string (None removes one)."""
    args = {k: v for k, v in request.args.items() if k not in ("cursor", "pages") and v != ""}
    args.update(changes)
    return url_for(endpoint, **{k: v for k, v in args.items() if v is not None})


def _hidden_filters(form: ListingFilterForm) -> list[tuple[str, str]]:
    """What the filter form keeps without showing it: the category facet, `exact` and `counts`."""
    kept = [("category", form.category.data)] if form.category_node else []
    return kept + [(flag, "1") for flag in ("exact", "counts") if request.args.get(flag) == "1"]


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    url: str
    active: bool


def facet_links(counted: facets.Facets, form: ListingFilterForm) -> dict:
    """The facet counts as links to this search narrowed to each value (the chosen one unnarrows)."""
    tree, chosen = form.categories, form.category_node
    categories = []
    for category_id, count in counted.categories:
        node = tree.get(category_id)
        if node is not None:
            active = chosen is not None and chosen.id == node.id
            categories.append(FacetLink(node.name, count, search_url(category=None if active else node.slug), active))
    currency = current_app.config["CURRENCY"]
    unit = 10 ** get_currency_precision(currency)
    bands = []
    for band in counted.bands:
        active = (form.min_price_value, form.max_price_value) == (band.low, band.high)
        if band.low is None:
            label = _("Up to %(amount)s", amount=format_money(band.high, currency))
        elif band.high is None:
            label = _("From %(amount)s", amount=format_money(band.low, currency))
        else:
            label = _("%(low)s – %(high)s", low=format_money(band.low, currency), high=format_money(band.high, currency))
        url = search_url(min_price=None, max_price=None) if active else search_url(
            min_price=None if band.low is None else str(band.low // unit),
            max_price=None if band.high is None else str(band.high // unit))
        bands.append(FacetLink(label, band.count, url, active))
    ratings = []
    for floor, count in counted.ratings:
        active = form.min_rating.data == str(floor)
        ratings.append(FacetLink(str(_RATING_LABELS[str(floor)]), count,
                                 search_url(min_rating=None if active else str(floor)), active))
    return {"total": counted.total, "capped": counted.capped, "categories": categories, "chosen_category": chosen,
            "any_category_url": search_url(category=None), "bands": bands, "ratings": ratings}


@bp.after_request
def remember_search(response):
    """A search that answered is remembered first in the visitor's recent searches (the cookie)."""
    if request.endpoint != "catalog.search" or response.status_code != 200:
        return response
    q = search.normalize_query(request.args.get("q"))
    if q:
        searches = _recent()
        remembered = recent_searches.remember(searches, q)
        if remembered != searches:
            response.set_cookie(SEARCHES_COOKIE, recent_searches.encode(remembered), max_age=SEARCHES_MAX_AGE,
                                httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.post("/search/recent/clear")
def clear_recent_searches():
    """Anyone: forget the visitor's recent searches (the cookie); htmx gets the emptied suggestions."""
    if htmx_target() == SUGGESTIONS_TARGET:
        response = make_response("")
    else:
        response = redirect(url_for("catalog.search"), 303)
    response.delete_cookie(SEARCHES_COOKIE, httponly=True, samesite="Lax",
                           secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/search/suggest")
@limiter.limit(_search_limit)
def suggest():
    """Anyone: the header search box's suggestions (an htmx fragment: a listbox's options), typo tolerant;
    the recent searches when the box is empty."""
    q = search.normalize_query(request.args.get("q"))
    if not q:
        return render_template("catalog/partials/_suggestions.html", q=q, suggestions=[], recent=_recent())
    suggestions, corrected = spelling.suggest(q)
    return render_template("catalog/partials/_suggestions.html", q=q, suggestions=suggestions, corrected=corrected)
