"""Account pages: the profile (name, avatar, re-verified contact changes) and the address book."""
import uuid

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import i18n
from marketplace.account import bp
from marketplace.account.forms import ActionForm, AddressForm, ProfileForm, VerifyForm
from marketplace.account.views import forget_code, show_error
from marketplace.models import OtpPurpose
from marketplace.services.accounts import addresses as address_book
from marketplace.services.accounts import otp
from marketplace.services.accounts import profile as profiles
from marketplace.services.core.errors import DomainError
from marketplace.web import unit_of_work
from marketplace.web.auth import login_required
from marketplace.web.htmx import htmx_target, render_htmx
from marketplace.web.limits import contact_change_limit, otp_verify_limit

LIST_TARGET = "address-list"


@bp.route("/profile", methods=["GET", "POST"])
@login_required
@contact_change_limit
def profile():
    """Logged-in users: edit name and avatar; a new phone or email waits for its code before it applies."""
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    _preference_choices(form)
    if form.validate_on_submit():
        try:
            # The refused page reads the user (name in the navbar) and the pending contact, which
            # update_profile may already have changed: roll the whole change back first.
            with unit_of_work.attempt():
                pending = profiles.update_profile(user, full_name=form.full_name.data,
                                                  email=form.email.data or "", phone=form.phone.data or "")
                if form.avatar.data:
                    profiles.set_avatar(user, form.avatar.data.read())
                if form.locale.data:
                    profiles.set_locale(user, form.locale.data)
                profiles.set_timezone(user, form.timezone.data)
        except DomainError as error:
            show_error(form, error)
        else:
            refresh()  # a new language or time zone speaks from this answer on, its message too
            if pending is not None:
                flash(_("We sent a code to %(contact)s. Enter it to start using it; "
                        "until then your old contact stays.", contact=pending.value), "info")
                return redirect(url_for("account.confirm_contact"))
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("account.profile"))
    status = 422 if form.is_submitted() else 200
    return render_template("account/profile.html", form=form, pending=profiles.pending_contact(user)), status


def _preference_choices(form: ProfileForm) -> None:
    form.locale.choices = [(code, i18n.LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LOCALES"]]
    if not form.locale.data:
        form.locale.data = str(get_locale())
    default = current_app.config["DEFAULT_TIMEZONE"]
    form.timezone.choices = [("", _("The marketplace's (%(zone)s)", zone=default))] + [
        (zone, zone.replace("_", " ")) for zone in i18n.timezone_choices()]


def _confirm_page(form, status: int = 200):
    pending = profiles.pending_contact(current_user)
    return render_template(
        "account/verify.html", form=form, resend_form=ActionForm(), cancel_form=ActionForm(), purpose="contact",
        destination=otp.mask_destination(pending.value) if pending else None,
        cooldown=otp.resend_cooldown(current_user, OtpPurpose.CHANGE_CONTACT),
        has_code=otp.has_usable_code(current_user, OtpPurpose.CHANGE_CONTACT),
        next=None,
    ), status


@bp.route("/profile/confirm-contact", methods=["GET", "POST"])
@login_required
@otp_verify_limit
def confirm_contact():
    """Logged-in users with a pending phone/email change: enter the code sent to the new contact to apply it."""
    if profiles.pending_contact(current_user) is None:
        flash(_("There is no contact change waiting."), "info")
        return redirect(url_for("account.profile"))
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            contact = profiles.confirm_contact_change(current_user, form.code.data)
        except DomainError as error:
            unit_of_work.keep_on_refusal()  # a wrong try must count, so the 422 is committed too
            show_error(form, error)
        else:
            changed = (_("Your email is now %(contact)s.", contact=contact.value) if contact.kind == "email"
                       else _("Your phone number is now %(contact)s.", contact=contact.value))
            flash(changed, "success")
            return redirect(url_for("account.profile"))
    if form.is_submitted():
        forget_code(form)
    return _confirm_page(form, 422 if form.is_submitted() else 200)


@bp.post("/profile/cancel-contact")
@login_required
def cancel_contact_change():
    """Logged-in users: drop a pending phone/email change; the current contact stays."""
    profiles.cancel_contact_change(current_user)
    flash(_("The contact change was cancelled."), "info")
    return redirect(url_for("account.profile"))


def _address_list(notice: str | None = None):
    return render_htmx(
        "account/addresses.html", "account/partials/_addresses.html", targets=(LIST_TARGET,),
        addresses=address_book.list_addresses(current_user), action_form=ActionForm(), notice=notice,
        limit=address_book.MAX_ADDRESSES,
    )


@bp.get("/addresses")
@login_required
def list_addresses():
    """Logged-in users: their address book, default first."""
    return _address_list()


def _address_form_page(form, address=None, status: int = 200):
    return render_template("account/address_form.html", form=form, address=address), status


@bp.route("/addresses/new", methods=["GET", "POST"])
@login_required
def new_address():
    """Logged-in users: add an address (up to 10); the first one becomes the default."""
    form = AddressForm()
    if form.validate_on_submit():
        try:
            address_book.create_address(current_user, form.address_data(), make_default=form.is_default.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Address added."), "success")
            return redirect(url_for("account.list_addresses"))
    return _address_form_page(form, status=422 if form.is_submitted() else 200)


@bp.route("/addresses/<uuid:address_id>/edit", methods=["GET", "POST"])
@login_required
def edit_address(address_id: uuid.UUID):
    """Logged-in users: edit one of their own addresses (another user's is a 404)."""
    address = address_book.get_address(current_user, address_id)
    form = AddressForm(obj=address)
    if form.validate_on_submit():
        try:
            address_book.update_address(current_user, address_id, form.address_data(),
                                        make_default=form.is_default.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Address saved."), "success")
            return redirect(url_for("account.list_addresses"))
    return _address_form_page(form, address, status=422 if form.is_submitted() else 200)


def _after_list_action(notice: str):
    """htmx swaps the refreshed list in place; a plain form post goes back to the page (PRG)."""
    if htmx_target() == LIST_TARGET:
        return _address_list(notice)
    flash(notice, "success")
    return redirect(url_for("account.list_addresses"))


@bp.post("/addresses/<uuid:address_id>/delete")
@login_required
def delete_address(address_id: uuid.UUID):
    """Logged-in users: delete one of their addresses; if it was the default, the newest other one takes over."""
    address_book.delete_address(current_user, address_id)
    return _after_list_action(_("Address deleted."))


@bp.post("/addresses/<uuid:address_id>/default")
@login_required
def set_default_address(address_id: uuid.UUID):
    """Logged-in users: make one of their addresses the default for checkout."""
    address_book.set_default_address(current_user, address_id)
    return _after_list_action(_("Default address updated."))
