"""Keyset pagination, newest first on (created_at, id): the order most lists here share.

Never OFFSET: a deep page costs what the first one does, and rows added meanwhile
never shift what comes next. Cursors are opaque to clients: base64 of the last row's key.
"""
import base64
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from flask_babel import gettext as _
from sqlalchemy import Select, or_, tuple_

from marketplace.extensions import db
from marketplace.services.core.errors import ValidationFailed

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
    except (ValueError, TypeError, RecursionError) as exc:  # RecursionError: "[[[[…" a thousand deep
        raise InvalidCursor(_("That page link is no longer valid.")) from exc
    if not isinstance(values, list):
        raise InvalidCursor(_("That page link is no longer valid."))
    return values


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def clamp(limit, default: int, maximum: int) -> int:
    """A page size the caller may choose, within 1..maximum."""
    try:
        return max(1, min(int(limit), maximum))
    except (TypeError, ValueError):
        return default


def after_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """The (created_at, id) a page continues after; a damaged cursor is a clear ValidationFailed."""
    try:
        values = decode_cursor(cursor)
        if values is None:
            return None
        return datetime.fromisoformat(values[0]), uuid.UUID(str(values[1]))
    except (InvalidCursor, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ValidationFailed(_("That page link is no longer valid."), field="cursor", code="invalid_cursor") from exc


def newest_first(query: Select, created_col, id_col, cursor: str | None, limit: int) -> Select:
    """`query` continued after `cursor`, newest first, fetching one row more than `limit`."""
    after = after_cursor(cursor)
    if after is not None:
        query = query.where(tuple_(created_col, id_col) < tuple_(*after))
    return query.order_by(created_col.desc(), id_col.desc()).limit(limit + 1)


def cut(rows: list, limit: int, key: Callable = lambda row: (row.created_at, row.id)) -> Page:
    """Turn the limit+1 rows fetched by `newest_first` into a Page with the next cursor."""
    if len(rows) <= limit:
        return Page(items=rows, next_cursor=None)
    rows = rows[:limit]
    created, row_id = key(rows[-1])
    return Page(items=rows, next_cursor=encode_cursor([created.isoformat(), str(row_id)]))


def newest_first_page(query: Select, created_col, id_col, cursor: str | None, limit: int,
                      scalars: bool = True) -> Page:
    """Run `newest_first` and cut the result: ORM entities when `scalars`, else rows whose first item is one."""
    result = db.session.execute(newest_first(query, created_col, id_col, cursor, limit))
    rows = list(result.scalars().unique() if scalars else result.all())
    return cut(rows, limit, key=(lambda row: (row.created_at, row.id)) if scalars
               else (lambda row: (row[0].created_at, row[0].id)))


# --- a ranked queue: a small rank first (e.g. "pending" before the rest), newest first within it ---

def after_ranked_cursor(cursor: str | None) -> tuple[int, datetime, uuid.UUID] | None:
    """The (rank, created_at, id) a ranked page continues after; a damaged cursor is a ValidationFailed."""
    try:
        values = decode_cursor(cursor)
        if values is None:
            return None
        return int(values[0]), datetime.fromisoformat(values[1]), uuid.UUID(values[2])
    except (InvalidCursor, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ValidationFailed(_("That page link is no longer valid."), field="cursor", code="invalid_cursor") from exc


def ranked_newest_first_page(query: Select, rank, rank_of: Callable[[Any], int], created_col, id_col,
                             cursor: str | None, limit: int) -> Page:
    """One page of ORM entities ordered by `rank` (a SQL expression, smallest first), then newest
    first by (created_at, id). `rank_of(entity)` is the same rank computed in Python, for the cursor."""
    after = after_ranked_cursor(cursor)
    if after is not None:
        last_rank, created, last_id = after
        query = query.where(or_(rank > last_rank,
                                (rank == last_rank) & (tuple_(created_col, id_col) < (created, last_id))))
    query = query.order_by(rank, created_col.desc(), id_col.desc()).limit(limit + 1)
    rows = list(db.session.scalars(query))
    if len(rows) <= limit:
        return Page(items=rows, next_cursor=None)
    rows = rows[:limit]
    last = rows[-1]
    return Page(items=rows, next_cursor=encode_cursor([rank_of(last), last.created_at.isoformat(), str(last.id)]))
