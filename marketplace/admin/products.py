"""Admin products: every product of every shop, filtered; hide with a reason and unhide."""
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload

from marketplace.admin import bp
from marketplace.admin.forms import HideProductForm, ProductFilterForm, UnhideProductForm, options, with_unique_ids
from marketplace.admin.listing import like_pattern, newest_first_page, next_page_url, render_listing, safe_next
from marketplace.extensions import db
from marketplace.models import Category, Product, ProductStatus, Shop
from marketplace.services import moderation
from marketplace.services.errors import DomainError
from marketplace.web.auth import admin_required
from marketplace.web.htmx import htmx_target


def category_choices() -> list[tuple[str, str]]:
    """Every category as (id, "Parent › Child") in tree order: one query, the tree is walked here."""
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.name)).all()
    children: dict = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    choices: list[tuple[str, str]] = []

    def walk(parent_id, trail: str) -> None:
        for category in children.get(parent_id, []):
            label = f"{trail} › {category.name}" if trail else category.name
            choices.append((str(category.id), label))
            walk(category.id, label)

    walk(None, "")
    return choices


def hide_form_for(product: Product, formdata=None) -> HideProductForm:
    """One hide form per row, with ids of its own."""
    return with_unique_ids(HideProductForm(formdata=formdata), product.id.hex[:12])


@bp.get("/products")
@admin_required
def list_products():
    """Admins: every product, filtered by shop, category, status and title (read-only)."""
    form = ProductFilterForm(formdata=request.args)
    form.category.choices = form.category.choices[:1] + options(category_choices())
    # Outer join: a deleted product whose category was deleted since has none.
    stmt = (select(Product).join(Product.shop).outerjoin(Product.category)
            .options(contains_eager(Product.shop), contains_eager(Product.category)))
    if q := form.value("q"):
        stmt = stmt.where(Product.title.ilike(like_pattern(q.strip()), escape="\\"))
    if shop := form.value("shop"):
        pattern = like_pattern(shop.strip())
        stmt = stmt.where(or_(Shop.name.ilike(pattern, escape="\\"), Shop.slug.ilike(pattern, escape="\\")))
    if category := form.value("category"):
        stmt = stmt.where(Product.category_id == uuid.UUID(category))
    if status := form.value("status"):
        stmt = stmt.where(Product.status == ProductStatus(status))
    page = newest_first_page(stmt, Product.created_at, Product.id, request.args.get("cursor"))
    return render_listing(
        "admin/products.html", "admin/partials/_products_results.html", "admin/partials/_products_rows.html",
        "products-results", "products-more", form=form, products=page.items,
        next_url=next_page_url(page.next_cursor), hide_form_for=hide_form_for, unhide_form=UnhideProductForm(),
        back=request.full_path.rstrip("?"),
    )


def _load_product(product_id: uuid.UUID) -> Product:
    product = db.session.scalar(
        select(Product).where(Product.id == product_id)
        .options(joinedload(Product.shop), joinedload(Product.category))
    )
    if product is None:
        abort(404)
    return product


def _answer(product: Product, message: str, ok: bool, hide_form: HideProductForm | None = None):
    """htmx: the product's row, updated in place. Plain form: flash and back to the list (PRG)."""
    if htmx_target() == f"product-{product.id}":
        html = render_template(
            "admin/partials/_product_row.html", product=product, notice=message if ok else None,
            hide_form=hide_form or hide_form_for(product), unhide_form=UnhideProductForm(), error=None if ok else message,
            back=safe_next(url_for("admin.list_products")),
        )
        return html, 200 if ok else 422
    flash(message, "success" if ok else "danger")
    return redirect(safe_next(url_for("admin.list_products")), code=303)


@bp.post("/products/<uuid:product_id>/hide")
@admin_required
def hide_product(product_id: uuid.UUID):
    """Admins: hide a product from the storefront with a reason (owner notified, audited)."""
    product = _load_product(product_id)
    form = hide_form_for(product, formdata=request.form)
    if not form.validate():
        return _answer(product, " ".join(form.reason.errors) or "Check the form.", ok=False, hide_form=form)
    try:
        with db.session.begin_nested():  # a refusal undoes only its own changes
            moderation.hide_product(current_user, product, form.reason.data)
    except DomainError as error:
        form.reason.errors.append(error.message)
        return _answer(product, error.message, ok=False, hide_form=form)
    return _answer(product, f"“{product.title}” is hidden from the storefront.", ok=True)


@bp.post("/products/<uuid:product_id>/unhide")
@admin_required
def unhide_product(product_id: uuid.UUID):
    """Admins: put a hidden product back in its previous status (owner notified, audited)."""
    product = _load_product(product_id)
    form = UnhideProductForm()
    if not form.validate():
        return _answer(product, "Your form expired. Reload the page and try again.", ok=False)
    try:
        with db.session.begin_nested():  # a refusal undoes only its own changes
            moderation.unhide_product(current_user, product)
    except DomainError as error:
        return _answer(product, error.message, ok=False)
    return _answer(product, f"“{product.title}” is back ({product.status.value.title()}).", ok=True)
