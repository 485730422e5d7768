"""The audit log of admin actions: newest first, filtered; read-only (the table is append-only)."""
from flask import request

from marketplace.admin import bp, labels
from marketplace.admin.audit_text import ACTIONS, AuditText
from marketplace.admin.forms import AuditFilterForm, options
from marketplace.admin.tables import next_page_url, page_or_400, render_table
from marketplace.services.admin import admin_queries
from marketplace.web.auth import admin_required


def _actions(codes: list[str]) -> list[tuple[str, str]]:
    """Each action in words (one the words don't know yet as its code)."""
    return [(code, ACTIONS.get(code, code)) for code in codes]


@bp.get("/audit")
@admin_required
def audit_log():
    """Admins: every admin action, newest first, filtered by actor, action, target and dates (read-only)."""
    form = AuditFilterForm(formdata=request.args)
    form.action.choices = form.action.choices[:1] + options(_actions(admin_queries.audit_actions()))
    form.target_type.choices = form.target_type.choices[:1] + options(
        (code, labels.target_type(code)) for code in admin_queries.audit_target_types())
    page = page_or_400(admin_queries.list_audit_entries, actor=form.value("actor"), action=form.value("action"),
                       target_type=form.value("target_type"), date_from=form.value("date_from"),
                       date_to=form.value("date_to"))
    return render_table(
        "admin/audit.html", "admin/partials/_audit_results.html", "admin/partials/_audit_rows.html",
        "audit-results", "audit-more", form=form, entries=page.items, next_url=next_page_url(page.next_cursor),
        audit_text=AuditText(admin_queries.audit_id_names(page.items)),
    )
