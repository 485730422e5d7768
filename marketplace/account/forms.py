"""Forms of the account pages. They parse input; the rules live in services/accounts.py and friends."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp

CODE = [InputRequired("Enter the 6-digit code."), Regexp(r"^\s*\d{6}\s*$", message="The code has 6 digits.")]


class RegisterForm(FlaskForm):
    full_name = StringField("Full name", validators=[InputRequired("Enter your name."), Length(max=120)])
    contact = StringField("Phone number or email", validators=[InputRequired("Enter a phone number or an email.")])
    password = PasswordField("Password", validators=[InputRequired("Choose a password.")])


class VerifyForm(FlaskForm):
    code = StringField("Code", validators=CODE)


class ActionForm(FlaskForm):
    """A button with nothing but the CSRF token (resend a code, log out, delete, make default)."""


class LoginForm(FlaskForm):
    login = StringField("Phone number or email", validators=[InputRequired("Enter your phone number or email.")])
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")])
    remember = BooleanField("Remember me")
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    contact = StringField("Phone number or email", validators=[InputRequired("Enter your phone number or email.")])


class ResetPasswordForm(FlaskForm):
    contact = StringField("Phone number or email", validators=[InputRequired("Enter your phone number or email.")])
    code = StringField("Code", validators=CODE)
    new_password = PasswordField("New password", validators=[InputRequired("Choose a new password.")])
    confirm_password = PasswordField("Repeat the new password", validators=[
        InputRequired("Repeat the new password."), EqualTo("new_password", "The two passwords differ."),
    ])


class ProfileForm(FlaskForm):
    full_name = StringField("Full name", validators=[InputRequired("Enter your name."), Length(max=120)])
    email = StringField("Email", validators=[Optional(), Length(max=254)])
    phone = StringField("Phone number", validators=[Optional(), Length(max=30)])
    avatar = FileField("Avatar", validators=[FileAllowed(["jpg", "jpeg", "png", "webp", "gif"],
                                                         "Upload a JPEG, PNG, WebP or GIF image.")])


class AddressForm(FlaskForm):
    recipient_name = StringField("Recipient", validators=[InputRequired("Enter the recipient."), Length(max=120)])
    phone = StringField("Phone number", validators=[InputRequired("Enter a phone number."), Length(max=30)])
    line1 = StringField("Address", validators=[InputRequired("Enter the address."), Length(max=200)])
    line2 = StringField("Address line 2", validators=[Optional(), Length(max=200)])
    ward = StringField("Ward", validators=[Optional(), Length(max=100)])
    district = StringField("District", validators=[Optional(), Length(max=100)])
    city = StringField("City", validators=[InputRequired("Enter the city."), Length(max=100)])
    postal_code = StringField("Postal code", validators=[Optional(), Length(max=20)])
    is_default = BooleanField("Use as my default address")

    def address_data(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "recipient_name", "phone", "line1", "line2", "ward", "district", "city", "postal_code")}
