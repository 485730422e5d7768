"""The listing component shared by the category, search and shop pages.

One markup, three answers: the full page; `_results.html` for an htmx filter change
(target #results); `_page_items.html` (the next cards plus a new "Load more") for the
htmx "Load more" button (target #load-more). The button is also a plain link to the
next page, and the filter form a plain GET form, so nothing needs JavaScript.
"""
import uuid

from flask import render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from marketplace.catalog.forms import ListingFilterForm
from marketplace.services import catalog, storefront_cache
from marketplace.web.htmx import htmx_target

RESULTS_TARGET = "results"
LOAD_MORE_TARGET = "load-more"


def filter_form(searching: bool = False, with_shops: bool = True) -> ListingFilterForm:
    shops = catalog.list_shop_choices() if with_shops else []
    form = ListingFilterForm(formdata=request.args, searching=searching, shops=shops)
    if form.shop.data and form.shop.data not in {choice.value for choice in form.shop.choices}:
        form.shop.choices = [*form.shop.choices, SelectChoice(form.shop.data, "Selected shop")]  # shared list: copy
    return form


def page_size() -> int:
    try:
        return int(request.args.get("limit", catalog.DEFAULT_PAGE_SIZE))
    except ValueError:
        return catalog.DEFAULT_PAGE_SIZE


def run_listing(form: ListingFilterForm, *, category_ids: list[uuid.UUID] | None = None,
                shop_id: uuid.UUID | None = None, text: str | None = None):
    """The page of cards for a validated form, or None when the form has errors (shown instead)."""
    if not form.validate():
        return None
    return storefront_cache.cached_listing(catalog.ListingQuery(
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


def render_listing(page_template: str, form: ListingFilterForm, page, **context):
    """The full page, or the fragment htmx aimed at; 422 when a filter was invalid."""
    context.update(form=form, page=page, next_url=next_page_url(page),
                   filter_errors=[f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items()])
    status = 422 if form.errors else 200
    target = htmx_target()
    if target == LOAD_MORE_TARGET:
        return render_template("catalog/partials/_page_items.html", **context), status
    if target == RESULTS_TARGET:
        return render_template("catalog/partials/_results.html", **context), status
    return render_template(page_template, **context), status
