"""Admin products: every product of every shop, filtered; hide with a reason (through a confirm
step: admin/confirm.py) and unhide."""
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.admin import bp, labels
from marketplace.admin.confirm import Confirmation, render_confirm, swap_target
from marketplace.admin.forms import HideProductForm, ProductFilterForm, UnhideProductForm, options, with_unique_ids
from marketplace.admin.tables import back_to, next_page_url, page_or_400, render_table
from marketplace.extensions import db
from marketplace.models import Product, ProductStatus
from marketplace.services.admin import admin_queries, moderation
from marketplace.services.core.errors import DomainError, NotFound
from marketplace.web.auth import admin_required
from marketplace.web.htmx import htmx_target


def hide_form_for(product: Product, formdata=None) -> HideProductForm:
    """One hide form per row, with ids of its own."""
    return with_unique_ids(HideProductForm(formdata=formdata), product.id.hex[:12])


@bp.get("/products")
@admin_required
def list_products():
    """Admins: every product, filtered by shop, category, status and title (read-only)."""
    form = ProductFilterForm(formdata=request.args)
    form.category.choices = form.category.choices[:1] + options(admin_queries.category_choices())
    category, status = form.value("category"), form.value("status")
    page = page_or_400(admin_queries.list_products, q=form.value("q"), shop=form.value("shop"),
                       category_id=uuid.UUID(category) if category else None,
                       status=ProductStatus(status) if status else None)
    return render_table(
        "admin/products.html", "admin/partials/_products_results.html", "admin/partials/_products_rows.html",
        "products-results", "products-more", form=form, products=page.items,
        next_url=next_page_url(page.next_cursor), unhide_form=UnhideProductForm(),
        back=request.full_path.rstrip("?"),
    )


def _load_product(product_id: uuid.UUID) -> Product:
    try:
        return admin_queries.get_product(product_id)
    except NotFound:
        abort(404)


def _answer(product: Product, message: str, ok: bool):
    """htmx: the product's row, updated in place. Plain form: flash and back to the list (PRG)."""
    if htmx_target() == f"product-{product.id}":
        html = render_template(
            "admin/partials/_product_row.html", product=product, notice=message if ok else None,
            unhide_form=UnhideProductForm(), error=None if ok else message,
            back=back_to(url_for("admin.list_products")),
        )
        return html, 200 if ok else 422
    flash(message, "success" if ok else "danger")
    return redirect(back_to(url_for("admin.list_products")), code=303)


def _hide_confirmation(product: Product, form: HideProductForm) -> Confirmation:
    blocked = None
    if product.status == ProductStatus.HIDDEN:
        blocked = _("This product is already hidden.")
    elif product.status == ProductStatus.DELETED:
        blocked = _("The seller deleted this product; there is nothing to hide.")
    return Confirmation(
        title=_("Hide “%(title)s”?", title=product.title), button=_("Hide the product"), form=form, reason=True,
        consequences=[_("It leaves every listing, search and its own page at once; nobody can buy it."),
                      _("The owner of “%(shop)s” is told, with your reason.", shop=product.shop.name),
                      _("You can show it again later: it goes back to the status it had.")],
        reason_help=_("The shop's owner reads it."), action_url=url_for("admin.hide_product", product_id=product.id),
        back=back_to(url_for("admin.list_products")), target=swap_target(f"product-{product.id}"), blocked=blocked,
        details=[(_("Product"), product.title), (_("Shop"), product.shop.name)],
    )


@bp.get("/products/<uuid:product_id>/hide")
@admin_required
def confirm_hide_product(product_id: uuid.UUID):
    """Admins: the confirm step of hiding a product, with the reason field (read-only)."""
    product = _load_product(product_id)
    return render_confirm(_hide_confirmation(product, hide_form_for(product, formdata=None)))


@bp.post("/products/<uuid:product_id>/hide")
@admin_required
def hide_product(product_id: uuid.UUID):
    """Admins: hide a product from the storefront with a reason, once confirmed (owner notified, audited)."""
    product = _load_product(product_id)
    form = hide_form_for(product, formdata=request.form)
    if not form.confirmed:
        return render_confirm(_hide_confirmation(product, form))  # a stray POST: ask, change nothing
    if not form.validate():
        return render_confirm(_hide_confirmation(product, form), status=422)
    try:
        with db.session.begin_nested():  # a refusal undoes only its own changes
            moderation.hide_product(current_user, product, form.reason.data)
    except DomainError as error:
        if "reason" in error.fields:
            form.reason.errors.append(error.message)
            return render_confirm(_hide_confirmation(product, form), status=422)
        return _answer(product, error.message, ok=False)
    return _answer(product, _("“%(title)s” is hidden from the storefront.", title=product.title), ok=True)


@bp.post("/products/<uuid:product_id>/unhide")
@admin_required
def unhide_product(product_id: uuid.UUID):
    """Admins: put a hidden product back in its previous status (owner notified, audited)."""
    product = _load_product(product_id)
    form = UnhideProductForm()
    if not form.validate():
        return _answer(product, _("Your form expired. Reload the page and try again."), ok=False)
    try:
        with db.session.begin_nested():  # a refusal undoes only its own changes
            moderation.unhide_product(current_user, product)
    except DomainError as error:
        return _answer(product, error.message, ok=False)
    return _answer(product, _("“%(title)s” is back (%(status)s).", title=product.title,
                              status=labels.status(product.status.value)), ok=True)
