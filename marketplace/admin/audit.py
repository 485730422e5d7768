"""The audit log of admin actions: newest first, filtered; read-only (the table is append-only)."""
from datetime import datetime, time, timedelta, timezone

from flask import request
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, contains_eager

from marketplace.admin import bp
from marketplace.admin.forms import AuditFilterForm, options
from marketplace.admin.listing import like_pattern, newest_first_page, next_page_url, render_listing
from marketplace.extensions import db
from marketplace.models import AuditLog, User
from marketplace.web.auth import admin_required


def _choices(column) -> list[tuple[str, str]]:
    values = db.session.scalars(select(column).distinct().order_by(column)).all()
    return [(v, v) for v in values]


def _start_of(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


@bp.get("/audit")
@admin_required
def audit_log():
    """Admins: every admin action, newest first, filtered by actor, action, target and dates (read-only)."""
    form = AuditFilterForm(formdata=request.args)
    form.action.choices = form.action.choices[:1] + options(_choices(AuditLog.action))
    form.target_type.choices = form.target_type.choices[:1] + options(_choices(AuditLog.target_type))
    actor = aliased(User)
    stmt = select(AuditLog).outerjoin(actor, AuditLog.actor).options(contains_eager(AuditLog.actor.of_type(actor)))
    if who := form.value("actor"):
        pattern = like_pattern(who.strip())
        stmt = stmt.where(or_(actor.full_name.ilike(pattern, escape="\\"), actor.email.ilike(pattern, escape="\\"),
                              actor.phone.ilike(pattern, escape="\\")))
    if action := form.value("action"):
        stmt = stmt.where(AuditLog.action == action)
    if target_type := form.value("target_type"):
        stmt = stmt.where(AuditLog.target_type == target_type)
    if date_from := form.value("date_from"):
        stmt = stmt.where(AuditLog.created_at >= _start_of(date_from))
    if date_to := form.value("date_to"):
        # The "to" day is included whole.
        stmt = stmt.where(AuditLog.created_at < _start_of(date_to + timedelta(days=1)))
    page = newest_first_page(stmt, AuditLog.created_at, AuditLog.id, request.args.get("cursor"))
    return render_listing(
        "admin/audit.html", "admin/partials/_audit_results.html", "admin/partials/_audit_rows.html",
        "audit-results", "audit-more", form=form, entries=page.items, next_url=next_page_url(page.next_cursor),
    )
