"""Password hashing (bcrypt) and the password rule."""
import bcrypt
from flask import current_app, has_app_context
from flask_babel import gettext as _

from marketplace.services.core.errors import ValidationFailed

MIN_LENGTH = 8
MAX_BYTES = 72  # bcrypt ignores anything past 72 bytes; refuse instead of silently truncating


def check_password_rules(password: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(_("Use at least %(count)d characters.", count=MIN_LENGTH), field=field,
                               code="weak_password")
    if password.isdigit():
        raise ValidationFailed(_("Use letters or symbols too, not only digits."), field=field, code="weak_password")
    if len(password.encode()) > MAX_BYTES:
        raise ValidationFailed(_("Use at most %(count)d bytes.", count=MAX_BYTES), field=field, code="weak_password")


def hash_password(password: str) -> str:
    rounds = current_app.config["BCRYPT_ROUNDS"] if has_app_context() else 12
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        return False
