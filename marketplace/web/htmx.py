"""One markup, two uses: a page for a normal request, its fragment for htmx."""
from flask import render_template, request


def htmx_target() -> str | None:
    """The id htmx will swap into, or None for a normal (or boosted) page load."""
    if request.headers.get("HX-Request") != "true" or request.headers.get("HX-Boosted") == "true":
        return None
    return request.headers.get("HX-Target")


def render_htmx(page: str, partial: str, targets: tuple[str, ...] | None = None, **context) -> str:
    """Render `partial` alone when htmx aims at one of `targets` (any target if None), else `page`.

    The page template includes the partial, so both answers come from the same markup.
    """
    target = htmx_target()
    if target is not None and (targets is None or target in targets):
        return render_template(partial, **context)
    return render_template(page, **context)
