"""The listing component shared by the category, search and shop pages.

One markup, three answers: the full page; `_results.html` for an htmx filter change
(target #results); `_page_items.html` (the next cards plus a new "Load more") for the
htmx "Load more" button (target #load-more). The button is also a plain link to the
next page, and the filter form a plain GET form, so nothing needs JavaScript.
"""
import uuid

from flask import current_app, get_template_attribute, render_template, request, url_for
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from marketplace.catalog.forms import ListingFilterForm
from marketplace.services.catalog import listing_queries, storefront_cache
from marketplace.services.shops import shop_queries
from marketplace.web.htmx import htmx_target

RESULTS_TARGET = "results"
LOAD_MORE_TARGET = "load-more"


def filter_form(searching: bool = False, with_shops: bool = True) -> ListingFilterForm:
    shops = shop_queries.list_shop_choices() if with_shops else []
    form = ListingFilterForm(formdata=request.args, searching=searching, shops=shops)
    if form.shop.data and form.shop.data not in {choice.value for choice in form.shop.choices}:
        form.shop.choices = [*form.shop.choices, SelectChoice(form.shop.data, "Selected shop")]  # shared list: copy
    return form


def page_size() -> int:
    try:
        return int(request.args.get("limit", listing_queries.DEFAULT_PAGE_SIZE))
    except ValueError:
        return listing_queries.DEFAULT_PAGE_SIZE


def run_listing(form: ListingFilterForm, *, category_ids: list[uuid.UUID] | None = None,
                shop_id: uuid.UUID | None = None, text: str | None = None):
    """The page of cards for a validated form, or None when the form has errors (shown instead)."""
    if not form.validate():
        return None
    return storefront_cache.cached_listing(listing_queries.ListingQuery(
        category_ids=category_ids,
        shop_id=shop_id or form.shop_value,
        min_price=form.min_price_value,
        max_price=form.max_price_value,
        min_rating=form.rating_value,
        in_stock=bool(form.in_stock.data),
        text=text,
        sort=form.sort_value,
        cursor=request.args.get("cursor") or None,
        limit=page_size(),
    ))


def next_page_url(page) -> str | None:
    if page is None or not page.next_cursor:
        return None
    args = {k: v for k, v in request.args.items() if k != "cursor" and v != ""}
    return url_for(request.endpoint, **(request.view_args or {}), **args, cursor=page.next_cursor)


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
    key = (bool(shop_filter), currency, tuple(map(id, choices)),
           tuple((field.data, tuple(field.raw_data or ()), tuple(field.errors)) for field in form if field is not form.q))
    cache = current_app.extensions.setdefault(_FILTER_FIELDS, {})
    hit = cache.get(key)
    if hit is None:
        if len(cache) >= 512:
            cache.clear()
        macro = get_template_attribute("catalog/partials/_filter_fields.html", "filter_fields")
        hit = cache[key] = (choices, Markup(macro(form, shop_filter, currency)))
    return hit[1]


def render_listing(page_template: str, form: ListingFilterForm, page, **context):
    """The full page, or the fragment htmx aimed at; 422 when a filter was invalid."""
    context.update(form=form, filter_fields=filter_fields, page=page, next_url=next_page_url(page),
                   filter_errors=[f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items()])
    status = 422 if form.errors else 200
    target = htmx_target()
    if target == LOAD_MORE_TARGET:
        return render_template("catalog/partials/_page_items.html", **context), status
    if target == RESULTS_TARGET:
        return render_template("catalog/partials/_results.html", **context), status
    return render_template(page_template, **context), status
