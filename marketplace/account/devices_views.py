"""My account: where I'm signed in, and logging out of every other device."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.account import bp
from marketplace.services.accounts import login_sessions
from marketplace.web.auth import login_required


@bp.get("/devices")
@login_required
def list_devices():
    """Signed-in users: the browsers and phones signed in to their account, this one marked."""
    return render_template("account/devices.html", logins=login_sessions.logins_of(current_user),
                           this_login=current_user.login_token, device_label=login_sessions.device_label)


@bp.post("/devices/logout-others")
@login_required
def logout_other_devices():
    """Signed-in users: end every login but this one (a lost phone, a shared computer)."""
    ended = login_sessions.end_others(current_user)
    flash(_("You are logged out of every other device.") if ended else _("No other device was signed in."), "success")
    return redirect(url_for("account.list_devices"))
