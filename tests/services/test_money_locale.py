"""marketplace/money.py: amounts written by Babel for the viewer's language, and read back the way
shoppers and sellers type them in it (issue 16.2)."""
import random
from decimal import Decimal

import pytest
from babel.numbers import format_currency
from flask import render_template_string
from flask_babel import refresh
from werkzeug.datastructures import MultiDict

from marketplace import money
from marketplace.catalog.forms import ListingFilterForm
from marketplace.money import exponent, format_money, parse_money
from marketplace.services.core.input_rules import DIGITS_MESSAGE, MONEY_MAX

NBSP = "\xa0"  # CLDR puts a no-break space between a Vietnamese amount and its symbol


@pytest.mark.parametrize("amount, currency, locale, text", [
    (1_250_000, "VND", "vi", f"1.250.000{NBSP}₫"),
    (1_250_000, "VND", "en", "₫1,250,000"),
    (150_000, "VND", "vi", f"150.000{NBSP}₫"),
    (0, "VND", "vi", f"0{NBSP}₫"),
    (-20_000, "VND", "vi", f"-20.000{NBSP}₫"),
    (1999, "USD", "en", "$19.99"),
    (1999, "USD", "vi", f"19,99{NBSP}US$"),
    (123_456_789, "USD", "en", "$1,234,567.89"),
    (-500, "USD", "en", "-$5.00"),
    (5, "USD", "vi", f"0,05{NBSP}US$"),
])
def test_amounts_are_written_as_babel_writes_them(app, amount, currency, locale, text):
    with app.app_context():
        assert format_money(amount, currency, locale) == text
        assert text == format_currency(Decimal(amount).scaleb(-exponent(currency)), currency, locale=locale)


def test_the_cached_pattern_writes_what_babel_writes_for_any_amount(app):
    rng = random.Random(16)
    amounts = [0, 1, -1, 999, 1000, 999_999, 1_000_000, MONEY_MAX, -MONEY_MAX] + [
        rng.randint(-10**10, 10**10) for _ in range(200)]
    with app.app_context():
        for locale in ("vi", "en", "fr", "de_CH", "hi", "ar"):  # grouping, spaces, Indian lakhs, bidi marks
            for currency in ("VND", "USD", "EUR", "JPY"):
                for amount in amounts:
                    expected = format_currency(Decimal(amount).scaleb(-exponent(currency)), currency, locale=locale)
                    assert format_money(amount, currency, locale) == expected, (locale, currency, amount)


def test_babel_parses_a_pattern_once_per_language_and_currency(app, monkeypatch):
    with app.app_context():
        format_money(1, "VND", "vi")  # parsed here (or earlier in the session)

        def parse_again(*args, **kwargs):
            raise AssertionError("format_currency called again")

        monkeypatch.setattr(money, "format_currency", parse_again)
        assert format_money(2_500_000, "VND", "vi") == f"2.500.000{NBSP}₫"


def test_minor_units_come_from_babel():
    assert (exponent("VND"), exponent("USD"), exponent("JPY"), exponent("EUR")) == (0, 2, 0, 2)


def test_the_page_writes_money_in_the_viewers_language(app):
    app.config["CURRENCY"] = "VND"
    try:
        for language, text in (("vi", f"1.250.000{NBSP}₫"), ("en", "₫1,250,000")):
            with app.test_request_context("/", headers={"Accept-Language": language}):
                refresh()  # the test's app context outlives each request's; a real one doesn't
                assert render_template_string("{{ 1250000|money }}") == text
                assert format_money(1_250_000) == text
        with app.test_request_context("/", headers={"Accept-Language": "vi"}):
            refresh()
            assert render_template_string("{{ 1999|money('USD') }}") == f"19,99{NBSP}US$"
    finally:
        app.config["CURRENCY"] = "USD"


# --- parsing -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("text, amount", [
    ("150000", 150_000), ("150.000", 150_000), ("150,000", 150_000), ("1.250.000", 1_250_000),
    ("1,250,000", 1_250_000), ("150k", 150_000), ("150K", 150_000), ("150 k", 150_000), ("1,5tr", 1_500_000),
    ("1.5tr", 1_500_000), ("2tr", 2_000_000), ("1.5m", 1_500_000), ("1,25M", 1_250_000),
    (f"150.000{NBSP}₫", 150_000), ("150.000đ", 150_000), ("150000 VND", 150_000), ("₫150,000", 150_000),
    (" 0 ", 0),
])
def test_dong_as_people_type_them(app, locale, text, amount):
    with app.app_context():
        assert parse_money(text, "VND", locale=locale) == amount


@pytest.mark.parametrize("text, locale, amount", [
    ("19.99", "en", 1999), ("19,99", "vi", 1999), ("19.99", "vi", 1999), ("19,99", "en", 1999),
    ("1,250.50", "en", 125_050), ("1.250,50", "vi", 125_050), ("150,000", "en", 15_000_000),
    ("150.000", "vi", 15_000_000), ("$19.99", "en", 1999), ("19,99 US$", "vi", 1999), ("150k", "en", 15_000_000),
    ("0.5", "en", 50), (",5", "vi", 50), ("21,474,836.47", "en", MONEY_MAX),
])
def test_dollars_as_people_type_them(app, text, locale, amount):
    with app.app_context():
        assert parse_money(text, "USD", locale=locale) == amount


@pytest.mark.parametrize("text, currency, locale, message", [
    ("-150000", "VND", "vi", "Enter an amount of zero or more, without a minus sign."),
    ("-19.99", "USD", "en", "Enter an amount of zero or more, without a minus sign."),
    ("abc", "VND", "vi", "Enter an amount in digits, e.g. 150000."),
    ("", "VND", "en", "Enter an amount in digits, e.g. 150000."),
    ("1.50.000", "VND", "vi", "Enter an amount in digits, e.g. 150000."),  # groups of three, or it's a typo
    ("1e5", "USD", "en", "Enter an amount in digits, e.g. 19.99."),
    ("150kk", "VND", "vi", "Enter an amount in digits, e.g. 150000."),
    ("1.250k", "VND", "vi", "Enter an amount in digits, e.g. 150000."),  # 1.25k or 1250k: refused, not guessed
    ("19,99", "VND", "vi", "Enter a whole amount, e.g. 150000."),  # the đồng has no cents
    ("1.5", "VND", "en", "Enter a whole amount, e.g. 150000."),
    ("1.234", "USD", "en", "Enter an amount with at most 2 decimals."),
    ("150,000", "USD", "vi", "Enter an amount with at most 2 decimals."),  # a Vietnamese decimal comma
    ("١٢٣", "VND", "vi", DIGITS_MESSAGE),
])
def test_what_is_not_an_amount_is_refused_with_a_clear_message(app, text, currency, locale, message):
    with app.app_context(), pytest.raises(ValueError) as error:
        parse_money(text, currency, locale=locale)
    assert str(error.value) == message


def test_past_the_column_is_refused_in_the_viewers_money(app):
    with app.app_context(), pytest.raises(ValueError) as error:
        parse_money("2.147.483.648", "VND", locale="vi")
    assert str(error.value) == f"Enter an amount up to 2.147.483.647{NBSP}₫."
    with app.app_context(), pytest.raises(ValueError, match=r"^Enter an amount up to \$21,474,836.47\.$"):
        parse_money("99999999999k", "USD", locale="en")


def test_messages_are_in_the_viewers_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "vi"}), pytest.raises(ValueError) as error:
        refresh()
        parse_money("-5", "VND")
    assert str(error.value) == "Nhập số tiền từ 0 trở lên, không có dấu trừ."


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("typed, amount", [("150k", 150_000), ("150.000", 150_000), ("150000", 150_000),
                                           ("1,5tr", 1_500_000)])
def test_the_price_filter_reads_them(app, language, typed, amount):
    app.config["CURRENCY"] = "VND"
    try:
        with app.test_request_context("/search", headers={"Accept-Language": language}):
            refresh()
            form = ListingFilterForm(MultiDict({"min_price": typed, "max_price": "2tr"}), meta={"csrf": False})
            assert form.validate(), form.errors
            assert (form.min_price_value, form.max_price_value) == (amount, 2_000_000)
    finally:
        app.config["CURRENCY"] = "USD"
