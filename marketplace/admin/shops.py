"""Admin shops: the approval queue (pending first) and the lifecycle actions, in place with htmx."""
import uuid
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import case, or_, select, tuple_
from sqlalchemy.orm import contains_eager

from marketplace.admin import bp
from marketplace.admin.forms import ShopFilterForm, ShopReasonForm, with_unique_ids
from marketplace.admin.listing import PAGE_SIZE, like_pattern, next_page_url, render_listing, safe_next
from marketplace.extensions import db
from marketplace.models import Shop, ShopStatus
from marketplace.services import shops
from marketplace.services.errors import DomainError
from marketplace.web import unit_of_work
from marketplace.web.auth import admin_required
from marketplace.web.htmx import htmx_target
from marketplace.services.paging import InvalidCursor, Page, decode_cursor, encode_cursor

DONE = {"approve": "“{name}” is approved and open.", "reject": "“{name}” is rejected.",
        "suspend": "“{name}” is suspended.", "reinstate": "“{name}” is open again."}

# The queue: PENDING shops first, then the rest; newest first within each group.
_RANK = case((Shop.status == ShopStatus.PENDING, 0), else_=1)


def reason_form_for(shop: Shop, formdata=None) -> ShopReasonForm:
    """One reason form per row, with ids of its own."""
    return with_unique_ids(ShopReasonForm(formdata=formdata), shop.id.hex[:12])


def _queue_page(stmt, cursor: str | None) -> Page:
    try:
        values = decode_cursor(cursor)
        if values is not None:
            rank, created, last_id = int(values[0]), datetime.fromisoformat(values[1]), uuid.UUID(values[2])
            stmt = stmt.where(or_(_RANK > rank, (_RANK == rank) & (tuple_(Shop.created_at, Shop.id) < (created, last_id))))
    except (InvalidCursor, ValueError, IndexError, TypeError):
        abort(400, description="That page link is no longer valid. Start again from the first page.")
    rows = list(db.session.scalars(stmt.order_by(_RANK, Shop.created_at.desc(), Shop.id.desc()).limit(PAGE_SIZE + 1)))
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        last = rows[-1]
        next_cursor = encode_cursor([0 if last.status == ShopStatus.PENDING else 1, last.created_at.isoformat(), str(last.id)])
    return Page(items=rows, next_cursor=next_cursor)


@bp.get("/shops")
@admin_required
def list_shops():
    """Admins: every shop, pending ones first, filtered by status and searched by name or address."""
    form = ShopFilterForm(formdata=request.args)
    stmt = select(Shop).join(Shop.owner).options(contains_eager(Shop.owner))
    if q := form.value("q"):
        pattern = like_pattern(q.strip())
        stmt = stmt.where(or_(Shop.name.ilike(pattern, escape="\\"), Shop.slug.ilike(pattern, escape="\\")))
    if status := form.value("status"):
        stmt = stmt.where(Shop.status == ShopStatus(status))
    page = _queue_page(stmt, request.args.get("cursor"))
    return render_listing(
        "admin/shops.html", "admin/partials/_shops_results.html", "admin/partials/_shops_rows.html",
        "shops-results", "shops-more", form=form, shops=page.items, next_url=next_page_url(page.next_cursor),
        reason_form_for=reason_form_for, back=request.full_path.rstrip("?"),
    )


def _load_shop(shop_id: uuid.UUID) -> Shop:
    shop = db.session.scalar(select(Shop).where(Shop.id == shop_id).join(Shop.owner).options(contains_eager(Shop.owner)))
    if shop is None:
        abort(404)
    return shop


def _answer(shop: Shop, message: str, ok: bool, form: ShopReasonForm | None = None):
    """htmx: the shop's row, updated in place. Plain form: flash and back to the list (PRG)."""
    if htmx_target() == f"shop-{shop.id}":
        html = render_template(
            "admin/partials/_shops_row.html", shop=shop, reason_form=form or reason_form_for(shop),
            notice=message if ok else None, error=None if ok else message,
            back=safe_next(url_for("admin.list_shops")),
        )
        return html, 200 if ok else 422
    flash(message, "success" if ok else "danger")
    return redirect(safe_next(url_for("admin.list_shops")), code=303)


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
