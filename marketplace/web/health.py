"""Operational endpoints: /health for load balancers and uptime checks."""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from marketplace.database import READER
from marketplace.extensions import db, limiter

bp = Blueprint("ops", __name__)


@bp.get("/health")
@limiter.exempt
def health():
    """Anyone: app version and database reachability; 503 when the database is down.

    With a read replica (DATABASE_REPLICA_URL) its reachability is reported too, without
    changing the status: the storefront falls back to the primary without it.
    """
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unreachable"
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if status == 200 else "degraded", "version": current_app.config["APP_VERSION"],
            "database": database}
    if current_app.config["DATABASE_REPLICA_URL"]:
        body["replica"] = _replica_state()
    return jsonify(body), status


def _replica_state() -> str:
    try:
        with db.engines[READER].connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError:
        return "unreachable"
