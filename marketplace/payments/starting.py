"""Starting a checkout's payment from a request, for the web checkout and the API alike: the
addresses the provider needs (url_for), who pays, and the expiry sweep queued for when the hold ends."""
import uuid

from flask import current_app, request, url_for
from flask_babel import get_locale

from marketplace import jobs
from marketplace.extensions import db
from marketplace.services.core.effects import after_commit
from marketplace.services.ordering.checkout import PlacedOrders
from marketplace.services.payments import payments
from marketplace.services.payments.providers.base import Started


def links(payment_id: uuid.UUID) -> tuple[str, str]:
    """(return_url, notify_url) of a payment: absolute, for the provider."""
    return (url_for("payments.returned", payment_id=payment_id, _external=True),
            url_for("payments.notify", provider=current_app.config["PAYMENT_PROVIDER"], _external=True))


def shopper() -> payments.Shopper:
    return payments.Shopper(locale=str(get_locale() or current_app.config["DEFAULT_LOCALE"]),
                            client_ip=request.remote_addr or "127.0.0.1")


def start(user, placed: PlacedOrders):
    """(payment, first attempt) of an ONLINE checkout, or (None, None); the sweep is queued after the commit."""
    payment, started = payments.start_payment(user, placed, links, shopper())
    if payment is not None and not placed.replayed:
        after_commit(db.session, jobs.schedule_payment_expiry, payment.hold_until)
    return payment, started


def again(user, payment_id: uuid.UUID) -> Started:
    return payments.pay_again(user, payment_id, links, shopper())


def pay_page(payment_id: uuid.UUID, started: Started) -> str:
    """Where the buyer pays an attempt: the provider's page, or ours with its card form (Stripe Elements)."""
    return started.redirect_url or url_for("payments.card", payment_id=payment_id)
