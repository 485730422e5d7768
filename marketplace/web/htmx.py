"""What kind of request this is, in one place, and one markup for two uses.

`wants_json` (the JSON API), `is_htmx` (any htmx request, boosted navigations included: for
answers that differ only in status or redirect), `htmx_target` (the fragment htmx will swap,
None for a page load: what decides a partial) and `render_htmx` (a page for a normal request,
its fragment for htmx). Views and decorators ask these, never the HX-* headers themselves;
the page cache keys on the raw headers on purpose (web/page_cache.py).
"""
from flask import render_template, request


def wants_json() -> bool:
    """A request to the JSON API: errors and refusals answer in its JSON shape."""
    return request.path.startswith("/api/")


def is_htmx() -> bool:
    """Any request htmx sent, boosted navigations included."""
    return request.headers.get("HX-Request") == "true"


def htmx_target() -> str | None:
    """The id htmx will swap into, or None for a normal (or boosted) page load."""
    if not is_htmx() or request.headers.get("HX-Boosted") == "true":
        return None
    return request.headers.get("HX-Target")


def htmx_current_url() -> str:
    """The address of the page that sent the htmx request ("" when there is none)."""
    return request.headers.get("HX-Current-URL", "")


def render_htmx(page: str, partial: str, targets: tuple[str, ...] | None = None, **context) -> str:
    """Render `partial` alone when htmx aims at one of `targets` (any target if None), else `page`.

    The page template includes the partial, so both answers come from the same markup.
    """
    target = htmx_target()
    if target is not None and (targets is None or target in targets):
        return render_template(partial, **context)
    return render_template(page, **context)
