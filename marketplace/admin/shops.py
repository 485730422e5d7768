"""Admin shops: the approval queue (pending first), one shop's review page, and the lifecycle
actions; approve, reject and suspend go through a confirm step (admin/confirm.py)."""
import uuid

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.admin import bp, labels
from marketplace.admin.audit_text import AuditText
from marketplace.admin.confirm import DIALOG, Confirmation, reload, render_confirm, swap_target
from marketplace.admin.forms import ShopFilterForm, ShopReasonForm, with_unique_ids
from marketplace.admin.tables import back_to, next_page_url, page_or_400, render_table
from marketplace.models import Shop, ShopStatus
from marketplace.services.admin import admin_queries, shop_review_queries
from marketplace.services.core.errors import DomainError, NotFound
from marketplace.services.shops import shops
from marketplace.web import unit_of_work
from marketplace.web.auth import admin_required
from marketplace.web.htmx import htmx_target

# The actions that go through a confirm step (reinstate acts at once).
CONFIRMED_ACTIONS = ("approve", "reject", "suspend")


def _done(action: str, name: str) -> str:
    if action == "approve":
        return _("“%(name)s” is approved and open.", name=name)
    if action == "reject":
        return _("“%(name)s” is rejected.", name=name)
    if action == "suspend":
        return _("“%(name)s” is suspended.", name=name)
    return _("“%(name)s” is open again.", name=name)


def _blocked(action: str, status: str) -> str:
    """Why `action` can't be taken on a shop in `status` (the status in words, lower case mid-sentence)."""
    if action == "approve":
        return _("This shop is %(status)s: only a pending shop can be approved.", status=status)
    if action == "reject":
        return _("This shop is %(status)s: only a pending shop can be rejected.", status=status)
    return _("This shop is %(status)s: only an active shop can be suspended.", status=status)


def _confirm_texts(action: str, name: str, owner: str) -> tuple[str, str, list[str], bool]:
    """What a confirmed action says it will do: (question, button, consequences, with a reason)."""
    if action == "approve":
        return _("Approve “%(name)s”?", name=name), _("Approve the shop"), [
            _("The shop opens: its published products appear in the storefront at once."),
            _("%(owner)s is told that their shop is open.", owner=owner),
        ], False
    if action == "reject":
        return _("Reject “%(name)s”?", name=name), _("Reject the shop"), [
            _("The shop stays closed: nothing of it is shown or sold."),
            _("%(owner)s is told, with your reason, and can fix the shop and ask again.", owner=owner),
        ], True
    return _("Suspend “%(name)s”?", name=name), _("Suspend the shop"), [
        _("The shop closes at once: its products leave the storefront and it takes no new orders."),
        _("%(owner)s is told, with your reason. You can reopen it later.", owner=owner),
    ], True


def reason_form_for(shop: Shop, formdata=None) -> ShopReasonForm:
    """One reason form per row, with ids of its own."""
    return with_unique_ids(ShopReasonForm(formdata=formdata), shop.id.hex[:12])


@bp.get("/shops")
@admin_required
def list_shops():
    """Admins: every shop, pending ones first, filtered by status and searched by name or address."""
    form = ShopFilterForm(formdata=request.args)
    status = form.value("status")
    page = page_or_400(admin_queries.list_shops, q=form.value("q"), status=ShopStatus(status) if status else None)
    return render_table(
        "admin/shops.html", "admin/partials/_shops_results.html", "admin/partials/_shops_rows.html",
        "shops-results", "shops-more", form=form, shops=page.items, next_url=next_page_url(page.next_cursor),
        allowed_actions=shops.allowed_actions, back=request.full_path.rstrip("?"),
    )


@bp.get("/shops/<uuid:shop_id>")
@admin_required
def view_shop(shop_id: uuid.UUID):
    """Admins: one shop to review: its profile, owner, products, figures and history (read-only)."""
    shop = _load_shop(shop_id)
    history = shop_review_queries.shop_history(shop.id)
    return render_template(
        "admin/shop.html", shop=shop, products=shop_review_queries.shop_products(shop.id),
        figures=shop_review_queries.shop_figures(shop.id), history=history, audit_text=AuditText(),
        allowed_actions=shops.allowed_actions, back=url_for("admin.view_shop", shop_id=shop.id),
    )


def _load_shop(shop_id: uuid.UUID) -> Shop:
    try:
        return admin_queries.get_shop(shop_id)
    except NotFound:
        abort(404)


def _answer(shop: Shop, message: str, ok: bool):
    """htmx: the shop's row, updated in place. Plain form, or the dialog of the review page: flash and
    back to where the admin was (PRG)."""
    if htmx_target() == f"shop-{shop.id}":
        html = render_template(
            "admin/partials/_shops_row.html", shop=shop, allowed_actions=shops.allowed_actions,
            notice=message if ok else None, error=None if ok else message,
            back=back_to(url_for("admin.list_shops")),
        )
        return html, 200 if ok else 422
    flash(message, "success" if ok else "danger")
    return reload(back_to(url_for("admin.list_shops")))


def _confirmation(shop: Shop, action: str, form: ShopReasonForm) -> Confirmation:
    owner = shop.owner
    title, button, consequences, with_reason = _confirm_texts(action, shop.name, owner.full_name)
    blocked = None
    if action not in shops.allowed_actions(shop):
        blocked = _blocked(action, labels.status(shop.status.value).lower())
    return Confirmation(
        title=title, button=button, form=form, reason=with_reason, consequences=consequences,
        danger=action != "approve",
        action_url=url_for(f"admin.{action}_shop", shop_id=shop.id), back=back_to(url_for("admin.list_shops")),
        target=swap_target(f"shop-{shop.id}", DIALOG), blocked=blocked,
        details=[(_("Shop"), f"{shop.name} (/s/{shop.slug})"), (_("Owner"), f"{owner.full_name} · {owner.login_name}")],
    )


def _confirm_step(shop_id: uuid.UUID, action: str):
    shop = _load_shop(shop_id)
    return render_confirm(_confirmation(shop, action, reason_form_for(shop, formdata=None)))


def _act(shop_id: uuid.UUID, action: str):
    shop = _load_shop(shop_id)
    form = reason_form_for(shop, formdata=request.form)
    confirms = action in CONFIRMED_ACTIONS
    if confirms and not form.confirmed:
        return render_confirm(_confirmation(shop, action, form))  # a stray POST: ask, change nothing
    if not form.validate():
        if confirms:
            return render_confirm(_confirmation(shop, action, form), status=422)
        return _answer(shop, _("Your form expired. Reload the page and try again."), ok=False)
    try:
        with unit_of_work.attempt():  # a plain form's refusal is a redirect, which would commit it
            shops.transition_shop(current_user, shop, action, form.reason.data)
    except DomainError as error:
        shop = _load_shop(shop_id)
        if "reason" in error.fields:
            form.reason.errors = list(form.reason.errors) + [error.fields["reason"]]
            if confirms:
                return render_confirm(_confirmation(shop, action, form), status=422)
        return _answer(shop, error.message, ok=False)
    return _answer(shop, _done(action, shop.name), ok=True)


@bp.get("/shops/<uuid:shop_id>/approve")
@admin_required
def confirm_approve_shop(shop_id: uuid.UUID):
    """Admins: the confirm step of approving a shop (read-only)."""
    return _confirm_step(shop_id, "approve")


@bp.post("/shops/<uuid:shop_id>/approve")
@admin_required
def approve_shop(shop_id: uuid.UUID):
    """Admins: approve a pending shop, once confirmed (it opens; owner notified, audited)."""
    return _act(shop_id, "approve")


@bp.get("/shops/<uuid:shop_id>/reject")
@admin_required
def confirm_reject_shop(shop_id: uuid.UUID):
    """Admins: the confirm step of rejecting a shop, with the reason field (read-only)."""
    return _confirm_step(shop_id, "reject")


@bp.post("/shops/<uuid:shop_id>/reject")
@admin_required
def reject_shop(shop_id: uuid.UUID):
    """Admins: reject a pending shop with a reason, once confirmed (owner notified, audited)."""
    return _act(shop_id, "reject")


@bp.get("/shops/<uuid:shop_id>/suspend")
@admin_required
def confirm_suspend_shop(shop_id: uuid.UUID):
    """Admins: the confirm step of suspending a shop, with the reason field (read-only)."""
    return _confirm_step(shop_id, "suspend")


@bp.post("/shops/<uuid:shop_id>/suspend")
@admin_required
def suspend_shop(shop_id: uuid.UUID):
    """Admins: suspend an active shop with a reason, once confirmed; its products leave the storefront
    (owner notified, audited)."""
    return _act(shop_id, "suspend")


@bp.post("/shops/<uuid:shop_id>/reinstate")
@admin_required
def reinstate_shop(shop_id: uuid.UUID):
    """Admins: reopen a suspended shop (owner notified, audited)."""
    return _act(shop_id, "reinstate")
