"""Where a page may send people back to: only a path on this site, never an open redirect."""
from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (`next`, "back", a notification's link).

    Refused: other hosts (`//host`, `/\\host`, a scheme), backslashes, and control characters
    (tab, newline), which browsers drop or read as a host separator.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
