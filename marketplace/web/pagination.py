"""Opaque cursors for keyset pagination (never OFFSET)."""
import base64
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class InvalidCursor(ValueError):
    pass


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("That page link is no longer valid.") from exc
    if not isinstance(values, list):
        raise InvalidCursor("That page link is no longer valid.")
    return values


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
