"""Loading generated rows with PostgreSQL COPY (psycopg2 `copy_expert`), for seed-bench.

`copy_rows` encodes rows in COPY's text format and sends them. `copy_ahead` copies batches in
order while one thread generates and encodes the next batch: PostgreSQL parses, checks and
stores one chunk while Python builds the next (psycopg2 releases the GIL while it waits for
COPY to finish), where one after the other each waited for the other.
"""
from __future__ import annotations

import contextvars
import io
import json
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

# One batch: the (table, columns, rows) to copy together, in order.
Batch = list[tuple[str, tuple[str, ...], Iterable[tuple]]]


def escape(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def encode(rows: Iterable[tuple]) -> tuple[io.StringIO, int]:
    """The rows as COPY text, ready to read, and how many there are."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(escape(v) for v in row))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    return buffer, count


def _send(cursor, table: str, columns: tuple[str, ...], buffer: io.StringIO) -> None:
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """COPY the rows into `table`; returns how many."""
    buffer, count = encode(rows)
    _send(cursor, table, columns, buffer)
    return count


def copy_ahead(cursor, batches: Iterator[Batch]) -> Iterator[dict[str, int]]:
    """COPY each batch in order, the next one generated (`batches` is advanced in a worker thread) and
    encoded meanwhile; yields each batch's row counts by table once it is in. The rows come out of
    `batches` in the same order as without the thread, so a seeded generator gives the same data. The worker
    runs in a copy of the caller's context: a generator that stores pictures sees the caller's Flask app."""
    def next_encoded():
        batch = next(batches, None)
        return None if batch is None else [(table, columns, *encode(rows)) for table, columns, rows in batch]

    context = contextvars.copy_context()  # entered by the one worker thread, one batch at a time
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="seed-rows") as worker:
        pending = worker.submit(context.run, next_encoded)
        while (encoded := pending.result()) is not None:
            pending = worker.submit(context.run, next_encoded)
            counts = {}
            for table, columns, buffer, count in encoded:
                _send(cursor, table, columns, buffer)
                counts[table] = counts.get(table, 0) + count
            yield counts
