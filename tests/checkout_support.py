"""Reading a checkout page as a browser without JavaScript would submit it."""
from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields, self.submits = form_id, False, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if tag not in ("input", "button") or not (self.inside or attrs.get("form") == self.form_id):
            return
        kind = attrs.get("type", "submit" if tag == "button" else "text")
        if kind == "submit":
            self.submits.append(attrs)
        elif attrs.get("name") and "disabled" not in attrs and (kind not in ("checkbox", "radio") or "checked" in attrs):
            self.fields.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def read_form(html: str, form_id: str = "checkout-form") -> tuple[dict, list[dict]]:
    """The values the form would send ({name: value, or a list for repeated names}) and its submit
    buttons' attributes, in document order (the first is the one Enter in a text box presses)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    values: dict = {}
    for name, value in reader.fields:
        if name in values:
            values[name] = [*values[name], value] if isinstance(values[name], list) else [values[name], value]
        else:
            values[name] = value
    if "line" in values and not isinstance(values["line"], list):
        values["line"] = [values["line"]]
    return values, reader.submits
