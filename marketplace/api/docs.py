"""The OpenAPI document and its human docs page (Swagger UI, vendored)."""
from flask import jsonify, render_template

from marketplace.api import bp
from marketplace.api.spec import spec


@bp.get("/openapi.json")
def openapi_document():
    """Anyone: the OpenAPI 3 document generated from the request and response schemas."""
    return jsonify(spec.spec)


@bp.get("/docs")
def docs_page():
    """Anyone: a browsable page for the OpenAPI document."""
    return render_template("api/docs.html")
