"""Forms of the account pages. They parse input; the rules live in services/accounts/accounts.py and friends."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp

from marketplace.web.forms import ONE_LINE, PageForm

# [0-9], not \d: \d matches every Unicode digit ("١٢٣٤٥٦").
CODE = [InputRequired("Enter the 6-digit code."), Regexp(r"^\s*[0-9]{6}\s*$", message="The code has 6 digits."),
        ONE_LINE]
CONTACT = "Phone number or email"


class RegisterForm(PageForm):
    full_name = StringField("Full name", validators=[InputRequired("Enter your name."), Length(max=120), ONE_LINE])
    contact = StringField(CONTACT, validators=[InputRequired("Enter a phone number or an email."), ONE_LINE])
    password = PasswordField("Password", validators=[InputRequired("Choose a password.")])


class VerifyForm(PageForm):
    code = StringField("Code", validators=CODE)


class ActionForm(PageForm):
    """A button with nothing but the CSRF token (resend a code, log out, delete, make default)."""


class LoginForm(PageForm):
    login = StringField(CONTACT, validators=[InputRequired("Enter your phone number or email."), ONE_LINE])
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")])
    remember = BooleanField("Remember me")
    next = HiddenField()


class ForgotPasswordForm(PageForm):
    contact = StringField(CONTACT, validators=[InputRequired("Enter your phone number or email."), ONE_LINE])


class ResetPasswordForm(PageForm):
    contact = StringField(CONTACT, validators=[InputRequired("Enter your phone number or email."), ONE_LINE])
    code = StringField("Code", validators=CODE)
    new_password = PasswordField("New password", validators=[InputRequired("Choose a new password.")])
    confirm_password = PasswordField("Repeat the new password", validators=[
        InputRequired("Repeat the new password."), EqualTo("new_password", "The two passwords differ."),
    ])


class ProfileForm(PageForm):
    full_name = StringField("Full name", validators=[InputRequired("Enter your name."), Length(max=120), ONE_LINE])
    email = StringField("Email", validators=[Optional(), Length(max=254), ONE_LINE])
    phone = StringField("Phone number", validators=[Optional(), Length(max=30), ONE_LINE])
    avatar = FileField("Avatar", validators=[FileAllowed(["jpg", "jpeg", "png", "webp", "gif"],
                                                         "Upload a JPEG, PNG, WebP or GIF image.")])
    # The choices are the app's languages and the zone list, filled by the view (they depend on config).
    locale = SelectField(_l("Language"), validate_choice=False)
    timezone = SelectField(_l("Time zone"), validate_choice=False)


class AddressForm(PageForm):
    recipient_name = StringField("Recipient", validators=[InputRequired("Enter the recipient."), Length(max=120),
                                                          ONE_LINE])
    phone = StringField("Phone number", validators=[InputRequired("Enter a phone number."), Length(max=30), ONE_LINE])
    line1 = StringField("Address", validators=[InputRequired("Enter the address."), Length(max=200), ONE_LINE])
    line2 = StringField("Address line 2", validators=[Optional(), Length(max=200), ONE_LINE])
    ward = StringField("Ward", validators=[Optional(), Length(max=100), ONE_LINE])
    district = StringField("District", validators=[Optional(), Length(max=100), ONE_LINE])
    city = StringField("City", validators=[InputRequired("Enter the city."), Length(max=100), ONE_LINE])
    postal_code = StringField("Postal code", validators=[Optional(), Length(max=20), ONE_LINE])
    is_default = BooleanField("Use as my default address")

    def address_data(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "recipient_name", "phone", "line1", "line2", "ward", "district", "city", "postal_code")}
