"""Money is an integer count of the currency's minor unit; this module formats and parses it."""
from flask import current_app

from marketplace.services.core.input_rules import DIGITS_MESSAGE, MONEY_MAX, only_ascii_digits

# ISO 4217 exponents for the currencies we expect; VND has no minor unit.
MINOR_UNIT_EXPONENT = {"USD": 2, "EUR": 2, "SGD": 2, "THB": 2, "MYR": 2, "PHP": 2, "IDR": 2, "VND": 0, "JPY": 0, "KRW": 0}
SYMBOLS = {"USD": "$", "EUR": "€", "VND": "₫", "JPY": "¥", "SGD": "S$", "THB": "฿"}
SYMBOL_AFTER = {"VND"}


def exponent(currency: str) -> int:
    return MINOR_UNIT_EXPONENT.get(currency.upper(), 2)


def current_currency() -> str:
    return current_app.config["CURRENCY"]


def format_money(amount: int | None, currency: str | None = None) -> str:
    """1999 USD -> "$19.99"; 150000 VND -> "150.000 ₫"."""
    if amount is None:
        return ""
    currency = (currency or current_currency()).upper()
    digits = exponent(currency)
    sign = "-" if amount < 0 else ""
    whole, minor = divmod(abs(int(amount)), 10**digits) if digits else (abs(int(amount)), 0)
    if currency in SYMBOL_AFTER:
        grouped = f"{whole:,}".replace(",", ".")
        return f"{sign}{grouped} {SYMBOLS[currency]}"
    text = f"{whole:,}" + (f".{minor:0{digits}d}" if digits else "")
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def parse_money(text: str, currency: str | None = None, maximum: int = MONEY_MAX) -> int:
    """Parse what a seller types ("19.99", "150000", "150.000" for VND) into minor units, at most
    `maximum` (the money columns' range by default). ASCII digits only: int() would read "١٢" as 12."""
    currency = (currency or current_currency()).upper()
    digits = exponent(currency)
    cleaned = text.strip().replace(" ", "").replace(",", "")
    if not only_ascii_digits(cleaned):
        raise ValueError(DIGITS_MESSAGE)
    if cleaned.startswith("-") and cleaned[1:2].isdigit():
        raise ValueError("Enter an amount of zero or more, without a minus sign.")
    example = "150000" if digits == 0 else "19." + "9" * digits
    if digits == 0:
        cleaned = cleaned.replace(".", "")
        if not cleaned.isdigit():
            raise ValueError(f"Enter a whole amount, e.g. {example}.")
        whole, frac = cleaned, ""
    else:
        whole, _, frac = cleaned.partition(".")
        if not (whole or frac) or not (whole or "0").isdigit() or (frac and not frac.isdigit()):
            raise ValueError(f"Enter an amount in digits, e.g. {example}.")
        if len(frac) > digits:
            raise ValueError(f"Enter an amount with at most {digits} decimals.")
    too_long = len(whole.lstrip("0")) > len(str(maximum))  # before int(): thousands of digits are slow
    amount = 0 if too_long else int(whole or "0") * 10**digits + int(frac.ljust(digits, "0") or "0")
    if too_long or amount > maximum:
        raise ValueError(f"Enter an amount up to {format_money(maximum, currency)}.")
    return amount
