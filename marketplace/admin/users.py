"""Admin users: search and filter, one user's orders and shop, suspend (through a confirm step:
admin/confirm.py) and unsuspend."""
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.admin import bp, labels
from marketplace.admin.confirm import Confirmation, render_confirm, swap_target
from marketplace.admin.forms import SuspendUserForm, UnsuspendUserForm, UserFilterForm
from marketplace.admin.tables import back_to, next_page_url, page_or_400, render_table
from marketplace.extensions import db
from marketplace.models import Role, ShopStatus, User, UserStatus
from marketplace.services.admin import admin_queries, suspensions
from marketplace.services.core.errors import DomainError, NotFound
from marketplace.services.shops import shops
from marketplace.web.auth import admin_required
from marketplace.web.htmx import htmx_target


@bp.get("/users")
@admin_required
def list_users():
    """Admins: search users by name, phone or email; filter by role and status (read-only)."""
    form = UserFilterForm(formdata=request.args)
    role, status = form.value("role"), form.value("status")
    page = page_or_400(admin_queries.list_users, q=form.value("q"), role=Role(role) if role else None,
                       status=UserStatus(status) if status else None)
    return render_table(
        "admin/users.html", "admin/partials/_users_results.html", "admin/partials/_users_rows.html",
        "users-results", "users-more", form=form, users=page.items, next_url=next_page_url(page.next_cursor),
    )


def _load_user(user_id: uuid.UUID) -> User:
    try:
        return admin_queries.get_user(user_id)
    except NotFound:
        abort(404)


def _render_user(user: User, status: int = 200, suspend_form=None, unsuspend_form=None, notice=None, error=None):
    """The user page, or only its status panel when htmx aims at it."""
    context = {
        "user": user,
        "shop": shops.shop_of(user),
        "suspend_form": suspend_form or SuspendUserForm(formdata=None),
        "unsuspend_form": unsuspend_form or UnsuspendUserForm(formdata=None),
        "notice": notice,
        "error": error,
    }
    if htmx_target() == "user-status":
        # The shop line below the panel changes with a suspension too: sent along out of band.
        return render_template("admin/partials/_user_status.html", shop_out_of_band=True, **context), status
    orders = admin_queries.recent_orders_of(user)
    return render_template("admin/user.html", orders=orders, **context), status


@bp.get("/users/<uuid:user_id>")
@admin_required
def view_user(user_id: uuid.UUID):
    """Admins: one user's details, latest orders and shop (read-only)."""
    return _render_user(_load_user(user_id))


def _suspend_confirmation(user: User, form: SuspendUserForm) -> Confirmation:
    shop = shops.shop_of(user)
    consequences = [_("%(name)s is logged out everywhere at once and can't log in until unsuspended.",
                      name=user.full_name),
                    _("They are told, with your reason.")]
    if shop is not None and shop.status == ShopStatus.ACTIVE:
        consequences.append(_("Their shop “%(shop)s” is suspended too, with this reason: its products leave the "
                              "storefront.", shop=shop.name))
    blocked = None
    if user.id == current_user.id:
        blocked = _("This is your own account: another admin would have to suspend it.")
    elif user.status == UserStatus.SUSPENDED:
        blocked = _("This account is already suspended.")
    return Confirmation(
        title=_("Suspend %(name)s?", name=user.full_name), consequences=consequences,
        button=_("Suspend the account"), form=form, reason=True, reason_help=_("The user reads this reason."),
        action_url=url_for("admin.suspend_user", user_id=user.id),
        back=back_to(url_for("admin.view_user", user_id=user.id)), target=swap_target("user-status"),
        blocked=blocked, details=[(_("Account"), f"{user.full_name} · {user.login_name}"),
                                  (_("Role"), labels.role(user.role.value))],
    )


@bp.get("/users/<uuid:user_id>/suspend")
@admin_required
def confirm_suspend_user(user_id: uuid.UUID):
    """Admins: the confirm step of suspending a user, with the reason field (read-only)."""
    return render_confirm(_suspend_confirmation(_load_user(user_id), SuspendUserForm(formdata=None)))


@bp.post("/users/<uuid:user_id>/suspend")
@admin_required
def suspend_user(user_id: uuid.UUID):
    """Admins: suspend a user with a reason, once confirmed (ends all their sessions, notifies them, audited)."""
    user = _load_user(user_id)
    form = SuspendUserForm()
    if not form.confirmed:
        return render_confirm(_suspend_confirmation(user, form))  # a stray POST: ask, change nothing
    if not form.validate():
        return render_confirm(_suspend_confirmation(user, form), status=422)
    try:
        with db.session.begin_nested():  # a refusal undoes only its own changes
            suspensions.suspend_user(current_user, user, form.reason.data)
    except DomainError as error:
        if "reason" in error.fields:
            form.reason.errors.append(error.message)
            return render_confirm(_suspend_confirmation(user, form), status=422)
        return _refused(user, error, suspend_form=form)
    return _done(user, _outcome(user))


@bp.post("/users/<uuid:user_id>/unsuspend")
@admin_required
def unsuspend_user(user_id: uuid.UUID):
    """Admins: lift a user's suspension (notifies them, audited)."""
    user = _load_user(user_id)
    form = UnsuspendUserForm()
    if form.validate():
        try:
            with db.session.begin_nested():  # a refusal undoes only its own changes
                suspensions.unsuspend_user(current_user, user, form.reason.data or None)
        except DomainError as error:
            return _refused(user, error, unsuspend_form=form)
        return _done(user, _outcome(user))
    return _refused(user, None, unsuspend_form=form)


def _outcome(user: User) -> str:
    """What a suspension, or its end, did: with the user's shop, suspended with the account and not
    reopened with it."""
    shop = shops.shop_of(user)
    name = user.full_name
    shop_suspended = shop is not None and shop.status == ShopStatus.SUSPENDED
    if user.status == UserStatus.SUSPENDED:
        if shop_suspended:
            return _("%(name)s is suspended and logged out everywhere. Their shop “%(shop)s” is suspended too.",
                     name=name, shop=shop.name)
        return _("%(name)s is suspended and logged out everywhere.", name=name)
    if shop_suspended:
        return _("%(name)s can log in again. Their shop “%(shop)s” stays suspended: reopen it on the Shops screen "
                 "if it should sell again.", name=name, shop=shop.name)
    return _("%(name)s can log in again.", name=name)


def _done(user: User, message: str):
    if htmx_target() == "user-status":
        return _render_user(user, notice=message)
    flash(message, "success")
    return redirect(back_to(url_for("admin.view_user", user_id=user.id)), code=303)


def _refused(user: User, error: DomainError | None, **forms):
    """422 with the reason: next to the reason field when it is about the reason, else atop the panel."""
    form = next(iter(forms.values()))
    if error is not None and "reason" in error.fields:
        form.reason.errors.append(error.message)
        error = None
    return _render_user(user, status=422, error=error.message if error else None, **forms)
