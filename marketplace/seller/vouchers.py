"""Seller center: the shop's vouchers (list, create, edit, deactivate).

Amounts are typed as money ("19.99", "150.000" for VND) and stored in minor units; a
percentage is a whole number. Every rule (code format and uniqueness, limits, dates)
is in services/ordering/vouchers.py; errors land on their field.
"""
import uuid
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from marketplace import dates
from marketplace.models.base import utcnow
from marketplace.seller import bp
from marketplace.seller.access import shop_required
from marketplace.seller.forms import ActionForm, VoucherForm
from marketplace.services.core.errors import DomainError, ValidationFailed
from marketplace.services.ordering import vouchers as voucher_service
from marketplace.web import unit_of_work


def _save(form: VoucherForm, change) -> bool:
    """Run `change(values)`; on a refusal roll it back at once (the edit page reads the voucher
    again) and put the message on its field (or the form)."""
    if not form.validate():
        return False
    values = form.values()
    if values is None:
        return False
    try:
        with unit_of_work.attempt():
            change(values)
    except DomainError as error:
        placed = False
        for name, message in error.fields.items():
            if name in form._fields:
                form[name].errors = [*form[name].errors, message]
                placed = True
        if not placed:
            form.form_errors.append(error.message)
        return False
    return True


@bp.get("/vouchers")
@shop_required
def list_vouchers(shop):
    """Seller with a shop: their vouchers, newest first, with uses so far."""
    try:
        page = voucher_service.list_shop_vouchers(shop, request.args.get("cursor"))
    except ValidationFailed:  # a stale or damaged page link: start from the first page
        return redirect(url_for("seller.list_vouchers"))
    return render_template("seller/vouchers.html", shop=shop, page=page, now=utcnow(),
                           describe_voucher=voucher_service.describe)


@bp.route("/vouchers/new", methods=["GET", "POST"])
@shop_required
def new_voucher(shop):
    """Seller with a shop: create a voucher for it."""
    form = VoucherForm()
    if request.method == "GET":
        start = utcnow().replace(second=0, microsecond=0)
        form.starts_at.data, form.ends_at.data = dates.wall_clock(start), dates.wall_clock(start + timedelta(days=30))
    elif _save(form, lambda values: voucher_service.create_voucher(shop, **values)):
        flash(_("Voucher %(code)s created.", code=form.code.data.strip().upper()), "success")
        return redirect(url_for("seller.list_vouchers"))
    status = 422 if request.method == "POST" else 200
    return render_template("seller/vouchers_form.html", form=form, voucher=None), status


@bp.route("/vouchers/<uuid:voucher_id>/edit", methods=["GET", "POST"])
@shop_required
def edit_voucher(shop, voucher_id: uuid.UUID):
    """Seller with a shop: change one of its vouchers (another shop's is a 404)."""
    voucher = voucher_service.get_shop_voucher(shop, voucher_id)
    form = VoucherForm()
    if request.method == "GET":
        form.fill_from(voucher)
    elif _save(form, lambda values: voucher_service.update_voucher(shop, voucher_id, **values)):
        flash(_("Voucher %(code)s saved.", code=voucher.code), "success")
        return redirect(url_for("seller.list_vouchers"))
    else:
        voucher = voucher_service.get_shop_voucher(shop, voucher_id)
    status = 422 if request.method == "POST" else 200
    return render_template("seller/vouchers_form.html", form=form, voucher=voucher), status


@bp.post("/vouchers/<uuid:voucher_id>/deactivate")
@shop_required
def deactivate_voucher(shop, voucher_id: uuid.UUID):
    """Seller with a shop: stop one of its vouchers from being used (uses so far stay)."""
    ActionForm()  # CSRF is checked globally for every POST
    voucher = voucher_service.deactivate_voucher(shop, voucher_id)
    flash(_("Voucher %(code)s deactivated.", code=voucher.code), "success")
    return redirect(url_for("seller.list_vouchers"))
