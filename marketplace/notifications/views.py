"""Notification pages and the navbar bell. Every query is scoped to the signed-in user: someone else's
notification is a 404, never a read or a mark."""
import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from marketplace.notifications import bp
from marketplace.services.accounts import notifications
from marketplace.web.auth import login_required
from marketplace.web.htmx import is_htmx, render_htmx
from marketplace.web.redirects import local_path

# htmx stops polling on this status: a signed-out browser stops asking for the badge.
STOP_POLLING = 286


@bp.get("")
@login_required
def list_notifications():
    """A signed-in user: their notifications, newest first, with "load more"."""
    page = notifications.list_notifications(current_user.id, cursor=request.args.get("cursor"))
    return render_htmx("notifications/list.html", "notifications/partials/_items.html",
                       targets=("notifications-more-item",), results=page,
                       unread=notifications.unread_count(current_user.id))


@bp.get("/badge")
def badge():
    """A signed-in user (htmx polling, every 30 s by default): only the unread count, swapped into the bell.

    The poll never touches the dropdown, so a menu the user is reading stays open.
    """
    if not current_user.is_authenticated:
        return "", STOP_POLLING
    return render_template("notifications/partials/_badge.html", unread=notifications.unread_count(current_user.id))


@bp.get("/menu")
@login_required
def menu():
    """A signed-in user opening the bell (htmx, on the dropdown's show event): the latest five.

    It also refreshes the badge (out of band), since it has just counted. Without htmx the
    bell is a plain link to the list page, and so is this address.
    """
    if not is_htmx():
        return redirect(url_for("notifications.list_notifications"))
    return render_template("notifications/partials/_menu.html",
                           unread=notifications.unread_count(current_user.id),
                           latest=notifications.latest_notifications(current_user.id))


@bp.post("/<uuid:notification_id>/read")
@login_required
def mark_read(notification_id: uuid.UUID):
    """A signed-in user: mark one of their notifications read, then open what it is about."""
    notification = notifications.mark_read(current_user.id, notification_id)
    link = local_path(notification.link)
    return redirect(link or url_for("notifications.list_notifications"))


@bp.post("/read-all")
@login_required
def mark_all_read():
    """A signed-in user: mark all their notifications read."""
    changed = notifications.mark_all_read(current_user.id)
    if is_htmx():
        return menu()
    flash(ngettext("Marked %(num)d notification as read.", "Marked %(num)d notifications as read.", changed)
          if changed else _("You're all caught up."), "success")
    return redirect(request.referrer if _same_site(request.referrer) else url_for("notifications.list_notifications"))


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)
