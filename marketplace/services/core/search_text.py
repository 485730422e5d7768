"""What an admin or a shopper types into a search box, matched as text with ILIKE."""
from sqlalchemy import or_

ESCAPE = "\\"


def like_pattern(text: str) -> str:
    """`%text%` with the user's own % _ and \\ taken literally (use with escape="\\\\")."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains_text(text: str, *columns):
    """Any of `columns` contains `text`, case-insensitively and literally."""
    pattern = like_pattern(text)
    return or_(*(column.ilike(pattern, escape=ESCAPE) for column in columns))
