"""Password hashing (bcrypt) and the password rule."""
import bcrypt
from flask import current_app, has_app_context

from marketplace.services.core.errors import ValidationFailed

MIN_LENGTH = 8
MAX_BYTES = 72  # bcrypt ignores anything past 72 bytes; refuse instead of silently truncating


def check_password_rules(password: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(f"Use at least {MIN_LENGTH} characters.", field=field, code="weak_password")
    if password.isdigit():
        raise ValidationFailed("Use letters or symbols too, not only digits.", field=field, code="weak_password")
    if len(password.encode()) > MAX_BYTES:
        raise ValidationFailed("Use at most 72 bytes.", field=field, code="weak_password")


def hash_password(password: str) -> str:
    rounds = current_app.config["BCRYPT_ROUNDS"] if has_app_context() else 12
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        return False
