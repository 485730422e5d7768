"""Operational endpoints: /health for load balancers and uptime checks."""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from marketplace.extensions import db, limiter

bp = Blueprint("ops", __name__)


@bp.get("/health")
@limiter.exempt
def health():
    """Anyone: app version and database reachability; 503 when the database is down."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded",
                   version=current_app.config["APP_VERSION"], database=database), status
