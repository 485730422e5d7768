"""The API's own error face: every failure becomes {"error": {code, message, fields}}."""
from pydantic import ValidationError

from marketplace.services.errors import DomainError


class RequestInvalid(DomainError):
    """The request body or query did not match its schema."""

    status = 422
    code = "validation_error"

    @classmethod
    def from_pydantic(cls, error: ValidationError) -> "RequestInvalid":
        fields: dict[str, str] = {}
        for item in error.errors():
            name = ".".join(str(part) for part in item["loc"] if part not in ("body", "__root__")) or "_"
            message = item["msg"].removeprefix("Value error, ")
            fields.setdefault(name, message)
        return cls("Some fields are missing or invalid.", fields=fields)
