"""Seller center: opening a shop, the shop profile, and the door to the seller center."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.seller import bp
from marketplace.seller.access import shop_required
from marketplace.seller.forms import ActionForm, ShopProfileForm, ShopRegistrationForm, show_errors, uploaded_files
from marketplace.services.core.errors import DomainError
from marketplace.services.shops import shops
from marketplace.web import unit_of_work
from marketplace.web.auth import login_required, verified_required


def _file_bytes(field) -> bytes | None:
    files = uploaded_files(field)
    return files[0].read() if files else None


@bp.get("/")
@login_required
def index():
    """Logged-in users: the seller center's front door (dashboard, products, or open a shop)."""
    if shops.shop_of(current_user) is None:
        return redirect(url_for("seller.register_shop"))
    return redirect(url_for("seller.dashboard"))


@bp.route("/register", methods=["GET", "POST"])
@verified_required
def register_shop():
    """Verified users without a shop: open one (PENDING until approved). Owners see its status."""
    existing = shops.shop_of(current_user)
    if existing is not None:
        return render_template("seller/register_shop.html", form=None, shop=existing)
    form = ShopRegistrationForm()
    if form.validate_on_submit():
        try:
            shop = shops.register_shop(current_user, form.name.data, form.slug.data, form.description.data,
                                       logo=_file_bytes(form.logo))
        except DomainError as error:  # the 422 rolls back, and deletes a logo already stored
            show_errors(form, error)
            return render_template("seller/register_shop.html", form=form, shop=None), 422
        flash(_("“%(name)s” is registered. An administrator will review it soon; "
                "meanwhile you can add products.", name=shop.name), "success")
        return redirect(url_for("seller.register_shop"))
    status = 422 if form.is_submitted() else 200
    return render_template("seller/register_shop.html", form=form, shop=None), status


@bp.route("/shop", methods=["GET", "POST"])
@shop_required
def edit_shop(shop):
    """The shop's owner: edit its name, description, logo and banner; see its status and the admin's reason."""
    form = ShopProfileForm(obj=shop)
    if form.validate_on_submit():
        try:
            with unit_of_work.attempt():  # the page below shows the shop as it was, not half renamed
                shops.update_shop(shop, name=form.name.data, description=form.description.data,
                                  logo=_file_bytes(form.logo), remove_logo=form.remove_logo.data,
                                  banner=_file_bytes(form.banner), remove_banner=form.remove_banner.data)
        except DomainError as error:
            show_errors(form, error)
            return profile_page(shop, form), 422
        flash(_("Shop profile saved."), "success")
        return redirect(url_for("seller.edit_shop"))
    return profile_page(shop, form), 422 if form.is_submitted() else 200


def profile_page(shop, form=None, bank_form=None):
    """The profile page, with the bank details form below the profile's (seller/money.py posts that one)."""
    from marketplace.seller.money_forms import BankDetailsForm

    form = form or ShopProfileForm(formdata=None, obj=shop)
    bank_form = bank_form or BankDetailsForm(formdata=None, obj=shop)
    return render_template("seller/edit_shop.html", shop=shop, form=form, action_form=ActionForm(),
                           bank_form=bank_form,
                           can_resubmit="resubmit" in shops.allowed_actions(shop, by_admin=False))


@bp.post("/shop/resubmit")
@shop_required
def resubmit_shop(shop):
    """The owner of a rejected shop: ask for another review (back to PENDING)."""
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("Your form expired. Reload the page and try again."), "danger")
        return redirect(url_for("seller.edit_shop"))
    try:
        with unit_of_work.attempt():  # the refusal's redirect would otherwise commit it
            shops.resubmit_shop(current_user, shop)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("seller.edit_shop"))
    flash(_("Sent for review again. We'll notify you when an administrator decides."), "success")
    return redirect(url_for("seller.edit_shop"))
