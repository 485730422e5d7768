"""Admin commission: the platform rate (COMMISSION_RATE, from the configuration) and the overrides per
shop and per category: add or change one, remove one through a confirm step. New orders use them;
placed orders keep the rate frozen on their lines."""
import uuid

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.admin import bp
from marketplace.admin.confirm import Confirmation, reload, render_confirm
from marketplace.admin.forms import CommissionRateForm, ConfirmedForm, options
from marketplace.services.core.errors import DomainError, ValidationFailed
from marketplace.services.ledger import commission, commission_queries
from marketplace.web import unit_of_work
from marketplace.web.auth import admin_required


def _form(formdata=None) -> CommissionRateForm:
    form = CommissionRateForm(formdata=formdata)
    form.category_id.choices = options([("", _("— choose —"))] + [(str(cid), name) for cid, name in
                                                                     commission_queries.categories()])
    return form


def _page(form: CommissionRateForm, status: int = 200):
    return render_template("admin/commission.html", form=form, overrides=commission_queries.overrides(),
                           platform_bp=current_app.config["COMMISSION_RATE_BP"]), status


@bp.route("/commission", methods=["GET", "POST"])
@admin_required
def commission_page():
    """Admins: the platform rate and the overrides (GET); add or change the override of a shop or a
    category (POST; audited, new orders only)."""
    if request.method == "GET":
        return _page(_form())
    form = _form(request.form)
    if not form.validate():
        return _page(form, 422)
    try:
        rate_bp = commission.parse_percent(form.rate.data)
        shop_id = category_id = None
        if form.scope.data == "shop":
            shop_id = commission_queries.shop_id_by_slug(form.shop.data)
            if shop_id is None:
                raise ValidationFailed(_("No shop has that address."), field="shop")
        else:
            try:
                category_id = uuid.UUID(form.category_id.data or "")
            except ValueError:
                raise ValidationFailed(_("Choose a category."), field="category_id") from None
        with unit_of_work.attempt():
            commission.set_rate(current_user, rate_bp=rate_bp, shop_id=shop_id, category_id=category_id)
    except DomainError as error:
        for name, message in error.fields.items():
            if name in form:
                form[name].errors = [message]
        if not any(name in form for name in error.fields):
            form.form_errors.append(error.message)
        return _page(form, 422)
    flash(_("Commission rate saved. New orders use it; placed orders keep theirs."), "success")
    return redirect(url_for("admin.commission_page"), code=303)


def _removal(override, form) -> Confirmation:
    return Confirmation(
        title=_("Remove the commission rate of “%(name)s”?", name=override.name), button=_("Remove the rate"),
        consequences=[_("New orders of it pay the rate above it (its category's, or the platform's)."),
                      _("Orders already placed keep the rate they were placed with.")],
        action_url=url_for("admin.remove_commission", rate_id=override.id), form=form,
        back=url_for("admin.commission_page"), details=[(_("Rate"), f"{override.rate_bp / 100:g} %")])


@bp.get("/commission/<uuid:rate_id>/remove")
@admin_required
def confirm_remove_commission(rate_id: uuid.UUID):
    """Admins: the confirm step of removing a commission override (read-only)."""
    override = commission_queries.get_override(rate_id)
    if override is None:
        abort(404)
    return render_confirm(_removal(override, ConfirmedForm(formdata=None)))


@bp.post("/commission/<uuid:rate_id>/remove")
@admin_required
def remove_commission(rate_id: uuid.UUID):
    """Admins: remove a commission override, once confirmed (audited; new orders only)."""
    override = commission_queries.get_override(rate_id)
    if override is None:
        abort(404)
    form = ConfirmedForm(formdata=request.form)
    if not form.confirmed or not form.validate():
        return render_confirm(_removal(override, form))
    commission.remove_rate(current_user, rate_id)
    flash(_("Commission rate removed."), "success")
    return reload(url_for("admin.commission_page"))
