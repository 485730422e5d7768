"""Jinja filters and globals available to every template."""
from datetime import date, datetime, timezone

from babel.numbers import format_decimal
from flask import Flask, current_app, render_template, request
from flask_babel import force_locale
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from marketplace import dates
from marketplace.money import money_filter
from marketplace.storage import media_url
from marketplace.web.fast_urls import fast_url_for
from marketplace.web.i18n import locale_code


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["money"] = money_filter
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["date_text"] = date_text_filter
    app.jinja_env.filters["timeago"] = time_ago_filter
    app.jinja_env.filters["number"] = number_filter
    app.jinja_env.filters["line_breaks"] = line_breaks
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["media_url"] = media_url
    app.jinja_env.globals["icon"] = icon
    app.jinja_env.globals["memoized"] = memoized
    app.jinja_env.globals["url_for"] = fast_url_for

    @app.context_processor
    def inject_globals():
        return {"currency": current_app.config["CURRENCY"], "current_user": current_user,
                "app_version": current_app.config["APP_VERSION"]}


# Skeletons of a month ("March 2025"): their <time> says the month, not an instant.
MONTH_FORMATS = ("yMMMM", "yMMM", "yMM", "yM")

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


def memoized(template: str, fill: dict[str, str] | None = None, **values) -> Markup:
    """`template` rendered with `values` once per process for each set of them: for the page chrome
    every page repeats (the footer, a guest's menus, the category bar). The values (hashable) must
    hold everything the output depends on besides the app, its URL root and the language, which are in the key.

    `fill`: values that differ from request to request (the words of a search in the header's box),
    each written out as is, with no filter, where the template shows it. The memo holds a stand-in
    for each, and each request's own is put in, escaped as Jinja escapes it: one memo for every value."""
    cache = current_app.extensions.setdefault(_MEMOIZED, {})
    key = (template, request.script_root, locale_code(), tuple(sorted(fill or ())), *sorted(values.items()))
    html = cache.get(key)
    if html is None:
        if len(cache) >= 1024:
            cache.clear()
        stand_ins = {name: _stand_in(name) for name in fill or ()}
        html = cache[key] = Markup(render_template(template, **values, **stand_ins))
    for name, value in (fill or {}).items():
        html = html.replace(_stand_in(name), value)  # Markup.replace escapes the value
    return html


def _stand_in(name: str) -> str:
    return f"\x00{name}\x00"  # never in a page: the NUL check refuses it in any request


def compile_templates(app: Flask) -> int:
    """Compile every template in every language now (gunicorn's master, before it forks: each worker,
    recycled ones included, starts with them compiled instead of compiling on its first requests)."""
    names = app.jinja_env.list_templates(extensions=["html"])
    with app.app_context():
        for code in app.config["LOCALES"]:
            with force_locale(code):
                for name in names:
                    app.jinja_env.get_template(name)
    return len(names)


def static_url(filename: str) -> str:
    """URL of a static file with a content fingerprint, so it can be cached for a year."""
    from marketplace.web.static_files import fingerprinted_url

    return fingerprinted_url(filename)


def _time(value: datetime | date, text: str) -> Markup:
    """`text` in a <time> element carrying the moment in UTC (ISO 8601), or the calendar day."""
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), text)


def line_breaks(text: str | None) -> Markup:
    """`{{ review.body|line_breaks }}`: what someone typed, line by line, each line escaped and a <br>
    between them (a Jinja loop over the lines cost a product page a few tenths of a millisecond)."""
    return Markup("<br>").join((text or "").splitlines())  # Markup.join escapes each line


# The filters read the page's language from its context (web/i18n.py), a dict lookup.

@pass_context
def number_filter(context, value: int | None) -> str:
    """`{{ product.sold_count|number }}`: "1.234" in Vietnamese, "1,234" in English."""
    return "" if value is None else format_decimal(value, locale=context.get("current_locale"))


@pass_context
def datetime_filter(context, value: datetime | None) -> Markup | str:
    """`{{ order.created_at|datetime }}`: date and time of day in the viewer's zone and language."""
    return "" if value is None else _time(value, dates.format_datetime(value, context.get("current_locale")))


@pass_context
def date_filter(context, value: date | datetime | None, format: str = "medium") -> Markup | str:
    """`{{ review.created_at|date }}`, `{{ shop.created_at|date("yMMMM") }}` (dates.format_date's formats).
    A month's <time> says the month ("2025-03")."""
    if value is None:
        return ""
    text = dates.format_date(value, format, context.get("current_locale"))
    if format in MONTH_FORMATS:
        month = dates.local(value) if isinstance(value, datetime) else value
        return Markup('<time datetime="{}">{}</time>').format(month.strftime("%Y-%m"), text)
    return _time(value, text)


@pass_context
def date_text_filter(context, value: date | datetime | None, format: str = "medium") -> str:
    """The same day as plain text, where markup can't go (an SVG <title>)."""
    return dates.format_date(value, format, context.get("current_locale"))


@pass_context
def time_ago_filter(context, value: datetime | None) -> Markup | str:
    """`{{ n.created_at|timeago }}`: "2 giờ trước", "2 hours ago"."""
    return "" if value is None else _time(value, dates.format_time_ago(value, locale=context.get("current_locale")))
