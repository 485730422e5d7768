"""CSV downloads (statements, the bank's payout list): UTF-8 with a BOM so spreadsheet programs read
Vietnamese names right, and cells that a spreadsheet would run as a formula defused with a quote."""
import csv
import io

from flask import Response, stream_with_context

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_response(filename: str, header: list[str], rows) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell(value) for value in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def csv_stream(filename: str, header: list[str], rows) -> Response:
    """As csv_response, streamed: `rows` (an iterator, e.g. a server-side cursor's) is written a few
    hundred rows per chunk while the client reads, so a large download keeps memory flat. The rows
    are read inside the request's context (the session stays open until the last one)."""
    def chunks():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow([cell(value) for value in header])
        for count, row in enumerate(rows, 1):
            writer.writerow([cell(value) for value in row])
            if count % 500 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(chunks()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
