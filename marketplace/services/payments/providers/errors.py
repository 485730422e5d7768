"""What a real provider's failure looks like to the rest of the app: a domain error with a message for
the shopper, so the checkout page and the API show it like any other refusal."""
from marketplace.services.core.errors import DomainError


class ProviderError(DomainError):
    """The provider did not do what we asked (unreachable, refused, answered something we cannot trust).
    Nothing was charged or refunded on our side: the caller may try again."""

    status = 502
    code = "payment_provider_error"
