"""Seller center: the product form (new and edit) with its variant grid and kept pictures.

Every mistake is shown at once, next to its field and in a summary above the form: the form's
own checks, then every rule of the services (services/catalog/product_input.py check_product),
on a plain post and on htmx alike. Pictures chosen on a refused round are stored at once as the
shop's pending pictures (services/catalog/pending_images.py) and carried by id, so the seller
never picks them again. Without JavaScript "Make the rows" and "Apply to every row" are submit
buttons that bring the form back with everything typed; with it, htmx swaps just the grid.
"""
import uuid

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound as HTTPNotFound
from wtforms.fields.choices import SelectChoice

from marketplace.models import ProductStatus
from marketplace.seller import bp, product_grid
from marketplace.seller.access import shop_required
from marketplace.seller.forms import (
    ActionForm, ImageUploadForm, ProductForm, count_from, format_variant_rows, image_choices, show_errors,
    uploaded_files, variant_specs,
)
from marketplace.services.catalog import category_queries, pending_images, product_images, products
from marketplace.services.catalog.product_input import check_product
from marketplace.services.core.errors import DomainError, NotFound, ValidationFailed
from marketplace.web import unit_of_work
from marketplace.web.htmx import htmx_target, is_htmx

ROWS_REMADE = _l("We made the rows for the options you typed: check each row's SKU, price and stock, then save.")


def owned_product(shop, product_id: uuid.UUID):
    try:
        return products.get_seller_product(shop, product_id)
    except NotFound:
        raise HTTPNotFound(_("We couldn't find that product in your shop.")) from None


def category_choices() -> list[SelectChoice]:
    """Every category as "Parent › Child" in tree order (from the cached category tree)."""
    tree = category_queries.get_tree()
    return [SelectChoice("", _("Choose a category"))] + [
        SelectChoice(str(node.id), " › ".join(a.name for a in tree.ancestors(node.id))) for node in tree.walk()
    ]


def edit_form(product, posted: bool) -> ProductForm:
    """The edit form: what was posted, or the product as saved (also behind a refused upload)."""
    form = ProductForm() if posted else ProductForm(formdata=None, data={
        "title": product.title, "description": product.description, "category_id": str(product.category_id),
        "variants": format_variant_rows(products.live_variants(product))})
    form.category_id.choices = category_choices()
    choices = image_choices(product)
    for entry in form.variants.entries:
        entry.form.image_id.choices = choices
    if not posted:
        grid = product_grid.read_axes(form, {})
        product_grid.remake_rows(form, grid.axes, choices, leave_out_gone=False)
    return form


def form_page(shop, form, product=None, status_code=200, kept=(), grid=None, **images_panel):
    """The new or edit page (or, for htmx aimed at the form, the form alone)."""
    if grid is None:
        grid = product_grid.read_axes(form, None)
    product_grid.label_rows(form, grid.axes)
    context = dict(shop=shop, form=form, product=product, kept=list(kept),
                   errors=product_grid.error_summary(form), action_form=ActionForm(), upload_form=ImageUploadForm(),
                   **images_panel)
    if htmx_target() == "product-form":
        return render_template("seller/partials/_product_form.html", **context), status_code
    template = "seller/product_edit.html" if product else "seller/product_new.html"
    return render_template(template, **context), status_code


def _saved(url: str):
    """After a save: a redirect, which htmx follows as a whole page."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


# --- kept pictures --------------------------------------------------------------------------------

def _kept_pictures(shop, form) -> list:
    """The pictures this form keeps (the shop's pending ones it names), less those the seller
    removed; a name that isn't the shop's (or is gone) is refused on the picture field."""
    ids = request.form.getlist("kept_image")
    dropped = set(request.form.getlist("drop_image"))
    try:
        kept = pending_images.owned(shop, ids)
    except ValidationFailed as error:
        show_errors(form, error)
        return []
    removed = [p for p in kept if str(p.id) in dropped]
    if removed:
        pending_images.discard(removed)
        unit_of_work.keep_on_refusal()  # removed for good, even when the rest of the form is refused
    return [p for p in kept if str(p.id) not in dropped]


def _keep_uploads(shop, form, files: list[tuple[str, bytes]], kept: list) -> list:
    """Store the files just chosen as pending pictures; a refused one is named on the picture field
    (too many are refused before any is decoded)."""
    try:
        pending_images.check_room(len(kept), len(files))
    except ValidationFailed as error:
        if error.message not in form.images.errors:
            form.images.errors = [*form.images.errors, error.message]
        return kept
    for filename, data in files:
        try:
            kept.append(pending_images.keep_upload(shop, data, kept=len(kept), field="images"))
            unit_of_work.keep_on_refusal()  # kept for the next round, though this one is refused
        except ValidationFailed as error:
            form.images.errors = [*form.images.errors, _("%(file)s: %(error)s", file=filename, error=error.message)]
    return kept


def add_uploads(shop, product, files: list[tuple[str, bytes]]) -> None:
    """Store chosen files as the product's images, in order (the count is checked before any is
    decoded); a refusal names the file it is about. Its rollback removes the files already stored."""
    product_images.check_room(product, len(files), field="images")
    for filename, data in files:
        try:
            product_images.add_image(shop, product, data, field="images")
        except ValidationFailed as error:
            raise ValidationFailed(_("%(file)s: %(error)s", file=filename, error=error.message), field="images",
                                   code=error.code) from None


# --- the pages ------------------------------------------------------------------------------------

def _action() -> str:
    for action in ("make_rows", "apply_bulk"):
        if action in request.form:
            return action
    return "save"


def _remade(form, grid, action, choices) -> bool:
    """Make the rows (asked, or the options changed since): whether the rows changed."""
    if grid.axes is None:
        return False
    if action == "make_rows" or not product_grid.rows_fit(form, grid.axes):
        product_grid.remake_rows(form, grid.axes, choices, leave_out_gone=True)
        return action != "make_rows"
    return False


def _grid_round(shop, form, product, grid, action, kept, files):
    """"Make the rows" or "Apply to every row" without JavaScript: the form again, nothing saved but
    the chosen pictures, no complaint but about the options and pictures."""
    choices = image_choices(product) if product else None
    _remade(form, grid, action, choices)
    product_grid.clear_errors(form)
    if grid.error:
        show_errors(form, grid.error)
    if action == "apply_bulk":
        product_grid.apply_bulk(form, blanks_only=False)
    if product is None:
        kept = _keep_uploads(shop, form, files, kept)
    return form_page(shop, form, product, 200, kept=kept, grid=grid)


def _check_everything(shop, form, product) -> None:
    """Put every rule's complaint on the form too (the form's own checks already failed)."""
    try:
        check_product(shop, title=form.title.data, description=form.description.data,
                      category_id=form.category_id.data, variants=variant_specs(form), product=product)
    except DomainError as error:
        show_errors(form, error)


@bp.route("/products/new", methods=["GET", "POST"])
@shop_required
def new_product(shop):
    """The shop's owner: create a product with its variant grid and pictures, as a draft or published."""
    form = ProductForm()
    form.category_id.choices = category_choices()
    if request.method == "GET":
        return form_page(shop, form)
    files = [(f.filename, f.read()) for f in uploaded_files(form.images)]
    form_ok = form.validate()
    grid = product_grid.read_axes(form, request.form)
    action = _action()
    kept = _kept_pictures(shop, form)
    if action != "save":
        return _grid_round(shop, form, None, grid, action, kept, files)
    remade = _remade(form, grid, action, None)
    product_grid.apply_bulk(form, blanks_only=True)
    try:
        pending_images.check_room(len(kept), len(files))
    except ValidationFailed as error:
        show_errors(form, error)
    ready = form_ok and not grid.error and not remade and not form.images.errors
    if ready:
        status = ProductStatus.ACTIVE if "publish" in request.form else ProductStatus.DRAFT
        try:
            with unit_of_work.attempt():  # a refusal rolls the product and its stored files back
                product = products.create_product(shop, title=form.title.data, description=form.description.data,
                                                  category_id=form.category_id.data, variants=variant_specs(form),
                                                  status=status)
                pending_images.attach(shop, product, kept)
                add_uploads(shop, product, files)
        except DomainError as error:
            show_errors(form, error)
            kept = _kept_pictures(shop, form)  # again: the rollback undid their removal too
        else:
            flash(_("“%(title)s” is published.", title=product.title) if status == ProductStatus.ACTIVE
                  else _("“%(title)s” is saved as a draft.", title=product.title), "success")
            return _saved(url_for("seller.edit_product", product_id=product.id))
    else:
        _check_everything(shop, form, None)
        if grid.error:
            show_errors(form, grid.error)
        if remade:
            form.form_errors.insert(0, str(ROWS_REMADE))
    kept = _keep_uploads(shop, form, files, kept)
    return form_page(shop, form, None, 422, kept=kept, grid=grid)


@bp.route("/products/<uuid:product_id>/edit", methods=["GET", "POST"])
@shop_required
def edit_product(shop, product_id: uuid.UUID):
    """The shop's owner: edit a product's text, category, variant grid and the variants' pictures."""
    product = owned_product(shop, product_id)
    form = edit_form(product, posted=request.method == "POST")
    if request.method == "GET":
        return form_page(shop, form, product)
    form_ok = form.validate()
    grid = product_grid.read_axes(form, request.form)
    action = _action()
    if action != "save":
        return _grid_round(shop, form, product, grid, action, [], [])
    remade = _remade(form, grid, action, image_choices(product))
    product_grid.apply_bulk(form, blanks_only=True)
    if form_ok and not grid.error and not remade:
        specs = variant_specs(form)
        try:
            with unit_of_work.attempt():  # the page below shows the product as it was
                saved = products.save_product(shop, product, title=form.title.data,
                                              description=form.description.data,
                                              category_id=form.category_id.data, variants=specs)
                for spec, variant in zip(specs, saved):
                    _set_picture(shop, product, variant, spec)
        except DomainError as error:
            show_errors(form, error)
            if isinstance(error, products.StockChanged):
                count_from(form, error.stock_now)
        else:
            flash(_("Product saved."), "success")
            return _saved(url_for("seller.edit_product", product_id=product.id))
    else:
        _check_everything(shop, form, product)
        if grid.error:
            show_errors(form, grid.error)
        if remade:
            form.form_errors.insert(0, str(ROWS_REMADE))
    return form_page(shop, form, product, 422, grid=grid)


def _set_picture(shop, product, variant, spec) -> None:
    try:
        product_images.set_variant_image(shop, product, variant.id, spec.get("image_id"))
    except NotFound:
        raise DomainError(_("That picture was deleted meanwhile. Choose another."),
                          field=f"variants-{spec['row']}-image_id") from None


# A POST though it changes nothing: fifty rows of inputs are too long for a URL (gunicorn refuses
# request lines past 4 KB), and the form's CSRF token comes along anyway.
@bp.post("/products/grid")
@bp.post("/products/<uuid:product_id>/grid")
@shop_required
def variant_grid(shop, product_id: uuid.UUID | None = None):
    """The shop's owner (htmx): the variant grid remade from the options typed, keeping every row's
    input ("Make the rows"), or with the prices and stock for every row applied. Changes nothing."""
    product = owned_product(shop, product_id) if product_id else None
    form = ProductForm()
    choices = image_choices(product) if product else None
    for entry in form.variants.entries:
        entry.form.image_id.choices = choices or entry.form.image_id.choices
    form.validate()
    grid = product_grid.read_axes(form, request.form)
    action = "apply_bulk" if "apply_bulk" in request.form else "make_rows"
    if grid.axes is not None and action == "make_rows":
        product_grid.remake_rows(form, grid.axes, choices, leave_out_gone=True)
    product_grid.clear_errors(form)
    if grid.error:
        show_errors(form, grid.error)
    if action == "apply_bulk":
        product_grid.apply_bulk(form, blanks_only=False)
    product_grid.label_rows(form, grid.axes)
    return render_template("seller/partials/_variant_grid.html", form=form, product=product, announce=True)
