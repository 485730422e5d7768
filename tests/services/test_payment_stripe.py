"""Stripe adapter: PaymentIntents and refunds over Stripe's HTTP API (stubbed at the HTTP layer with
`responses`, so the official library builds and sends its real requests), and webhooks signed in the
test with Stripe's own scheme (v1 = HMAC-SHA256 of "{timestamp}.{body}" with the endpoint's secret)."""
import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import parse_qs

import pytest
import responses
from flask_babel import force_locale

from marketplace.services.payments.providers import stripe as stripe_provider
from marketplace.services.payments.providers.base import Ack, BadNotification, Charge, Outcome
from marketplace.services.payments.providers.errors import ProviderError
from marketplace.services.payments.providers.stripe import IgnoredEvent, StripeProvider

SECRET_KEY = "sk_test_51marketplace"
WEBHOOK_SECRET = "whsec_test_marketplace"
PAYMENT_ID = uuid.UUID("7d9f4a52-3c1e-4b8a-9a57-0c2f6e1d8b43")
INTENTS = "https://api.stripe.com/v1/payment_intents"
REFUNDS = "https://api.stripe.com/v1/refunds"


@pytest.fixture
def provider():
    return StripeProvider(SECRET_KEY, WEBHOOK_SECRET)


@pytest.fixture
def stripe_api():
    with responses.RequestsMock() as mock:
        yield mock


def _charge(amount=150000, currency="VND", attempt=1):
    return Charge(payment_id=PAYMENT_ID, attempt=attempt, amount=amount, currency=currency,
                  description="Chợ Phố order 2 shops", return_url="https://cho.example/payments/return/x",
                  notify_url="https://cho.example/payments/notify/stripe")


def _intent(**fields):
    return {"id": "pi_3Qx1", "object": "payment_intent", "amount": 150000, "amount_received": 0, "currency": "vnd",
            "client_secret": "pi_3Qx1_secret_abc", "status": "requires_payment_method",
            "metadata": {"payment_id": str(PAYMENT_ID), "attempt": "1"}, **fields}


def _sent_form(call) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(call.request.body).items()}


def _event(kind="payment_intent.succeeded", event_id="evt_1", **intent):
    return json.dumps({"id": event_id, "object": "event", "type": kind, "livemode": False, "api_version": "2026-11-17",
                       "created": int(time.time()), "data": {"object": _intent(**intent)}})


def _sign(payload: str, secret=WEBHOOK_SECRET, timestamp=None) -> str:
    """The Stripe-Signature header as Stripe computes it, written out rather than borrowed from the library."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def test_start_creates_a_payment_intent_in_the_currencys_minor_unit(provider, stripe_api):
    call = stripe_api.post(INTENTS, json=_intent())
    started = provider.start(_charge())
    sent = _sent_form(stripe_api.calls[0])
    assert call.call_count == 1
    assert sent["amount"] == "150000"  # VND is zero-decimal for Stripe: whole đồng, as is
    assert sent["currency"] == "vnd"
    assert sent["metadata[payment_id]"] == str(PAYMENT_ID) and sent["metadata[attempt]"] == "1"
    assert sent["automatic_payment_methods[enabled]"] == "true"
    headers = stripe_api.calls[0].request.headers
    assert headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert headers["Idempotency-Key"] == f"pi-{PAYMENT_ID}-1"
    assert (started.reference, started.client_secret, started.redirect_url) == ("pi_3Qx1", "pi_3Qx1_secret_abc", None)


def test_start_sends_usd_in_cents_and_a_new_attempt_under_a_new_idempotency_key(provider, stripe_api):
    stripe_api.post(INTENTS, json=_intent(id="pi_usd", amount=1250, currency="usd"))
    assert provider.start(_charge(amount=1250, currency="USD", attempt=2)).reference == "pi_usd"
    sent = _sent_form(stripe_api.calls[0])
    assert (sent["amount"], sent["currency"], sent["metadata[attempt]"]) == ("1250", "usd", "2")
    assert stripe_api.calls[0].request.headers["Idempotency-Key"] == f"pi-{PAYMENT_ID}-2"


def test_a_refused_start_is_a_provider_error_with_a_message_for_the_shopper(app, provider, stripe_api):
    stripe_api.post(INTENTS, status=400, json={"error": {"type": "invalid_request_error", "message": "Invalid currency"}})
    with pytest.raises(ProviderError) as refused:
        provider.start(_charge())
    assert refused.value.status == 502 and refused.value.code == "payment_provider_error"
    assert refused.value.message == "The payment service is not answering. Please try again in a moment."
    with app.test_request_context(), force_locale("vi"):
        stripe_api.post(INTENTS, status=400, json={"error": {"type": "invalid_request_error"}})
        with pytest.raises(ProviderError) as in_vietnamese:
            provider.start(_charge())
    assert in_vietnamese.value.message == "Cổng thanh toán chưa phản hồi. Vui lòng thử lại sau giây lát."


def test_refund_gives_the_amount_back_on_the_payment_intent(provider, stripe_api):
    stripe_api.post(REFUNDS, json={"id": "re_9", "object": "refund", "amount": 150000, "currency": "vnd",
                                   "payment_intent": "pi_3Qx1", "status": "succeeded"})
    assert provider.refund("pi_3Qx1", 150000, "VND", "paid after the hold expired") == "re_9"
    sent = _sent_form(stripe_api.calls[0])
    assert (sent["payment_intent"], sent["amount"]) == ("pi_3Qx1", "150000")
    assert sent["metadata[reason]"] == "paid after the hold expired"


def test_a_refused_refund_is_a_provider_error(provider, stripe_api):
    stripe_api.post(REFUNDS, status=400, json={"error": {"type": "invalid_request_error",
                                                         "code": "charge_already_refunded"}})
    with pytest.raises(ProviderError):
        provider.refund("pi_3Qx1", 150000, "VND", "expired")


@pytest.mark.parametrize("kind, outcome, amount", [
    ("payment_intent.succeeded", Outcome.PAID, 150000),         # what was received
    ("payment_intent.payment_failed", Outcome.FAILED, 150000),  # received nothing: what was asked
    ("payment_intent.canceled", Outcome.CANCELLED, 150000),
])
def test_a_signed_webhook_reads_as_a_notification(provider, kind, outcome, amount):
    received = amount if outcome is Outcome.PAID else 0
    payload = _event(kind, event_id="evt_42", amount_received=received)
    notification = provider.read_notification(payload.encode(), {"Stripe-Signature": _sign(payload)}, {})
    assert notification.event_id == "evt_42" and notification.reference == "pi_3Qx1"
    assert (notification.outcome, notification.amount, notification.currency) == (outcome, amount, "VND")
    assert notification.raw["type"] == kind and notification.raw["metadata"]["payment_id"] == str(PAYMENT_ID)


def test_the_amount_of_a_paid_event_is_what_stripe_received(provider):
    payload = _event(amount=150000, amount_received=149000)
    assert provider.read_notification(payload.encode(), {"Stripe-Signature": _sign(payload)}, {}).amount == 149000


def test_the_librarys_own_signature_header_is_accepted_and_the_header_name_is_case_insensitive(provider):
    import stripe

    payload = _event(amount_received=150000)
    header = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET)
    assert provider.read_notification(payload.encode(), {"stripe-signature": header}, {}).outcome is Outcome.PAID


@pytest.mark.parametrize("case", ["forged", "tampered", "replayed", "missing", "garbled"])
def test_a_webhook_that_is_not_stripes_or_is_too_old_is_refused(provider, case):
    payload = _event(amount_received=150000)
    body, header = payload, _sign(payload)
    if case == "forged":
        header = _sign(payload, secret="whsec_someone_else")
    elif case == "tampered":
        body = payload.replace("150000", "1")
    elif case == "replayed":  # a genuine event, captured and sent again after the tolerance
        header = _sign(payload, timestamp=int(time.time()) - 301)
    elif case == "missing":
        header = ""
    elif case == "garbled":
        body = "not json"
        header = _sign(body)
    with pytest.raises(BadNotification) as refused:
        provider.read_notification(body.encode(), {"Stripe-Signature": header}, {})
    assert not isinstance(refused.value, IgnoredEvent)


def test_a_genuine_event_of_another_type_is_ignored_not_refused(provider):
    payload = _event("charge.succeeded")
    with pytest.raises(IgnoredEvent):
        provider.read_notification(payload.encode(), {"Stripe-Signature": _sign(payload)}, {})
    assert provider.acknowledge(Ack.DUPLICATE) == ("", 200, {})  # what the webhook answers it


@pytest.mark.parametrize("ack, status", [(Ack.ACCEPTED, 200), (Ack.DUPLICATE, 200), (Ack.UNKNOWN_PAYMENT, 400),
                                         (Ack.WRONG_AMOUNT, 400), (Ack.BAD_SIGNATURE, 400)])
def test_acknowledge_answers_2xx_only_to_what_was_processed(provider, ack, status):
    assert provider.acknowledge(ack) == ("", status, {})


def test_the_browser_return_is_never_believed(provider):
    assert provider.read_return({"payment_intent": "pi_3Qx1", "redirect_status": "succeeded"}) is None


def test_from_config_reads_the_keys():
    config = {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}
    for provider in (StripeProvider.from_config(config), stripe_provider.from_config(config)):
        assert provider.name == "stripe" and provider.webhook_secret == WEBHOOK_SECRET


def test_a_partial_refund_sends_its_amount_with_our_refund_id_as_the_idempotency_key(provider, stripe_api):
    stripe_api.post(REFUNDS, json={"id": "re_part", "object": "refund", "amount": 50000, "currency": "vnd",
                                   "payment_intent": "pi_3Qx1", "status": "succeeded"})
    assert provider.refund("pi_3Qx1", 50000, "VND", "return R1", idempotency_key="abc123", partial=True) == "re_part"
    call = stripe_api.calls[0]
    assert _sent_form(call)["amount"] == "50000" and call.request.headers["Idempotency-Key"] == "refund-abc123"


def test_cancel_closes_the_intent_and_a_refusal_is_a_provider_error(provider, stripe_api):
    stripe_api.post(f"{INTENTS}/pi_3Qx1/cancel", json=_intent(status="canceled"))
    provider.cancel("pi_3Qx1")
    assert _sent_form(stripe_api.calls[0]) == {"cancellation_reason": "abandoned"}
    stripe_api.post(f"{INTENTS}/pi_paid/cancel", status=400, json={"error": {
        "type": "invalid_request_error", "code": "payment_intent_unexpected_state",
        "message": "You cannot cancel this PaymentIntent because it has a status of succeeded."}})
    with pytest.raises(ProviderError):
        provider.cancel("pi_paid")
