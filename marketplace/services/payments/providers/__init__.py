"""Payment providers behind one interface (base.Provider), chosen by PAYMENT_PROVIDER.

Each provider module offers `from_config(config) -> Provider`; stripe and vnpay are imported only
when chosen, so their libraries and settings are needed only where they are used.
"""
import importlib
from collections.abc import Mapping

from marketplace.services.payments.providers.base import Provider

NAMES = ("sandbox", "stripe", "vnpay")


class UnknownProvider(LookupError):
    """PAYMENT_PROVIDER (or a notification's path) names no provider we have."""


def get_provider(config: Mapping, name: str | None = None) -> Provider:
    """The provider `name` (default: PAYMENT_PROVIDER), configured from `config`."""
    name = (name or config.get("PAYMENT_PROVIDER") or "sandbox").lower()
    if name not in NAMES:
        raise UnknownProvider(name)
    module = importlib.import_module(f"marketplace.services.payments.providers.{name}")
    return module.from_config(config)
