"""Admin shops: the approval queue (pending first) and the lifecycle actions, in place with htmx."""
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.admin import bp
from marketplace.admin.forms import ShopFilterForm, ShopReasonForm, with_unique_ids
from marketplace.admin.tables import back_to, next_page_url, page_or_400, render_table
from marketplace.models import Shop, ShopStatus
from marketplace.services.admin import admin_queries
from marketplace.services.core.errors import DomainError, NotFound
from marketplace.services.shops import shops
from marketplace.web import unit_of_work
from marketplace.web.auth import admin_required
from marketplace.web.htmx import htmx_target

DONE = {"approve": "“{name}” is approved and open.", "reject": "“{name}” is rejected.",
        "suspend": "“{name}” is suspended.", "reinstate": "“{name}” is open again."}


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
        reason_form_for=reason_form_for, back=request.full_path.rstrip("?"),
    )


def _load_shop(shop_id: uuid.UUID) -> Shop:
    try:
        return admin_queries.get_shop(shop_id)
    except NotFound:
        abort(404)


def _answer(shop: Shop, message: str, ok: bool, form: ShopReasonForm | None = None):
    """htmx: the shop's row, updated in place. Plain form: flash and back to the list (PRG)."""
    if htmx_target() == f"shop-{shop.id}":
        html = render_template(
            "admin/partials/_shops_row.html", shop=shop, reason_form=form or reason_form_for(shop),
            notice=message if ok else None, error=None if ok else message,
            back=back_to(url_for("admin.list_shops")),
        )
        return html, 200 if ok else 422
    flash(message, "success" if ok else "danger")
    return redirect(back_to(url_for("admin.list_shops")), code=303)


def _act(shop_id: uuid.UUID, action: str):
    shop = _load_shop(shop_id)
    form = reason_form_for(shop, formdata=request.form)
    if not form.validate():
        message = " ".join(form.reason.errors) or "Your form expired. Reload the page and try again."
        return _answer(shop, message, ok=False, form=form)
    try:
        with unit_of_work.attempt():  # a plain form's refusal is a redirect, which would commit it
            shops.transition_shop(current_user, shop, action, form.reason.data)
    except DomainError as error:
        shop = _load_shop(shop_id)
        if "reason" in error.fields:
            form.reason.errors = list(form.reason.errors) + [error.fields["reason"]]
        return _answer(shop, error.message, ok=False, form=form)
    return _answer(shop, DONE[action].format(name=shop.name), ok=True)


@bp.post("/shops/<uuid:shop_id>/approve")
@admin_required
def approve_shop(shop_id: uuid.UUID):
    """Admins: approve a pending shop (it opens; owner notified, audited)."""
    return _act(shop_id, "approve")


@bp.post("/shops/<uuid:shop_id>/reject")
@admin_required
def reject_shop(shop_id: uuid.UUID):
    """Admins: reject a pending shop with a reason (owner notified, audited)."""
    return _act(shop_id, "reject")


@bp.post("/shops/<uuid:shop_id>/suspend")
@admin_required
def suspend_shop(shop_id: uuid.UUID):
    """Admins: suspend an active shop with a reason; its products leave the storefront (owner notified, audited)."""
    return _act(shop_id, "suspend")


@bp.post("/shops/<uuid:shop_id>/reinstate")
@admin_required
def reinstate_shop(shop_id: uuid.UUID):
    """Admins: reopen a suspended shop (owner notified, audited)."""
    return _act(shop_id, "reinstate")
