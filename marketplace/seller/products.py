"""Seller center: the shop's products, their variants and images.

Every route that names a product loads it through products.get_seller_product (the preview
through product_queries.get_product_preview, with the same rule), so a product of another shop (or a
deleted one) is a 404 before anything else happens.
"""
import uuid

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.exceptions import NotFound as HTTPNotFound

from marketplace.catalog.views import requested_variant
from marketplace.models import ProductStatus
from marketplace.seller import bp
from marketplace.seller.access import shop_required
from marketplace.seller.forms import ActionForm, ImageUploadForm, image_choices, uploaded_files
from marketplace.seller.product_form import add_uploads, edit_form, form_page
from marketplace.seller.product_form import owned_product as _product
from marketplace.services.catalog import product_images, product_queries, products
from marketplace.services.catalog.shop_product_queries import TABS, seller_products, status_counts
from marketplace.services.core.errors import DomainError, NotFound
from marketplace.web import unit_of_work
from marketplace.web.htmx import htmx_target, render_htmx

# --- listing ----------------------------------------------------------------------------------

@bp.get("/products")
@shop_required
def list_products(shop):
    """The shop's owner: its products by status tab, newest first, with price range, stock and thumbnail."""
    status = request.args.get("status", "ALL").upper()
    status = status if status in TABS else "ALL"
    q = request.args.get("q", "")[:100]
    try:
        page = seller_products(shop, status, q, request.args.get("cursor"))
    except DomainError as error:
        flash(error.message, "warning")
        return redirect(url_for("seller.list_products", status=status))
    next_url = url_for("seller.list_products", status=status, q=q or None, cursor=page.next_cursor) \
        if page.next_cursor else None
    context = dict(shop=shop, rows=page.items, next_url=next_url, status=status, q=q, tabs=TABS)
    if htmx_target() == "products-more":
        return render_template("seller/partials/_product_rows.html", **context)
    return render_htmx("seller/products.html", "seller/partials/_product_list.html", targets=("product-list",),
                       counts=status_counts(shop), **context)


# --- the product form's helpers (the form itself: product_form.py) -------------------------------

@bp.get("/products/<uuid:product_id>/image-options")
@shop_required
def image_options(shop, product_id: uuid.UUID):
    """The shop's owner (htmx): a variant's picture options after the images changed, keeping its choice."""
    product = _product(shop, product_id)
    selected = next((v for k, v in request.args.items() if k.endswith("-image_id")), "")
    return render_template("seller/partials/_image_options.html", choices=image_choices(product), selected=selected)


# --- status and deletion ----------------------------------------------------------------------

def _set_status(shop, product_id, status: ProductStatus, done):
    """`done(title)`: what the seller is told once the product has its new status."""
    product = _product(shop, product_id)
    if not ActionForm().validate_on_submit():
        flash(_("Your form expired. Reload the page and try again."), "danger")
        return redirect(url_for("seller.edit_product", product_id=product.id))
    try:
        with unit_of_work.attempt():  # the refusal's redirect would otherwise commit it
            products.set_product_status(shop, product, status)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("seller.edit_product", product_id=product.id))
    flash(done(product.title), "success")
    return redirect(url_for("seller.edit_product", product_id=product.id))


@bp.post("/products/<uuid:product_id>/publish")
@shop_required
def publish_product(shop, product_id: uuid.UUID):
    """The shop's owner: publish a product (ACTIVE; shoppers see it once the shop is active)."""
    return _set_status(shop, product_id, ProductStatus.ACTIVE,
                       lambda title: _("“%(title)s” is published.", title=title))


@bp.post("/products/<uuid:product_id>/unpublish")
@shop_required
def unpublish_product(shop, product_id: uuid.UUID):
    """The shop's owner: take a product back to draft (shoppers no longer see it)."""
    return _set_status(shop, product_id, ProductStatus.DRAFT,
                       lambda title: _("“%(title)s” is back to draft.", title=title))


@bp.route("/products/<uuid:product_id>/delete", methods=["GET", "POST"])
@shop_required
def delete_product(shop, product_id: uuid.UUID):
    """The shop's owner: confirm, then delete a product (soft: placed orders keep it)."""
    product = _product(shop, product_id)
    form = ActionForm()
    if form.validate_on_submit():
        products.delete_product(shop, product)
        flash(_("“%(title)s” is deleted.", title=product.title), "success")
        return redirect(url_for("seller.list_products"))
    return render_template("seller/product_delete.html", shop=shop, product=product, form=form), \
        422 if form.is_submitted() else 200


# --- preview ---------------------------------------------------------------------------------

def _preview(shop, product_id: uuid.UUID) -> product_queries.ProductPreview:
    try:
        return product_queries.get_product_preview(shop, product_id)
    except NotFound:
        raise HTTPNotFound(_("We couldn't find that product in your shop.")) from None


@bp.get("/products/<uuid:product_id>/preview")
@shop_required
def preview_product(shop, product_id: uuid.UUID):
    """The shop's owner: the product's page as shoppers will see it, even while they can't (a draft,
    a shop pending approval), under a banner saying why. The page's own template; the owner's
    variant panel has no add-to-cart, and its picker asks the preview's panel below."""
    preview = _preview(shop, product_id)
    detail = preview.detail
    variant = detail.pick_variant(requested_variant())
    return render_template(
        "seller/product_preview.html", detail=detail, product=detail.product, variant=variant,
        main_image=detail.image_for(variant), not_public=preview.not_public,
        picker_url=url_for("seller.preview_product", product_id=product_id),
        panel_url=url_for("seller.preview_variant_panel", product_id=product_id))


@bp.get("/products/<uuid:product_id>/preview/variant-panel")
@shop_required
def preview_variant_panel(shop, product_id: uuid.UUID):
    """The shop's owner (htmx): the preview's price/stock panel for `?variant=`, like the public one."""
    detail = _preview(shop, product_id).detail
    variant = detail.pick_variant(requested_variant())
    response = make_response(render_template(
        "catalog/partials/_variant_panel.html", detail=detail, product=detail.product, variant=variant,
        main_image=detail.image_for(variant), oob_image=True))
    if variant is not None:
        response.headers["HX-Replace-Url"] = url_for("seller.preview_product", product_id=product_id,
                                                     variant=variant.id)
    return response


# --- images -----------------------------------------------------------------------------------

def _images_answer(shop, product, message: str | None = None, error: str | None = None, status: int = 200,
                   upload_error: str | None = None):
    """htmx: the images panel, swapped in place. Plain form: a refused upload brings the whole edit
    page back (422) with the reason next to the file input; anything else flashes and goes back (PRG)."""
    if htmx_target() == "product-images":
        headers = {"HX-Trigger": "images-changed"} if not (error or upload_error) else {}
        return render_template("seller/partials/_images.html", product=product, action_form=ActionForm(),
                               upload_form=ImageUploadForm(), notice=message, error=error,
                               upload_error=upload_error), status, headers
    if upload_error:
        return form_page(shop, edit_form(product, posted=False), product, status, upload_error=upload_error)
    if message or error:
        flash(error or message, "danger" if error else "success")
    return redirect(url_for("seller.edit_product", product_id=product.id) + "#product-images", code=303)


@bp.post("/products/<uuid:product_id>/images")
@shop_required
def upload_images(shop, product_id: uuid.UUID):
    """The shop's owner: add one or more images (checked, re-encoded); all or none are kept."""
    product = _product(shop, product_id)
    form = ImageUploadForm()
    if not form.validate_on_submit():
        return _images_answer(shop, product, upload_error=_("Your form expired. Reload the page and try again."),
                              status=422)
    files = [(f.filename, f.read()) for f in uploaded_files(form.images)]
    if not files:
        return _images_answer(shop, product, upload_error=_("Choose one or more images to upload."), status=422)
    try:
        with unit_of_work.attempt():  # the answer shows the images as they were (and drops the stored files)
            add_uploads(shop, product, files)
    except DomainError as error:
        return _images_answer(shop, product, upload_error=error.message, status=422)
    return _images_answer(shop, product, message=ngettext("%(num)d image added.", "%(num)d images added.",
                                                                len(files)))


@bp.post("/products/<uuid:product_id>/images/<uuid:image_id>/move")
@shop_required
def move_image(shop, product_id: uuid.UUID, image_id: uuid.UUID):
    """The shop's owner: move an image one place earlier or later."""
    product = _product(shop, product_id)
    offset = -1 if request.form.get("direction") == "up" else 1
    if not ActionForm().validate_on_submit():
        return _images_answer(shop, product, error=_("Your form expired. Reload the page."), status=422)
    try:
        product_images.move_image(shop, product, image_id, offset)
    except NotFound:
        raise HTTPNotFound(_("No such image.")) from None
    return _images_answer(shop, product)


@bp.post("/products/<uuid:product_id>/images/<uuid:image_id>/delete")
@shop_required
def delete_image(shop, product_id: uuid.UUID, image_id: uuid.UUID):
    """The shop's owner: delete an image (variants showing it fall back to the first image)."""
    product = _product(shop, product_id)
    if not ActionForm().validate_on_submit():
        return _images_answer(shop, product, error=_("Your form expired. Reload the page."), status=422)
    try:
        product_images.delete_image(shop, product, image_id)
    except NotFound:
        raise HTTPNotFound(_("No such image.")) from None
    return _images_answer(shop, product, message=_("Image deleted."))

