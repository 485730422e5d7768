"""API: accounts — register, verify, log in and out, reset the password, get a CSRF token."""
from flask import jsonify
from flask_wtf.csrf import generate_csrf

from marketplace.api import bp
from marketplace.api.schemas import CsrfOut
from marketplace.api.spec import spec
from spectree import Response


@bp.get("/auth/csrf")
@spec.validate(resp=Response(HTTP_200=CsrfOut), tags=["auth"])
def csrf_token():
    """Anyone: a CSRF token to send as `X-CSRFToken` on unsafe requests of this session."""
    return jsonify(csrf_token=generate_csrf())
