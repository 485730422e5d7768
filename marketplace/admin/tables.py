"""View helpers of the admin tables (users, shops, products, reviews, audit): a damaged page link,
next-page URLs, htmx answers, going back."""
from collections.abc import Callable
from typing import TypeVar

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from marketplace.services.core.errors import ValidationFailed
from marketplace.web.htmx import htmx_target, render_htmx
from marketplace.web.redirects import local_path

T = TypeVar("T")


def page_or_400(read: Callable[..., T], /, **filters) -> T:
    """A listing service's page for the request's cursor; a damaged page link is a 400."""
    try:
        return read(**filters, cursor=request.args.get("cursor"))
    except ValidationFailed:
        abort(400, description=_("That page link is no longer valid. Start again from the first page."))


def next_page_url(next_cursor: str | None) -> str | None:
    """The current listing's URL with its filters and the next cursor."""
    if not next_cursor:
        return None
    args = {k: v for k, v in request.args.items() if k != "cursor" and v}
    return url_for(request.endpoint, **(request.view_args or {}), **args, cursor=next_cursor)


def render_table(page_template: str, results_template: str, rows_template: str, results_id: str, more_id: str,
                   /, **context):
    """The page, the results block for a filter change, or only the next rows for "load more"."""
    if htmx_target() == more_id:
        return render_template(rows_template, **context)
    return render_htmx(page_template, results_template, targets=(results_id,), **context)


def back_to(default: str) -> str:
    """The list the admin came from (a local `next` from the form or the URL, for PRG), else default."""
    return local_path(request.form.get("next") or request.args.get("next")) or default
