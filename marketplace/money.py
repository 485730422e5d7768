"""Money is an integer count of the currency's minor unit; this module formats and parses it in the
viewer's language, with Babel's (CLDR's) patterns, symbols and currency digits: "1.250.000 ₫" in
Vietnamese, "₫1,250,000" in English, "$19.99" and "19,99 US$"."""
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import (
    format_currency, get_currency_precision, get_currency_symbol, get_decimal_symbol, get_group_symbol,
)
from flask import current_app, has_app_context
from flask_babel import get_locale
from flask_babel import gettext as _
from jinja2 import pass_context

from marketplace.services.core.input_rules import DIGITS_MESSAGE, MONEY_MAX, only_ascii_digits

NUMBERING = "latn"  # digits 0-9 in every language, as format_currency writes them by default


@cache
def exponent(currency: str) -> int:
    """Digits of the minor unit, CLDR's: 2 for USD, 0 for VND and JPY (and IDR, whose cents nobody uses)."""
    return get_currency_precision(currency.upper())


def current_currency() -> str:
    return current_app.config["CURRENCY"]


def current_locale() -> str:
    """The viewer's language (flask_babel's choice for this request), else the marketplace's default."""
    locale = get_locale()
    if locale is not None:
        return str(locale)
    return current_app.config["DEFAULT_LOCALE"] if has_app_context() else "en"


@dataclass(frozen=True, slots=True)
class _Form:
    """A currency's standard pattern in one language as Babel reads it: what goes before and after
    the number (positive, negative), with the symbol in place, and the separators."""

    prefixes: tuple[str, str]
    suffixes: tuple[str, str]
    group: str
    decimal: str
    digits: int


@cache
def _form(code: str, currency: str) -> _Form | None:
    """Babel's pattern for (language, currency), read once: format_currency parses it and looks up
    every symbol on each call (45 µs on the shared CI box), and a listing formats dozens of prices;
    applied from here, 2 µs. None when the shortcut would not write what Babel writes for a few
    sample amounts (Indian grouping, quoted text...): Babel formats those itself."""
    locale = Locale.parse(code)
    pattern = locale.currency_formats["standard"]
    if pattern.grouping != (3, 3) or pattern.exp_prec or "@" in pattern.pattern:
        return None
    symbol = get_currency_symbol(currency, locale)
    form = _Form(prefixes=tuple(p.replace("¤", symbol) for p in pattern.prefix),
                 suffixes=tuple(s.replace("¤", symbol) for s in pattern.suffix),
                 group=get_group_symbol(locale, numbering_system=NUMBERING),
                 decimal=get_decimal_symbol(locale, numbering_system=NUMBERING), digits=exponent(currency))
    probes = (123456789, -123456789, 0)
    if any(_apply(form, amount) != _babel(amount, currency, locale) for amount in probes):
        return None
    return form


def format_money(amount: int | None, currency: str | None = None, locale: str | None = None) -> str:
    """1999 USD -> "$19.99" (en), "19,99 US$" (vi); 1250000 VND -> "₫1,250,000" (en), "1.250.000 ₫" (vi).
    In the viewer's language unless `locale` (a code: "vi") is given."""
    if amount is None:
        return ""
    currency = (currency or current_currency()).upper()
    locale = locale or current_locale()
    form = _form(locale, currency)
    return _babel(amount, currency, locale) if form is None else _apply(form, amount)


@pass_context
def money_filter(context, amount: int | None, currency: str | None = None) -> str:
    """`{{ price|money }}`, `{{ order.total|money(order.currency) }}`: the language and currency come
    from the page's context (web/i18n.py, web/templating.py), a dict lookup where format_money's
    own lookups through flask's globals cost more than the formatting."""
    return format_money(amount, currency or context.get("currency"), context.get("current_locale"))


def _apply(form: _Form, amount: int) -> str:
    negative = amount < 0
    whole, minor = divmod(abs(int(amount)), 10**form.digits)
    number = f"{whole:,}".replace(",", form.group)
    if form.digits:
        number = f"{number}{form.decimal}{minor:0{form.digits}d}"
    return f"{form.prefixes[negative]}{number}{form.suffixes[negative]}"


def _babel(amount: int, currency: str, locale: Locale | str) -> str:
    return format_currency(Decimal(int(amount)).scaleb(-exponent(currency)), currency, locale=locale)


# --- parsing what people type --------------------------------------------------------------------

# "150k", "1,5tr", "2.5m": thousands and millions of the currency's major unit, as Vietnamese
# shoppers and sellers write prices (k = nghìn, tr = triệu); the number before may have one decimal
# separator, either one, with up to two digits ("1.250k" could be 1.25k or 1250k: refused).
MULTIPLIERS = {"k": 3, "tr": 6, "m": 6}
_SHORTHAND = re.compile(r"(\d+)(?:[.,](\d{1,2}))?(k|tr|m)", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# What a person may write around the number besides the symbols Babel knows (VND: "150.000đ").
_TYPED_SYMBOLS = {"VND": ("đồng", "đ", "₫", "vnd"), "USD": ("us$", "$", "usd")}


def parse_money(text: str, currency: str | None = None, maximum: int = MONEY_MAX, locale: str | None = None) -> int:
    """Parse what a shopper or seller types into minor units, at most `maximum` (the money columns'
    range by default). ASCII digits only: int() would read "١٢" as 12.

    Accepted in either language: "150000", grouped thousands ("150.000" in Vietnamese, "150,000" in
    English; "1.250.000"), decimals for currencies that have them ("19.99", "19,99"), "150k" and
    "1,5tr" / "1.5m", and the currency's symbol or code around it ("150.000 ₫", "$19.99"). A single
    separator followed by exactly three digits groups thousands when it is the language's group
    separator or the currency has no decimals; otherwise it is the decimal point.
    """
    currency = (currency or current_currency()).upper()
    locale = locale or current_locale()
    digits = exponent(currency)
    cleaned = _without_symbol(_SPACES.sub("", text), currency, locale)
    if not only_ascii_digits(cleaned):
        raise ValueError(DIGITS_MESSAGE)
    if cleaned.startswith("-") and cleaned[1:2].isdigit():
        raise ValueError(_("Enter an amount of zero or more, without a minus sign."))
    example = "150000" if digits == 0 else "19." + "9" * digits
    shorthand = _SHORTHAND.fullmatch(cleaned)
    if shorthand:
        whole, frac, scale = shorthand.group(1), shorthand.group(2) or "", MULTIPLIERS[shorthand.group(3).lower()]
        whole, frac = whole + frac.ljust(scale, "0"), ""
    else:
        whole, frac = _number(cleaned, digits, get_group_symbol(locale, numbering_system=NUMBERING), example)
    if len(frac) > digits:
        if digits == 0:
            raise ValueError(_("Enter a whole amount, e.g. %(example)s.", example=example))
        raise ValueError(_("Enter an amount with at most %(digits)d decimals.", digits=digits))
    too_long = len(whole.lstrip("0")) > len(str(maximum))  # before int(): thousands of digits are slow
    amount = 0 if too_long else int(whole or "0") * 10**digits + int(frac.ljust(digits, "0") or "0")
    if too_long or amount > maximum:
        raise ValueError(_("Enter an amount up to %(amount)s.", amount=format_money(maximum, currency, locale)))
    return amount


def _without_symbol(text: str, currency: str, locale: str) -> str:
    """`text` without the currency's symbol or code at either end."""
    lowered = text.lower()
    for symbol in _symbols(currency, locale):
        if lowered.endswith(symbol) and len(lowered) > len(symbol):
            return text[:-len(symbol)]
        if lowered.startswith(symbol) and len(lowered) > len(symbol):
            return text[len(symbol):]
    return text


@cache
def _symbols(currency: str, locale: str) -> tuple[str, ...]:
    """What may stand for the currency around a typed amount, longest first ("us$" before "$")."""
    symbols = {get_currency_symbol(currency, locale).lower(), get_currency_symbol(currency, "en").lower(),
               currency.lower(), *_TYPED_SYMBOLS.get(currency, ())}
    return tuple(sorted(symbols, key=len, reverse=True))


def _number(text: str, digits: int, group: str, example: str) -> tuple[str, str]:
    """(whole digits, fraction digits) of "1.250.000", "1,250.50", "19,99" and the like."""
    last = max(text.rfind("."), text.rfind(","))
    separator = text[last] if last >= 0 else ""
    if not separator:
        whole, frac = text, ""
    elif ("," in text) and ("." in text):  # "1,250.50" or "1.250,50": the last one is the decimal point
        whole, frac = _ungrouped(text[:last], "," if separator == "." else "."), text[last + 1:]
    elif text.count(separator) > 1:  # "1.250.000": thousands only
        whole, frac = _ungrouped(text, separator), ""
    elif len(text) - last - 1 == 3 and (separator == group or digits == 0):  # "150.000" in Vietnamese
        whole, frac = _ungrouped(text, separator), ""
    else:
        whole, frac = text[:last], text[last + 1:]
    if whole is None or not (whole or frac) or not (whole or "0").isdigit() or (frac and not frac.isdigit()):
        raise ValueError(_("Enter an amount in digits, e.g. %(example)s.", example=example))
    return whole, frac


def _ungrouped(text: str, separator: str) -> str | None:
    """"1.250.000" -> "1250000"; None unless every group after the first has three digits."""
    first, *groups = text.split(separator)
    if groups and (not 1 <= len(first) <= 3 or any(len(g) != 3 for g in groups)):
        return None
    return first + "".join(groups)
