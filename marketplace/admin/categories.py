"""Admin categories: the tree, and create / rename / move / delete-when-empty through the catalog's rules
(delete through a confirm step: admin/confirm.py)."""
import uuid

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from marketplace.admin import bp
from marketplace.admin.confirm import Confirmation, render_confirm, swap_target
from marketplace.admin.forms import (
    TOP, CategoryCreateForm, CategoryDeleteForm, CategoryMoveForm, CategoryRenameForm, options, with_unique_ids,
)
from marketplace.admin.tables import back_to
from marketplace.extensions import db
from marketplace.models import Category
from marketplace.services.admin import admin_categories
from marketplace.services.catalog import category_queries
from marketplace.services.core.errors import DomainError, NotFound
from marketplace.web.auth import admin_required
from marketplace.web.htmx import htmx_target

WORKSPACE = "category-workspace"


def _options(tree, exclude: set | None = None) -> list[tuple[str, str]]:
    exclude = exclude or set()
    return options([TOP] + [(str(n.id), "— " * n.depth + n.name) for n in tree.walk() if n.id not in exclude])


def _forms(tree, selected: Category | None, formdata=None) -> dict:
    """Blank forms for the workspace; the one being posted is passed in by the caller instead."""
    create_form = with_unique_ids(CategoryCreateForm(formdata=formdata), "create")
    create_form.parent_id.choices = _options(tree)
    forms = {"create_form": create_form}
    if selected is not None:
        rename_form = with_unique_ids(CategoryRenameForm(formdata=formdata, name=selected.name), "rename")
        move_form = with_unique_ids(CategoryMoveForm(formdata=formdata, parent_id=str(selected.parent_id or "")),
                                    "move")
        # Offer only parents that make no loop; the service still checks (a crafted post, a race).
        move_form.parent_id.choices = _options(tree, set(tree.subtree_ids(selected.id)))
        forms.update(rename_form=rename_form, move_form=move_form, delete_form=CategoryDeleteForm(formdata=formdata))
    return forms


def _render(selected: Category | None = None, status: int = 200, notice: str | None = None,
            delete_error: str | None = None, **posted):
    """The categories page, or only its workspace (tree + editor) when htmx aims at it."""
    tree = category_queries.get_tree()
    context = _forms(tree, selected)
    context.update(posted)
    context.update(tree=tree, counts=admin_categories.product_counts(), selected=selected, notice=notice,
                   delete_error=delete_error)
    template = "admin/partials/_category_workspace.html" if htmx_target() == WORKSPACE else "admin/categories.html"
    return render_template(template, **context), status


def _load(category_id: uuid.UUID) -> Category:
    try:
        return category_queries.get_category(category_id)
    except NotFound:
        abort(404)


def _parent(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _all_parents_allowed(form) -> None:
    # Validate against every category so a loop reaches the service and gets its clear message.
    form.parent_id.choices = _options(category_queries.get_tree())


def _success(message: str, selected: Category | None):
    if htmx_target() == WORKSPACE:
        return _render(selected, notice=message)
    flash(message, "success")
    target = url_for("admin.edit_category", category_id=selected.id) if selected else url_for("admin.list_categories")
    return redirect(target, code=303)


def _field_error(form, error: DomainError, default_field: str) -> None:
    field = next((name for name in error.fields if name in form), default_field)
    form[field].errors.append(error.message)


@bp.get("/categories")
@admin_required
def list_categories():
    """Admins: the category tree with product counts, and the form to add a category (read-only)."""
    return _render()


@bp.get("/categories/<uuid:category_id>")
@admin_required
def edit_category(category_id: uuid.UUID):
    """Admins: the tree with one category's rename / move / delete forms open (read-only)."""
    return _render(_load(category_id))


@bp.post("/categories")
@admin_required
def create_category():
    """Admins: add a category at the top or under a parent (audited)."""
    form = with_unique_ids(CategoryCreateForm(), "create")
    _all_parents_allowed(form)
    if form.validate():
        try:
            with db.session.begin_nested():  # a refusal undoes only its own changes
                category = admin_categories.create(current_user, form.name.data, _parent(form.parent_id.data))
        except DomainError as error:
            _field_error(form, error, "name")
        else:
            return _success(_("Category “%(name)s” created.", name=category.name), category)
    return _render(status=422, create_form=form)


@bp.post("/categories/<uuid:category_id>/rename")
@admin_required
def rename_category(category_id: uuid.UUID):
    """Admins: rename a category; its address (slug) stays (audited)."""
    category = _load(category_id)
    form = with_unique_ids(CategoryRenameForm(), "rename")
    if form.validate():
        try:
            with db.session.begin_nested():  # a refusal undoes only its own changes
                admin_categories.rename(current_user, category, form.name.data)
        except DomainError as error:
            _field_error(form, error, "name")
        else:
            return _success(_("Renamed to “%(name)s”.", name=category.name), category)
    return _render(_load(category_id), status=422, rename_form=form)


@bp.post("/categories/<uuid:category_id>/move")
@admin_required
def move_category(category_id: uuid.UUID):
    """Admins: move a category and its subtree under another parent or to the top; no loops (audited)."""
    category = _load(category_id)
    form = with_unique_ids(CategoryMoveForm(), "move")
    _all_parents_allowed(form)
    if form.validate():
        try:
            with db.session.begin_nested():  # a refusal undoes only its own changes
                admin_categories.move(current_user, category, _parent(form.parent_id.data))
        except DomainError as error:
            _field_error(form, error, "parent_id")
        else:
            return _success(_("“%(name)s” moved.", name=category.name), category)
    selected = _load(category_id)
    tree = category_queries.get_tree()
    form.parent_id.choices = _options(tree, set(tree.subtree_ids(selected.id)))
    return _render(selected, status=422, move_form=form)


def _delete_confirmation(category: Category, form: CategoryDeleteForm) -> Confirmation:
    return Confirmation(
        title=_("Delete the category “%(name)s”?", name=category.name), button=_("Delete the category"), form=form,
        consequences=[_("It leaves the tree and the storefront's menus for good; its address (%(slug)s) stops "
                        "working.", slug=category.slug),
                      _("Only a category without subcategories or live products can go: products the sellers "
                        "deleted just lose it.")],
        action_url=url_for("admin.delete_category", category_id=category.id),
        back=back_to(url_for("admin.edit_category", category_id=category.id)),
        target=swap_target(WORKSPACE), details=[(_("Category"), f"{category.name} ({category.slug})")],
    )


@bp.get("/categories/<uuid:category_id>/delete")
@admin_required
def confirm_delete_category(category_id: uuid.UUID):
    """Admins: the confirm step of deleting a category (read-only)."""
    return render_confirm(_delete_confirmation(_load(category_id), CategoryDeleteForm(formdata=None)))


@bp.post("/categories/<uuid:category_id>/delete")
@admin_required
def delete_category(category_id: uuid.UUID):
    """Admins: delete a category that has no subcategories and no live products, once confirmed (audited).

    Products the sellers deleted do not count: they just lose the category."""
    category = _load(category_id)
    name = category.name
    form = CategoryDeleteForm()
    if not form.confirmed:
        return render_confirm(_delete_confirmation(category, form))  # a stray POST: ask, change nothing
    if not form.validate():
        return _render(category, status=422, delete_error=_("Your form expired. Reload the page and try again."))
    try:
        with db.session.begin_nested():  # a refusal undoes only its own changes
            detached = admin_categories.delete(current_user, category)
    except DomainError as error:
        return _render(_load(category_id), status=422, delete_error=error.message)
    if detached:
        message = ngettext("Category “%(name)s” deleted. %(num)d product the sellers had deleted no longer belongs "
                           "to a category.",
                           "Category “%(name)s” deleted. %(num)d products the sellers had deleted no longer belong "
                           "to a category.", detached, name=name)
    else:
        message = _("Category “%(name)s” deleted.", name=name)
    return _success(message, None)
