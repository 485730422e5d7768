"""Reading a "Load more" (templates/macros/_paging.html) out of a page the way a browser would.

Tests follow the link's own attributes instead of cutting strings out of the markup, so they check
what htmx and a browser without JavaScript would actually request.
"""
from html.parser import HTMLParser


class _LoadMoreFinder(HTMLParser):
    def __init__(self, more_id: str):
        super().__init__()
        self.more_id = more_id
        self.wrapper: dict | None = None
        self.link: dict | None = None

    def handle_starttag(self, tag, attrs):
        found = {name: value or "" for name, value in attrs}
        if self.wrapper is None:
            if found.get("id") == self.more_id:
                self.wrapper = {"tag": tag, **found}
        elif self.link is None and tag == "a":
            self.link = found


def load_more(html: str, more_id: str) -> tuple[dict, dict] | tuple[None, None]:
    """(the wrapper's attributes plus its "tag", the link's attributes) of the "Load more" `more_id`.

    Attribute values come back unescaped (`&amp;` is `&`), ready to request; (None, None) if absent.
    """
    finder = _LoadMoreFinder(more_id)
    finder.feed(html)
    finder.close()
    if finder.wrapper is None:
        return None, None
    return finder.wrapper, finder.link
