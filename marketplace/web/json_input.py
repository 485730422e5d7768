"""Reading JSON bodies: a body too deeply nested is a 400 like any other malformed JSON.

Python's json module recurses once per nesting level, so `[[[[…]]]]` a thousand deep raised
RecursionError, which nothing expects: every route that read a JSON body answered 500
(issue 13). Flask parses request bodies with `app.json.loads`, so this is the one place.
"""
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask.wrappers import Request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest


class JSONTooDeep(ValueError):
    """A ValueError, so `get_json(silent=True)` gives None and `get_json()` a 400, as for bad JSON."""


class JSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise JSONTooDeep("The JSON body is nested too deeply.") from None


class JSONRequest(Request):
    def on_json_loading_failed(self, e: ValueError | None):
        """A body that isn't JSON: a 400 that says so (Flask's says only "could not understand")."""
        if e is None:  # not sent as JSON at all: werkzeug's 415
            return super().on_json_loading_failed(e)
        if isinstance(e, JSONTooDeep):
            raise BadRequest(_("The JSON body is nested too deeply."))
        raise BadRequest(_("The request body is not valid JSON."))


def use_json_input(app: Flask) -> None:
    app.json = JSONProvider(app)
    app.request_class = JSONRequest
