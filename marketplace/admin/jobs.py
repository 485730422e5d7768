"""Admin dead letters: background jobs (SMS, email) that failed after every retry; retry or discard them."""
import uuid

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from redis.exceptions import RedisError

from marketplace import jobs
from marketplace.admin import bp
from marketplace.services.core import audit
from marketplace.services.core.paging import InvalidCursor
from marketplace.web.auth import admin_required

PAGE_SIZE = 50
UNREACHABLE = _l("Redis is unreachable, so the job queue can't be read right now.")


@bp.get("/jobs")
@admin_required
def list_failed_jobs():
    """Admins: failed background jobs, newest first (read-only; never the message text)."""
    context = {"configured": bool(current_app.config.get("REDIS_URL")), "page": None, "total": 0, "problem": None}
    status = 200
    if context["configured"]:
        try:
            context["page"] = jobs.list_failed(limit=PAGE_SIZE, cursor=request.args.get("cursor"))
            context["total"] = jobs.count_failed()
        except InvalidCursor as exc:
            flash(str(exc), "warning")
            return redirect(url_for("admin.list_failed_jobs"), code=303)
        except RedisError:
            context["problem"], status = str(UNREACHABLE), 503
    return render_template("admin/jobs.html", **context), status


@bp.post("/jobs/<uuid:job_id>/retry")
@admin_required
def retry_failed_job(job_id: uuid.UUID):
    """Admins: put one failed job back on the queue with a fresh retry budget (audited)."""
    return _act(job_id, jobs.retry_failed, "job.retry", _l("Job re-queued: the worker will send it again."))


@bp.post("/jobs/<uuid:job_id>/discard")
@admin_required
def discard_failed_job(job_id: uuid.UUID):
    """Admins: delete one failed job for good, e.g. a long-expired one-time code (audited)."""
    return _act(job_id, jobs.discard_failed, "job.discard", _l("Job discarded."))


@bp.post("/jobs/retry-all")
@admin_required
def retry_all_failed_jobs():
    """Admins: put every failed job back on the queue (audited)."""
    try:
        count = jobs.retry_all_failed()
    except (RedisError, jobs.JobsNotConfigured):
        flash(str(UNREACHABLE), "danger")
        return redirect(url_for("admin.list_failed_jobs"), code=303)
    audit.record(current_user, "job.retry_all", "job", None, count=count)
    flash(_("Re-queued %(count)s job(s).", count=count), "success")
    return redirect(url_for("admin.list_failed_jobs"), code=303)


def _act(job_id: uuid.UUID, action, audit_action: str, done):
    try:
        found = action(str(job_id))
    except (RedisError, jobs.JobsNotConfigured):
        flash(str(UNREACHABLE), "danger")
        return redirect(url_for("admin.list_failed_jobs"), code=303)
    if not found:
        flash(_("That job is no longer in the failed list (already retried or discarded)."), "warning")
        return redirect(url_for("admin.list_failed_jobs"), code=303)
    audit.record(current_user, audit_action, "job", job_id)
    flash(str(done), "success")  # a lazy text can't go into the session
    return redirect(url_for("admin.list_failed_jobs"), code=303)
