"""Domain exceptions. Views turn them into flashes or form errors; the API into its error shape."""


class DomainError(Exception):
    """A rule said no. `code` is stable for the API; `message` is for people; `field` names the input."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = dict(fields or {})
        if field:
            self.fields.setdefault(field, message)


class ValidationFailed(DomainError):
    code = "validation_error"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"
