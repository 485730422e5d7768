"""What any typed input must be before a rule of the shop sees it: the one place for the
ranges of numbers and the characters of text, used by the web forms (web/forms.py) and the
API schemas (api/schemas/__init__.py) alike.

Numbers are bounded by the column that keeps them: every count and every amount (money in
minor units) is a PostgreSQL INTEGER (models/, migration 0001), so a larger value would be a
database error, not a field error. Digits are ASCII only: Python's int() and Decimal() read
any Unicode digit ("١٢" and "１２" are 12), which a person never meant as a price.

Text may not carry control characters or bidi overrides: U+202E (RIGHT-TO-LEFT OVERRIDE) makes a
name or an address read backwards, and a line break in a one-line field forges a second line in
notifications, emails and the seller's order list. Multi-line fields keep newlines and tabs.
"""
import re

from flask_babel import format_number
from flask_babel import gettext as _

INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1  # PostgreSQL INTEGER: prices, stock, quantities, totals, limits
INT8_MAX = 2**63 - 1  # PostgreSQL BIGINT; also the most a sum of INTEGER amounts may reach here
MONEY_MAX = INT4_MAX  # minor units: 21,474,836.47 in a currency with cents
COUNT_MAX = INT4_MAX  # quantities, stock, usage limits
TOTAL_MAX = INT8_MAX  # a checkout's grand total sums several orders' INTEGER totals; no column holds it

DIGITS_MESSAGE = "Use the digits 0-9."  # in English; digits_message() says it in the asker's language
_WHOLE = re.compile(r"[0-9]+")
_MAX_DIGITS = len(str(INT8_MAX))  # more digits than this is out of every range we have

# U+202A-U+202E (embeddings, overrides) and U+2066-U+2069 (isolates). The marks LRM, RLM and
# ALM (U+200E, U+200F, U+061C) are kept: right-to-left writing needs them and they reorder nothing.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_CONTROLS = "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1
_LINE_BREAKS = "\n\r\u2028\u2029"
_NOT_IN_ONE_LINE = re.compile(f"[{_CONTROLS}{BIDI_CONTROLS}\u2028\u2029]")
_NOT_IN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


def text_problem(value: str | None, *, multiline: bool = False) -> str | None:
    """Why `value` can't be kept as typed (a message for the field), or None when it can.

    One line: no control character at all (C0, C1, DEL; tab and line breaks included) and no
    bidi control. Multi-line: newline, carriage return and tab are allowed, the rest is not.
    """
    if not value:
        return None
    found = (_NOT_IN_TEXT if multiline else _NOT_IN_ONE_LINE).search(value)
    if found is None:
        return None
    char = found.group()
    if char in _LINE_BREAKS:
        return _("Keep this to one line: remove the line breaks.")
    code = f"{ord(char):04X}"
    if "\u202a" <= char <= "\u2069":
        return _("Remove the invisible text-direction control (U+%(code)s).", code=code)
    return _("Remove the invisible control character (U+%(code)s).", code=code)


def digits_message() -> str:
    return _("Use the digits 0-9.")


def strip_controls(value):
    """Search text: control and bidi characters become spaces (a query is never stored)."""
    return _NOT_IN_ONE_LINE.sub(" ", value) if isinstance(value, str) else value


def parse_whole(text: str, *, maximum: int, minimum: int = 0) -> int:
    """ASCII digits (surrounding spaces allowed) within [minimum, maximum]; ValueError says what to type."""
    digits = text.strip()
    if not only_ascii_digits(digits):
        raise ValueError(digits_message())
    # Length first: int() of thousands of digits is slow, and refused past 4,300 of them.
    if not _WHOLE.fullmatch(digits) or len(digits.lstrip("0")) > _MAX_DIGITS \
            or not minimum <= int(digits) <= maximum:
        raise ValueError(_("Enter a whole number from %(minimum)s to %(maximum)s.",
                           minimum=format_number(minimum), maximum=format_number(maximum)))
    return int(digits)


def only_ascii_digits(text: str) -> bool:
    """False when `text` holds a digit other than 0-9 (which str.isdigit() and int() would accept)."""
    return not any(char.isdigit() and not ("0" <= char <= "9") for char in text)
