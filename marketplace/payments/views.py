"""Payment routes. The notification (/payments/notify/<provider>: POST, GET for VNPay) is the provider's server
talking to ours: no session, no CSRF token, believed only once its signature checks out; what we
decided is answered the way the provider expects (provider.acknowledge) and kept even when it is a
refusal (the event row is the record of what was refused).

The sandbox page stands in for a provider's hosted page. Its "Pay" posts the signed notification
to notify_url and then sends the browser to return_url, as a real provider does. When notify_url is
this very site, the notification goes through this app's WSGI stack in-process (its own app context,
so its own session and transaction), not over the network: a site run by one single-threaded process
(flask run without threads, one sync gunicorn worker) would otherwise wait on itself, and the tests
have no server to reach. The request is the same bytes and headers and meets the same signature check.
"""
import logging
import urllib.request
import uuid
from urllib.error import URLError
from urllib.parse import urlsplit

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_pgettext
from flask_login import current_user
from werkzeug.test import Client

from marketplace.extensions import csrf, limiter
from marketplace.payments import bp, starting
from marketplace.services.payments import payments
from marketplace.services.payments.providers import get_provider
from marketplace.services.payments.providers import sandbox as sandbox_provider
from marketplace.services.payments.providers.base import Ack, BadNotification, Outcome
from marketplace.web import unit_of_work
from marketplace.web.auth import login_required
from marketplace.web.hooks import content_security_policy

logger = logging.getLogger("marketplace.payments")
CHOICES = {"pay": Outcome.PAID, "decline": Outcome.FAILED, "cancel": Outcome.CANCELLED}
STATUS_LABELS = {
    payments.P.PENDING.value: lazy_pgettext("payment status", "Awaiting payment"),
    payments.P.PAID.value: lazy_pgettext("payment status", "Paid"),
    payments.P.EXPIRED.value: lazy_pgettext("payment status", "Payment expired"),
    payments.P.REFUNDED.value: lazy_pgettext("payment status", "Refunded"),
    payments.P.CANCELLED.value: lazy_pgettext("payment status", "Cancelled"),
}
# The Stripe payment page alone may load Stripe.js, frame its fields and let them call Stripe's API
# (Stripe's own list, docs.stripe.com/security/guide#content-security-policy); no other page can.
STRIPE_POLICY = content_security_policy(
    script_src="https://js.stripe.com https://*.js.stripe.com",
    frame_src="https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com",
    connect_src="https://api.stripe.com",
)


@bp.app_template_global()
def payment_status_label(payment) -> str:
    return str(STATUS_LABELS.get(payment.status, payment.status))


@bp.app_template_global()
def payment_seconds_left(payment) -> int:
    return payments.seconds_left(payment)


@bp.route("/payments/notify/<provider>", methods=["GET", "POST"])
@csrf.exempt
@limiter.exempt
def notify(provider: str):
    """The provider: a server-to-server notification about an attempt; verified, processed once. VNPay's
    IPN is a GET (its specification), the others POST; each provider reads what it is sent."""
    if provider != current_app.config["PAYMENT_PROVIDER"]:
        abort(404)
    chosen = get_provider(current_app.config)
    try:
        notification = chosen.read_notification(request.get_data(), request.headers, request.args)
    except BadNotification as error:
        logger.warning("payment notification refused: %s", error, extra={"provider": provider})
        return chosen.acknowledge(Ack.BAD_SIGNATURE)
    ack = payments.handle_notification(chosen.name, notification)
    unit_of_work.keep_on_refusal()  # a refused notification is kept as refused
    return chosen.acknowledge(ack)


@bp.get("/payments/return/<uuid:payment_id>")
@login_required
def returned(payment_id: uuid.UUID):
    """The buyer back from the provider's page: where their payment stands, on their checkout's page."""
    payment = payments.get_payment(current_user, payment_id)
    provider = get_provider(current_app.config, payment.provider)
    try:
        told = provider.read_return(request.args)
    except BadNotification:
        told = None
    if told is not None:
        payments.handle_notification(provider.name, told)
    if payment.status == payments.P.PAID.value:
        flash(_("Payment received. Thank you! The shops are preparing your orders."), "success")
    elif payment.status == payments.P.CANCELLED.value:
        flash(_("You cancelled these orders before paying them."), "info")
    elif payments.can_pay(payment) and payment.last_outcome:
        flash(_("The payment was not completed. You can pay again while your items are held."), "warning")
    elif payments.can_pay(payment):
        flash(_("We are waiting for the payment's confirmation: this page will show it once it arrives."), "info")
    else:
        flash(_("The time to pay has run out: your orders were cancelled."), "warning")
    return redirect(url_for("checkout.confirmation", checkout_id=payment.checkout_id))


@bp.post("/payments/<uuid:payment_id>/pay")
@login_required
def pay(payment_id: uuid.UUID):
    """The buyer: "Pay now" / "Pay again": a new attempt with the provider, while the hold lasts."""
    try:
        started = starting.again(current_user, payment_id)
    except payments.PaymentClosed as error:  # someone else's payment stays a 404
        flash(error.message, "danger")
        return redirect(url_for("orders.list_orders"))
    return redirect(starting.pay_page(payment_id, started), 303)


@bp.get("/payments/<uuid:payment_id>/card")
@login_required
def card(payment_id: uuid.UUID):
    """The buyer: their payment's card form (Stripe's Payment Element, PAYMENT_PROVIDER=stripe). Stripe.js
    is loaded here only, under a policy that lets it in; it then sends the browser to the return page."""
    try:
        payment, client_secret = payments.card_payment(current_user, payment_id)
    except payments.PaymentClosed as error:  # someone else's payment stays a 404
        flash(error.message, "warning")
        return redirect(url_for("checkout.confirmation",
                                checkout_id=payments.get_payment(current_user, payment_id).checkout_id))
    if client_secret is None:  # the provider's own page takes the payment: "Pay now" is on the checkout's page
        return redirect(url_for("checkout.confirmation", checkout_id=payment.checkout_id))
    response = make_response(render_template(
        "payments/card.html", payment=payment, client_secret=client_secret,
        publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"],
        return_url=url_for("payments.returned", payment_id=payment.id, _external=True)))
    response.headers["Content-Security-Policy"] = STRIPE_POLICY
    response.headers["Cache-Control"] = "no-store"  # the client secret pays this attempt: never kept by a cache
    return response


@bp.post("/payments/<uuid:payment_id>/cancel")
@login_required
def cancel(payment_id: uuid.UUID):
    """The buyer: cancel their unpaid checkout, every order of it (stock and vouchers back)."""
    try:
        payment = payments.cancel_checkout(current_user, payment_id)
    except payments.PaymentClosed as error:  # someone else's payment stays a 404
        flash(error.message, "warning")
        payment = payments.get_payment(current_user, payment_id)
    else:
        flash(_("Your orders were cancelled and nothing was charged; the items went back on sale."), "success")
    return redirect(url_for("checkout.confirmation", checkout_id=payment.checkout_id))


# -- the sandbox provider's page -----------------------------------------------------------------

def _sandbox():
    return sandbox_provider.from_config(current_app.config)


def _session(reference: str):
    try:
        return _sandbox().session(reference, request.values.get("session", ""))
    except BadNotification:
        abort(404)


@bp.get("/pay/sandbox/<reference>")
def sandbox_page(reference: str):
    """The sandbox's hosted page: the amount, and "Pay", "Decline" or "Cancel"."""
    return render_template("payments/sandbox.html", session=_session(reference),
                           token=request.args.get("session", ""))


@bp.post("/pay/sandbox/<reference>")
def sandbox_choose(reference: str):
    """The shopper's choice: the signed notification goes to notify_url, then the browser to return_url."""
    session = _session(reference)
    outcome = CHOICES.get(request.form.get("choice", ""))
    if outcome is None:
        abort(400)
    body, headers = _sandbox().signed_notification(session, outcome)
    _deliver(session.notify_url, body, headers)
    return redirect(session.return_url, 303)


def _deliver(url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST the notification to `url`: in-process when it is this site (see the module doc)."""
    target = urlsplit(url)
    if target.netloc == request.host:
        with current_app.app_context():
            answer = Client(current_app).post(target.path, data=body, headers=headers,
                                              base_url=f"{target.scheme}://{target.netloc}")
        status = answer.status_code
    elif target.scheme in ("http", "https"):  # the URL comes from our own signed session, never a visitor
        try:
            outgoing = urllib.request.Request(url, data=body, headers=headers)
            with urllib.request.urlopen(outgoing, timeout=10) as r:  # nosec B310: http(s) only, checked above
                status = r.status
        except URLError as error:
            status = getattr(error, "code", None)
    else:
        status = None
    if status is None or status >= 400:
        logger.warning("sandbox notification answered %s", status, extra={"notify_url": url})
