"""Account pages: register, verify with a code, log in and out, forgot and reset the password."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from marketplace.account import bp
from marketplace.account.forms import (
    ActionForm, ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm, VerifyForm,
)
from marketplace.models import OtpPurpose
from marketplace.services.accounts import accounts, otp, profile
from marketplace.services.shops import shops
from marketplace.services.core.errors import DomainError
from marketplace.web import unit_of_work
from marketplace.web.auth import login_required
from marketplace.web.i18n import locale_code
from marketplace.web.limits import login_limit, otp_send_limit, otp_verify_limit, password_reset_limit, register_limit
from marketplace.web.redirects import local_path
from marketplace.web.sessions import end_session, start_session

CONTACT_FIELDS = {"phone": "contact", "email": "contact", "login": "contact"}


def show_error(form, error: DomainError, aliases: dict | None = None) -> None:
    """Put a service's message next to the field it names (or above the form)."""
    aliases = aliases or {}
    placed = False
    for name, message in (error.fields or {}).items():
        field = getattr(form, aliases.get(name, name), None)
        if field is not None and message not in field.errors:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def forget_code(form) -> None:
    """A one-time code is never sent back in a page, not even the one the user just typed."""
    form.code.data = ""
    form.code.raw_data = []


def _landing(user) -> str:
    """Where a login without `next` lands: a seller (a user with a shop) in the seller center."""
    return url_for("seller.index") if shops.shop_of(user) is not None else url_for("shop.home")


def _after_login_target(default_endpoint: str = "shop.home") -> str:
    return local_path(request.values.get("next")) or url_for(default_endpoint)


@bp.route("/register", methods=["GET", "POST"])
@register_limit
def register():
    """Guests: create an account with a phone or email; logs it in unverified and sends a code."""
    if current_user.is_authenticated:
        return redirect(url_for("shop.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            contact = accounts.parse_contact(form.contact.data, field="contact")
            # The language of this page is the new account's: its code and later news come in it.
            user = accounts.register(contact, form.password.data, form.full_name.data, locale=locale_code())
            start_session(user)
        except DomainError as error:
            show_error(form, error, CONTACT_FIELDS)
        else:
            flash(_("Welcome, %(name)s! We sent a code to %(destination)s.", name=user.full_name,
                    destination=otp.mask_destination(contact.value)), "success")
            return redirect(url_for("account.verify", next=local_path(request.args.get("next"))))
    status = 422 if form.is_submitted() else 200
    return render_template("account/register.html", form=form), status


def _verify_page(form, status: int = 200):
    destination = accounts.verification_destination(current_user)
    return render_template(
        "account/verify.html", form=form, resend_form=ActionForm(), purpose="verify",
        destination=otp.mask_destination(destination),
        cooldown=otp.resend_cooldown(current_user, OtpPurpose.VERIFY),
        has_code=otp.has_usable_code(current_user, OtpPurpose.VERIFY),
        next=local_path(request.values.get("next")),
    ), status


@bp.route("/verify", methods=["GET", "POST"])
@login_required
@otp_verify_limit
def verify():
    """Logged-in unverified users: enter the code sent to their phone or email; marks the account verified."""
    if current_user.is_verified:
        flash(_("Your account is already verified."), "info")
        return redirect(_after_login_target())
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            accounts.verify_account(current_user, form.code.data)
        except DomainError as error:
            unit_of_work.keep_on_refusal()  # a wrong try must count, so the 422 is committed too
            show_error(form, error)
        else:
            flash(_("Your account is verified. Thank you!"), "success")
            return redirect(_after_login_target())
    if form.is_submitted():
        forget_code(form)
    return _verify_page(form, 422 if form.is_submitted() else 200)


@bp.post("/verify/resend")
@login_required
@otp_send_limit
def resend_otp():
    """Logged-in users: send a new code for the account (purpose=verify) or a pending contact change (purpose=contact)."""
    form = ActionForm()
    purpose = request.form.get("purpose", "verify")
    target = url_for("account.confirm_contact") if purpose == "contact" else url_for(
        "account.verify", next=local_path(request.form.get("next")))
    if not form.validate_on_submit():
        flash(_("Your form expired. Try again."), "warning")
        return redirect(target)
    try:
        with unit_of_work.attempt():  # a refusal is answered with a redirect, which would commit
            if purpose == "contact":
                contact = profile.resend_contact_code(current_user)
                destination = contact.value
            else:
                destination = accounts.send_verification(current_user).destination
    except DomainError as error:
        flash(error.message, "warning")
    else:
        flash(_("We sent a new code to %(destination)s.", destination=otp.mask_destination(destination)), "success")
    return redirect(target)


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login():
    """Guests: log in with phone or email and password; starts a fresh session (guest cart kept)."""
    if current_user.is_authenticated:
        return redirect(_after_login_target())
    form = LoginForm()
    if request.method == "GET":
        form.next.data = local_path(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.login.data, form.password.data)
            start_session(user, remember=form.remember.data)
        except DomainError as error:
            show_error(form, error)
        else:
            refresh()  # from here on the account's language, not the signed-out browser's
            flash(_("Welcome back, %(name)s.", name=user.full_name), "success")
            if not user.is_verified:
                flash(_("Your account is not verified yet: verify it to check out."), "warning")
            return redirect(local_path(form.next.data) or _landing(user))
    status = 422 if form.is_submitted() else 200
    return render_template("account/login.html", form=form, reason=_login_reason()), status


def _login_reason() -> str | None:
    """Why a page sent the visitor here (`?why=`), said above the form: a visitor's heart (wishlist/state.py)."""
    if request.args.get("why") == "save":
        return _("Log in to save products for later.")
    return None


@bp.post("/logout")
def logout():
    """Anyone: end the session (and the remember-me cookie) of this browser."""
    if current_user.is_authenticated:
        end_session()
        flash(_("You are logged out."), "info")
    return redirect(url_for("shop.home"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@password_reset_limit
def forgot_password():
    """Anyone: ask for a reset code; the answer, and the work before it, are the same whether or not
    the account exists (the code itself leaves after the response: services/accounts/otp.py offer_code)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            contact = accounts.parse_contact(form.contact.data, field="contact")
            accounts.forgot_password(contact)
        except DomainError as error:
            show_error(form, error, CONTACT_FIELDS)
        else:
            flash(_("If an account uses %(contact)s, a code is on its way (one a minute at most). "
                    "It works for 5 minutes.", contact=contact.value), "info")
            return redirect(url_for("account.reset_password", contact=contact.value))
    status = 422 if form.is_submitted() else 200
    return render_template("account/forgot_password.html", form=form), status


@bp.route("/reset-password", methods=["GET", "POST"])
@password_reset_limit
def reset_password():
    """Anyone with a reset code: set a new password; other sessions end and this browser is logged in."""
    form = ResetPasswordForm()
    if request.method == "GET" and request.args.get("contact"):
        form.contact.data = request.args["contact"][:254]
    if form.validate_on_submit():
        try:
            contact = accounts.parse_contact(form.contact.data, field="contact")
            user = accounts.reset_password(contact, form.code.data, form.new_password.data)
        except DomainError as error:
            unit_of_work.keep_on_refusal()  # keeps the counted wrong try; nothing else was changed
            show_error(form, error, CONTACT_FIELDS)
        else:
            start_session(user)
            refresh()  # from here on the account's language, not the signed-out browser's
            flash(_("Your password is changed. Every other session was logged out."), "success")
            return redirect(url_for("shop.home"))
    if form.is_submitted():
        forget_code(form)
    status = 422 if form.is_submitted() else 200
    return render_template("account/reset_password.html", form=form), status
