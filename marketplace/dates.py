"""Times are stored in UTC and shown in the viewer's time zone and language, with Babel's (CLDR's)
patterns: "14:05 6 thg 12, 2026" and "Dec 6, 2026, 2:05 PM", "2 giờ trước" and "2 hours ago".

The zone is flask_babel's choice for the request (web/i18n.py: the profile's, else
DEFAULT_TIMEZONE); outside a request, DEFAULT_TIMEZONE. Templates use the filters of
web/templating.py, which wrap these in <time datetime="..."> with the UTC moment.
"""
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_timedelta, get_datetime_format, get_timezone_location
from flask import current_app, has_app_context, has_request_context
from flask_babel import get_timezone

from marketplace.money import current_locale

NAMED = ("short", "medium", "long", "full")


def viewer_zone() -> ZoneInfo:
    if has_request_context():
        return zone(get_timezone().zone)  # flask_babel's is pytz's; zoneinfo's takes wall-clock times as they are
    return zone(current_app.config["DEFAULT_TIMEZONE"] if has_app_context() else "UTC")


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(moment: datetime) -> datetime:
    """`moment` in the viewer's zone; a naive one is taken as UTC, as the database keeps it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(viewer_zone())


def wall_clock(moment: datetime) -> datetime:
    """`moment` as the viewer's naive wall-clock time: the value of a datetime-local input."""
    return local(moment).replace(tzinfo=None)


def from_wall_clock(value: datetime | None) -> datetime | None:
    """What the viewer typed in a datetime-local input (their zone's wall clock), as an aware moment."""
    return value.replace(tzinfo=viewer_zone()) if value is not None else None


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def _datetime_pattern(code: str) -> str:
    """The language's medium date-and-time pattern with a short time (no seconds), as Babel joins them."""
    locale = _locale(code)
    return get_datetime_format("medium", locale=locale).replace("'", "")


def format_datetime(moment: datetime | None, locale: str | None = None) -> str:
    """Date and time of day: "14:05 6 thg 12, 2026" (vi), "Dec 6, 2026, 2:05 PM" (en)."""
    if moment is None:
        return ""
    code = locale or current_locale()
    loc, moment = _locale(code), local(moment)
    return (_datetime_pattern(code).replace("{0}", loc.time_formats["short"].apply(moment, loc))
            .replace("{1}", loc.date_formats["medium"].apply(moment, loc)))


def format_date(value: date | datetime | None, format: str = "medium", locale: str | None = None) -> str:
    """A calendar day: a datetime's in the viewer's zone, a date as it is. `format` is one of Babel's
    named formats ("medium": "6 thg 12, 2026", "Dec 6, 2026") or a CLDR skeleton ("yMMMM": "tháng 12
    năm 2026", "December 2026"; "MMMd": "6 thg 12", "Dec 6")."""
    if value is None:
        return ""
    loc = _locale(locale or current_locale())
    if isinstance(value, datetime):
        value = local(value)
    pattern = loc.date_formats[format] if format in NAMED else loc.datetime_skeletons[format]
    return pattern.apply(value, loc)


def format_time_ago(moment: datetime | None, now: datetime | None = None, locale: str | None = None) -> str:
    """How long ago: "2 giờ trước", "2 hours ago" (Babel's largest unit that fits)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    delta = moment - (now or datetime.now(timezone.utc))
    return format_timedelta(min(delta, timedelta(0)), add_direction=True, locale=_locale(locale or current_locale()))


def zone_label(where: tzinfo, locale: str | None = None) -> str:
    """A zone as people name it: "Giờ Việt Nam", "Vietnam Time"."""
    return get_timezone_location(where, locale=_locale(locale or current_locale()))
