"""Jinja filters and globals available to every template."""
from datetime import datetime, timezone

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup

from marketplace.money import format_money
from marketplace.storage import media_url
from marketplace.web.i18n import locale_code


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["timeago"] = time_ago
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["media_url"] = media_url
    app.jinja_env.globals["icon"] = icon
    app.jinja_env.globals["memoized"] = memoized

    @app.context_processor
    def inject_globals():
        return {"currency": current_app.config["CURRENCY"], "current_user": current_user,
                "app_version": current_app.config["APP_VERSION"]}


_ICONS: dict[tuple[str, str, str], Markup] = {}


def icon(name: str, cls: str = "") -> Markup:
    """An icon of the vendored Bootstrap Icons sprite (scripts/vendor_icons.py lists the names), decorative:
    the control around it carries the accessible name. Plain Python, memoized: pages draw dozens."""
    sprite = static_url("vendor/bootstrap-icons/icons.svg")
    key = (name, cls, sprite)
    html = _ICONS.get(key)
    if html is None:
        html = _ICONS[key] = Markup(
            '<svg class="bi{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>'
        ).format(f" {cls}" if cls else "", sprite, name)
    return html


_MEMOIZED = "memoized_fragments"


def memoized(template: str, **values) -> Markup:
    """`template` rendered with `values` once per process for each set of them: for the page chrome
    every page repeats (the footer, a guest's menus, the category bar). The values (hashable) must
    hold everything the output depends on besides the app, its URL root and the language, which are in the key."""
    cache = current_app.extensions.setdefault(_MEMOIZED, {})
    key = (template, request.script_root, locale_code(), *sorted(values.items()))
    html = cache.get(key)
    if html is None:
        if len(cache) >= 1024:
            cache.clear()
        html = cache[key] = Markup(render_template(template, **values))
    return html


def compile_templates(app: Flask) -> int:
    """Compile every template now (gunicorn's master, before it forks: each worker, recycled ones
    included, starts with them compiled instead of compiling on its first requests)."""
    names = app.jinja_env.list_templates(extensions=["html"])
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)


def static_url(filename: str) -> str:
    """URL of a static file with a content fingerprint, so it can be cached for a year."""
    from marketplace.web.static_files import fingerprinted_url

    return fingerprinted_url(filename)


def format_datetime(value: datetime | None, fmt: str = "%d %b %Y, %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), value.strftime(fmt) + " UTC")


def time_ago(value: datetime | None) -> str:
    if value is None:
        return ""
    seconds = int((datetime.now(timezone.utc) - value).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"
