"""The listing component shared by the category, search and shop pages.

One markup, three answers: the full page; `_results.html` for an htmx filter change
(target #results); `_page_items.html` (the next cards plus a new "Load more") for the
htmx "Load more" button (target #load-more). The button is also a plain link to the
next page, and the filter form a plain GET form, so nothing needs JavaScript.

Back after "Load more": each htmx "Load more" replaces the address with `?pages=N` (N pages
shown), and a full request for `?pages=N` renders those N pages at once (one statement, up to
RESTORED_PAGES), so returning to the list shows what the shopper had loaded, where they were.
"""
import uuid

from flask import current_app, get_template_attribute, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from marketplace.catalog.forms import ListingFilterForm
from marketplace.services.catalog import listing_queries, storefront_cache
from marketplace.services.catalog.category_queries import get_tree
from marketplace.services.shops import shop_queries
from marketplace.web.htmx import htmx_target
from marketplace.web.i18n import locale_code

RESULTS_TARGET = "results"
LOAD_MORE_TARGET = "load-more"


def filter_form(searching: bool = False, with_shops: bool = True) -> ListingFilterForm:
    """The filters of the request's query string; a search's also filter by category (its facet)."""
    shops = shop_queries.list_shop_choices() if with_shops else []
    form = ListingFilterForm(formdata=request.args, searching=searching, shops=shops,
                             categories=get_tree() if searching else None)
    if form.shop.data and form.shop.data not in {choice.value for choice in form.shop.choices}:
        form.shop.choices = [*form.shop.choices, SelectChoice(form.shop.data, _("Selected shop"))]  # shared list: copy
    return form


RESTORED_PAGES = listing_queries.MAX_ROWS // listing_queries.DEFAULT_PAGE_SIZE


def _int_arg(name: str, default: int, lowest: int, highest: int) -> int:
    try:
        return max(lowest, min(int(request.args.get(name, default)), highest))
    except ValueError:
        return default


def page_size() -> int:
    return _int_arg("limit", listing_queries.DEFAULT_PAGE_SIZE, 1, listing_queries.MAX_PAGE_SIZE)


def pages_shown() -> int:
    """How many pages the list shows after this answer: `?pages=N`, 1 when absent."""
    return _int_arg("pages", 1, 1, RESTORED_PAGES)


def run_listing(form: ListingFilterForm, *, category_ids: list[uuid.UUID] | None = None,
                shop_id: uuid.UUID | None = None, text: str | None = None):
    """The page of cards for a validated form, or None when the form has errors (shown instead)."""
    query = listing_query(form, category_ids=category_ids, shop_id=shop_id, text=text)
    return None if query is None else storefront_cache.cached_listing(query)


def listing_query(form: ListingFilterForm, *, category_ids: list[uuid.UUID] | None = None,
                  shop_id: uuid.UUID | None = None, text: str | None = None) -> listing_queries.ListingQuery | None:
    """What the request asks to list, or None when the form has errors."""
    if not form.validate():
        return None
    cursor = request.args.get("cursor") or None
    return listing_queries.ListingQuery(
        category_ids=category_ids,
        shop_id=shop_id or form.shop_value,
        min_price=form.min_price_value,
        max_price=form.max_price_value,
        min_rating=form.rating_value,
        in_stock=bool(form.in_stock.data),
        text=text,
        sort=form.sort_value,
        cursor=cursor,
        # a first page asked for as `?pages=N` (Back after "Load more") is those N pages at once
        limit=page_size() * (1 if cursor else pages_shown()),
    )


def _listing_url(**changes) -> str:
    """This listing's first page with `changes` to its query string (None removes a parameter)."""
    args = {k: v for k, v in request.args.items() if k not in ("cursor", "pages") and v != ""}
    args.update(changes)
    return url_for(request.endpoint, **(request.view_args or {}), **{k: v for k, v in args.items() if v is not None})


def next_page_links(page, **changes) -> dict | None:
    """The "Load more" link's three URLs, or None on the last page: `next_url` (the plain link: the next
    page alone), `fragment_url` (what htmx fetches: the next cards) and `restore_url` (the address htmx
    puts in the bar: every page shown so far, for Back). `changes`: to the query string (a search shown
    for its corrected words goes on with them)."""
    if page is None or not page.next_cursor:
        return None
    shown = pages_shown() + 1
    return {"next_url": _listing_url(cursor=page.next_cursor, **changes),
            "fragment_url": _listing_url(cursor=page.next_cursor, pages=shown, **changes),
            "restore_url": _listing_url(pages=shown, **changes) if shown <= RESTORED_PAGES else None}


_FILTER_FIELDS = "rendered_filter_fields"


def filter_fields(form: ListingFilterForm, shop_filter: bool = True) -> Markup:
    """The filter form's fields but the search box (macro filter_fields in catalog/partials/_filter_fields.html),
    memoized.

    Every listing page shows them, and a few settings (a sort, "in stock", a rating) cover
    most requests: rendering them through WTForms cost a sixth of a category page. The
    markup follows from each field's input, value and errors and from the choices lists,
    which are shared and never mutated (see catalog/forms.py): their identities are in
    the key, and the cache holds the lists, so an id cannot be reused while it is a key.
    """
    currency = current_app.config["CURRENCY"]
    choices = (form.sort.choices, form.min_rating.choices, form.shop.choices)
    key = (bool(shop_filter), currency, locale_code(), tuple(map(id, choices)),
           tuple((field.data, tuple(field.raw_data or ()), tuple(field.errors)) for field in form if field is not form.q))
    cache = current_app.extensions.setdefault(_FILTER_FIELDS, {})
    hit = cache.get(key)
    if hit is None:
        if len(cache) >= 512:
            cache.clear()
        macro = get_template_attribute("catalog/partials/_filter_fields.html", "filter_fields")
        hit = cache[key] = (choices, Markup(macro(form, shop_filter, currency)))
    return hit[1]


_SEARCH_FIELD = "rendered_search_field"
_WORDS = "\x00words\x00"  # never in a request: the NUL check refuses it


def search_field(form: ListingFilterForm) -> Markup:
    """The search page's filter form's search box (macro form_field), memoized with a stand-in for the
    words: every new search would render it again (about half a millisecond). A box with an error is
    rendered as it is."""
    field = form.q
    macro = get_template_attribute("macros/_forms.html", "form_field")
    if field.errors:
        return Markup(macro(field, label=_("Search for"), type="search"))
    cache = current_app.extensions.setdefault(_SEARCH_FIELD, {})
    shape = cache.get(locale_code())
    if shape is None:
        words, field.data = field.data, _WORDS
        try:
            shape = cache[locale_code()] = Markup(macro(field, label=_("Search for"), type="search"))
        finally:
            field.data = words
    return shape.replace(_WORDS, field._value())  # escaped by Markup.replace, as the widget escapes it


def render_listing(page_template: str, form: ListingFilterForm, page, url_changes: dict | None = None, **context):
    """The full page, or the fragment htmx aimed at; 422 when a filter was invalid. `url_changes`: to
    the query string of the "Load more" links."""
    words = {"q": form.q.data} if form.q.data else {}
    context.update(form=form, filter_fields=filter_fields, search_field=search_field, page=page, more=next_page_links(page, **(url_changes or {})),
                   unfiltered_url=url_for(request.endpoint, **(request.view_args or {}), **words),
                   filter_errors=[_("%(field)s: %(problems)s", field=form[name].label.text, problems=" ".join(errors))
                                  for name, errors in form.errors.items()])
    status = 422 if form.errors else 200
    target = htmx_target()
    if target == LOAD_MORE_TARGET:
        return render_template("catalog/partials/_page_items.html", **context), status
    if target == RESULTS_TARGET:  # with what else shows the filters' effect (a search's facets), out of band
        return render_template("catalog/partials/_results.html", oob=True, **context), status
    return render_template(page_template, **context), status
