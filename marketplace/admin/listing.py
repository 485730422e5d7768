"""Shared bits of the admin listings: keyset pages, safe ILIKE patterns, htmx answers."""
from urllib.parse import urlsplit

from flask import abort, render_template, request, url_for
from sqlalchemy import Select

from marketplace.web.htmx import htmx_target, render_htmx
from marketplace.services import paging
from marketplace.services.errors import ValidationFailed
from marketplace.services.paging import Page

PAGE_SIZE = 25


def like_pattern(text: str) -> str:
    """`%text%` with the user's own % _ and \\ taken literally (use with escape="\\\\")."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def newest_first_page(stmt: Select, created_col, id_col, cursor: str | None, limit: int = PAGE_SIZE,
                      scalars: bool = True) -> Page:
    """One keyset page of `stmt` ordered newest first by (created_at, id); a bad link is a 400."""
    try:
        return paging.newest_first_page(stmt, created_col, id_col, cursor, limit, scalars=scalars)
    except ValidationFailed:
        abort(400, description="That page link is no longer valid. Start again from the first page.")


def next_page_url(next_cursor: str | None) -> str | None:
    """The current listing's URL with its filters and the next cursor."""
    if not next_cursor:
        return None
    args = {k: v for k, v in request.args.items() if k != "cursor" and v}
    return url_for(request.endpoint, **(request.view_args or {}), **args, cursor=next_cursor)


def render_listing(page_template: str, results_template: str, rows_template: str, results_id: str, more_id: str,
                   /, **context):
    """The page, the results block for a filter change, or only the next rows for "load more"."""
    if htmx_target() == more_id:
        return render_template(rows_template, **context)
    return render_htmx(page_template, results_template, targets=(results_id,), **context)


def safe_next(default: str) -> str:
    """A local `next` path from the form (PRG back to the list the admin came from), else default."""
    target = request.form.get("next") or request.args.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc \
            and "\\" not in target:
        return target
    return default
