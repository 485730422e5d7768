"""Forms of the account pages. They parse input; the rules live in services/accounts/accounts.py and friends."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp

from marketplace.web.forms import ONE_LINE, PageForm

# [0-9], not \d: \d matches every Unicode digit ("١٢٣٤٥٦").
CODE = [InputRequired(_l("Enter the 6-digit code.")),
        Regexp(r"^\s*[0-9]{6}\s*$", message=_l("The code has 6 digits.")), ONE_LINE]
CONTACT = _l("Phone number or email")


class RegisterForm(PageForm):
    full_name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter your name.")), Length(max=120),
                                                         ONE_LINE])
    contact = StringField(CONTACT, validators=[InputRequired(_l("Enter a phone number or an email.")), ONE_LINE])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Choose a password."))])


class VerifyForm(PageForm):
    code = StringField(_l("Code"), validators=CODE)


class ActionForm(PageForm):
    """A button with nothing but the CSRF token (resend a code, log out, delete, make default)."""


class LoginForm(PageForm):
    login = StringField(CONTACT, validators=[InputRequired(_l("Enter your phone number or email.")), ONE_LINE])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Remember me"))
    next = HiddenField()


class ForgotPasswordForm(PageForm):
    contact = StringField(CONTACT, validators=[InputRequired(_l("Enter your phone number or email.")), ONE_LINE])


class ResetPasswordForm(PageForm):
    contact = StringField(CONTACT, validators=[InputRequired(_l("Enter your phone number or email.")), ONE_LINE])
    code = StringField(_l("Code"), validators=CODE)
    new_password = PasswordField(_l("New password"), validators=[InputRequired(_l("Choose a new password."))])
    confirm_password = PasswordField(_l("Repeat the new password"), validators=[
        InputRequired(_l("Repeat the new password.")),
        EqualTo(fieldname="new_password", message=_l("The two passwords differ.")),
    ])


class ProfileForm(PageForm):
    full_name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter your name.")), Length(max=120),
                                                         ONE_LINE])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254), ONE_LINE])
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=30), ONE_LINE])
    avatar = FileField(_l("Avatar"), validators=[FileAllowed(["jpg", "jpeg", "png", "webp", "gif"],
                                                             _l("Upload a JPEG, PNG, WebP or GIF image."))])
    # The choices are the app's languages and the zone list, filled by the view (they depend on config).
    locale = SelectField(_l("Language"), validate_choice=False)
    timezone = SelectField(_l("Time zone"), validate_choice=False)


class AddressForm(PageForm):
    recipient_name = StringField(_l("Recipient"), validators=[InputRequired(_l("Enter the recipient.")),
                                                              Length(max=120), ONE_LINE])
    phone = StringField(_l("Phone number"), validators=[InputRequired(_l("Enter a phone number.")), Length(max=30),
                                                        ONE_LINE])
    line1 = StringField(_l("Address"), validators=[InputRequired(_l("Enter the address.")), Length(max=200),
                                                   ONE_LINE])
    line2 = StringField(_l("Address line 2"), validators=[Optional(), Length(max=200), ONE_LINE])
    ward = StringField(_l("Ward"), validators=[Optional(), Length(max=100), ONE_LINE])
    district = StringField(_l("District"), validators=[Optional(), Length(max=100), ONE_LINE])
    city = StringField(_l("City"), validators=[InputRequired(_l("Enter the city.")), Length(max=100), ONE_LINE])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=20), ONE_LINE])
    is_default = BooleanField(_l("Use as my default address"))

    def address_data(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "recipient_name", "phone", "line1", "line2", "ward", "district", "city", "postal_code")}
