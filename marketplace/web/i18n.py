"""The viewer's language and time zone, and the switcher that changes the language.

Language: a `?lang=` in the address (the language versions that search engines and shared links
name: hreflang, seo/head.py; for that request only, nothing remembered), else a signed-in user's
choice (profile), else the `locale` cookie the switcher sets, else the browser's Accept-Language,
else DEFAULT_LOCALE. Time zone: the signed-in user's, else
DEFAULT_TIMEZONE. Outside a request (jobs, commands) both are the defaults; a message for a
particular person is rendered in theirs with `i18n.in_language_of(user)`.
"""
from functools import lru_cache

from flask import Blueprint, Flask, current_app, g, has_request_context, redirect, request, url_for
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from marketplace import i18n
from marketplace.extensions import csrf
from marketplace.web.auth import may_be_signed_in
from marketplace.web.redirects import local_path

COOKIE = "locale"
LANG_PARAM = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

bp = Blueprint("i18n", __name__)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LOCALE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["DEFAULT_TIMEZONE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(i18n.TRANSLATIONS))
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: gettext_catalog().ugettext(s),
        ngettext=lambda s, p, n: gettext_catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: gettext_catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: gettext_catalog().unpgettext(c, s, p, n),
    )
    app.register_blueprint(bp)

    @app.context_processor
    def language():
        return {"current_locale": locale_code(), "language_names": _language_names()}


def gettext_catalog():
    """The catalog of this request's language, as Flask-Babel's get_translations() finds it, kept on
    Flask-Babel's own per-request state beside the locale it is for. A page says 30-60 things
    through `_()`: Flask-Babel resolves the context, the domain, the locale and its cache key on each
    (about 10 µs); this is one attribute read and an identity check. force_locale (a message in
    someone else's language) and refresh() put another Locale object there, so the catalog follows."""
    state = g.get("_flask_babel")
    if state is not None:
        cached = getattr(state, "mp_translations", None)
        if cached is not None and cached[0] is getattr(state, "babel_locale", None):
            return cached[1]
    translations = get_translations()
    state = g.get("_flask_babel")
    if state is not None and getattr(state, "babel_locale", None) is not None:
        state.mp_translations = (state.babel_locale, translations)
    return translations


def _language_names() -> dict[str, str]:
    return {code: i18n.LANGUAGE_NAMES.get(code, code) for code in current_app.config["LOCALES"]}


def locale_code() -> str:
    """The language of this request (or the default outside one), as its code: "vi", "en"."""
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None) if state is not None else None
    if locale is None:
        locale = get_locale()  # works it out (and keeps it on that state) the first time
    return str(locale or current_app.config["DEFAULT_LOCALE"])


def select_locale() -> str | None:
    if not has_request_context():
        return None
    known = current_app.config["LOCALES"]
    asked = request.args.get(LANG_PARAM)
    if asked in known:
        return asked
    user = _signed_in_user()
    if user is not None and user.locale in known:
        return user.locale
    chosen = request.cookies.get(COOKIE)
    if chosen in known:
        return chosen
    header = request.headers.get("Accept-Language")
    return _best_accepted(header, tuple(known)) if header else None


@lru_cache(maxsize=512)
def _best_accepted(header: str, known: tuple[str, ...]) -> str | None:
    """The best of `known` for an Accept-Language header, as werkzeug's `accept_languages.best_match`
    finds it. Browsers send a handful of different headers, and parsing one cost some 65 µs of
    every visitor's request (a cached page's answer is 1.5-2 ms)."""
    return parse_accept_header(header, LanguageAccept).best_match(known) or None


def select_timezone() -> str | None:
    user = _signed_in_user() if has_request_context() else None
    if user is not None and user.timezone:
        return user.timezone
    return None


def _signed_in_user():
    """The signed-in user, or None; a visitor who cannot be signed in is not loaded (web/auth.py
    may_be_signed_in): that cost 25 µs of every cached page's answer."""
    if not may_be_signed_in():
        return None
    return current_user if current_user and current_user.is_authenticated and hasattr(current_user, "locale") else None


@bp.post("/language")
@csrf.exempt  # for a visitor: it only sets this browser's cookie, and their cached pages carry no token
def switch_language():
    """The switcher's form (header, footer): a button per language, no JavaScript needed. Back to
    the page it was pressed on (the Referer, when it is this site's), else home. A signed-in user's
    choice is saved on their profile too, so it takes their session's CSRF token like any change."""
    user = _signed_in_user()
    if user is not None:
        csrf.protect()
    code = request.form.get("locale", "")
    back = _back_path()
    response = redirect(back or url_for("shop.home"), 303)
    if code not in current_app.config["LOCALES"]:
        return response
    if user is not None:
        from marketplace.services.accounts import profile

        profile.set_locale(user, code)
    response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _back_path() -> str | None:
    target = request.form.get("next") or request.referrer or ""
    root = request.host_url.rstrip("/")
    if target.startswith(root + "/"):
        target = target[len(root):]
    return local_path(target)
