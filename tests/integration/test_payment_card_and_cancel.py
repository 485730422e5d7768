"""The card page of PAYMENT_PROVIDER=stripe (Stripe's Payment Element; Stripe's HTTP API stubbed with
`responses`, so the official library sends its real requests), the buyer's cancel of an unpaid
checkout (page and API), and what the pages say while an online checkout waits for its payment."""
import re
import uuid
from urllib.parse import urlsplit

import pytest
import responses
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CheckoutPayment, Order, OrderStatus
from tests.factories import login, make_user
from tests.integration.test_checkout_pages import form_data, setup_cart
from tests.services.test_payment_stripe import _event, _sign

S = OrderStatus
INTENTS = "https://api.stripe.com/v1/payment_intents"
SECRET = "pi_3Qcard_secret_Zk9"
PUBLISHABLE = "pk_test_51marketplace"
STRIPE_HOSTS = ("https://js.stripe.com", "https://api.stripe.com", "https://hooks.stripe.com")


@pytest.fixture
def stripe_site(app, monkeypatch):
    """The site with Stripe as its provider and Stripe's API answering from `responses`."""
    for key, value in {"PAYMENT_PROVIDER": "stripe", "STRIPE_SECRET_KEY": "sk_test_51marketplace",
                       "STRIPE_WEBHOOK_SECRET": "whsec_test_marketplace",
                       "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE}.items():
        monkeypatch.setitem(app.config, key, value)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        api.post(INTENTS, json=_intent("pi_3Qcard"))
        api.get(f"{INTENTS}/pi_3Qcard", json=_intent("pi_3Qcard"))
        yield api


def _intent(intent_id, **fields):
    return {"id": intent_id, "object": "payment_intent", "amount": 0, "amount_received": 0, "currency": "usd",
            "client_secret": SECRET, "status": "requires_payment_method", "metadata": {}, **fields}


def _payment(data):
    db.session.expire_all()
    return db.session.scalar(select(CheckoutPayment).where(CheckoutPayment.buyer_id == data["buyer"].id))


def _orders(data):
    db.session.expire_all()
    return db.session.scalars(select(Order).where(Order.buyer_id == data["buyer"].id).order_by(Order.number)).all()


def _csp(response) -> dict[str, str]:
    return {part.split()[0]: part for part in response.headers["Content-Security-Policy"].split("; ")}


def _place_online(client, key="c" * 32):
    data = setup_cart(client)
    response = client.post("/checkout", data=form_data(data, key=key, payment_method="ONLINE"))
    assert response.status_code == 303, response.get_data(as_text=True)[:400]
    return data, response


# -- the Stripe card page -------------------------------------------------------------------------

def test_with_stripe_the_checkout_goes_on_to_the_card_page_with_the_secret_and_key(client, stripe_site):
    data, placed = _place_online(client)
    payment = _payment(data)
    assert urlsplit(placed.headers["Location"]).path == f"/payments/{payment.id}/card"
    assert payment.provider == "stripe" and payment.provider_reference == "pi_3Qcard"
    page = client.get(placed.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-client-secret="{SECRET}"' in html and f'data-publishable-key="{PUBLISHABLE}"' in html
    assert f'data-return-url="http://localhost/payments/return/{payment.id}"' in html
    assert '<script src="https://js.stripe.com/v3/" defer></script>' in html
    assert "needs JavaScript" in html and f"/payments/{payment.id}/cancel" in html  # without JavaScript
    assert "waiting for payment" in html  # the flash of "Place order"
    assert page.headers["Cache-Control"] == "no-store"
    csp = _csp(page)
    assert "https://js.stripe.com" in csp["script-src"] and "'self'" in csp["script-src"]
    assert "https://js.stripe.com" in csp["frame-src"] and "https://hooks.stripe.com" in csp["frame-src"]
    assert "https://api.stripe.com" in csp["connect-src"] and csp["frame-ancestors"] == "frame-ancestors 'none'"
    # The secret is asked of Stripe when the page is shown, never kept by us.
    assert [c.request.method for c in stripe_site.calls] == ["POST", "GET"]


def test_no_other_page_lets_stripe_in(client, stripe_site):
    data, placed = _place_online(client)
    payment = _payment(data)
    for path in (f"/checkout/done/{payment.checkout_id}", f"/orders/{_orders(data)[0].id}", "/orders", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        header = response.headers["Content-Security-Policy"]
        assert not any(host in header for host in STRIPE_HOSTS), path
        assert "js.stripe.com" not in response.get_data(as_text=True), path


def test_the_card_page_is_its_buyers_only(client, stripe_site):
    data, placed = _place_online(client)
    card = placed.headers["Location"]
    login(client, make_user())
    assert client.get(card).status_code == 404
    login(client, None)
    anonymous = client.get(card)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert client.get(f"/payments/{uuid.uuid4()}/card").status_code in (302, 404)


def test_pay_again_with_stripe_is_a_new_payment_intent_on_the_card_page(client, stripe_site):
    data, placed = _place_online(client)
    payment = _payment(data)
    stripe_site.post(INTENTS, json=_intent("pi_3Qagain", client_secret="pi_3Qagain_secret_2"))
    stripe_site.get(f"{INTENTS}/pi_3Qagain", json=_intent("pi_3Qagain", client_secret="pi_3Qagain_secret_2"))
    again = client.post(f"/payments/{payment.id}/pay")
    assert again.status_code == 303 and urlsplit(again.headers["Location"]).path == f"/payments/{payment.id}/card"
    assert _payment(data).attempt == 2 and _payment(data).provider_reference == "pi_3Qagain"
    assert 'data-client-secret="pi_3Qagain_secret_2"' in client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_closed_payments_card_page_goes_back_to_the_checkout(client, stripe_site):
    data, placed = _place_online(client)
    payment = _payment(data)
    client.post(f"/payments/{payment.id}/cancel")
    back = client.get(placed.headers["Location"])
    assert back.status_code == 302 and f"/checkout/done/{payment.checkout_id}" in back.headers["Location"]


def test_the_sandboxs_payment_has_no_card_page(client):
    data, placed = _place_online(client)
    payment = _payment(data)
    assert urlsplit(placed.headers["Location"]).path.startswith("/pay/sandbox/")
    card = client.get(f"/payments/{payment.id}/card")
    assert card.status_code == 302 and f"/checkout/done/{payment.checkout_id}" in card.headers["Location"]


def test_stripes_signed_webhook_pays_the_checkout(client, stripe_site):
    data, __ = _place_online(client)
    payment = _payment(data)
    payload = _event("payment_intent.succeeded", event_id="evt_card_1", id="pi_3Qcard", amount=payment.amount,
                     amount_received=payment.amount, currency=payment.currency.lower())
    answer = client.post("/payments/notify/stripe", data=payload, csrf=False,
                         headers={"Stripe-Signature": _sign(payload), "Content-Type": "application/json"})
    assert answer.status_code == 200
    assert _payment(data).status == "PAID" and {o.status for o in _orders(data)} == {S.PENDING}
    back = client.get(f"/payments/return/{payment.id}?payment_intent=pi_3Qcard&redirect_status=succeeded",
                      follow_redirects=True)
    assert "Payment received" in back.get_data(as_text=True)


# -- the buyer cancels an unpaid checkout --------------------------------------------------------

def test_the_buyer_cancels_the_whole_unpaid_checkout_from_its_page(client):
    data, __ = _place_online(client)
    payment = _payment(data)
    page = client.get(f"/checkout/done/{payment.checkout_id}").get_data(as_text=True)
    assert "Pay to complete your order" in page and "Cancel the orders without paying" in page
    assert "Thank you for your order" not in page and "was placed" not in page
    done = client.post(f"/payments/{payment.id}/cancel")
    assert done.status_code == 302 and f"/checkout/done/{payment.checkout_id}" in done.headers["Location"]
    assert _payment(data).status == "CANCELLED" and {o.status for o in _orders(data)} == {S.CANCELLED}
    kettle, teapot = data["products"]
    db.session.refresh(kettle.variants[0])
    db.session.refresh(teapot.variants[0])
    assert (kettle.variants[0].stock, teapot.variants[0].stock) == (5, 5)
    after = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Your orders were cancelled" in after and "nothing was charged" in after and "Pay now" not in after
    again = client.post(f"/payments/{payment.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "These orders were already cancelled." in again


def test_the_order_page_offers_the_checkouts_cancel_not_the_orders_alone(client):
    data, __ = _place_online(client)
    order = _orders(data)[0]
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f"/payments/{_payment(data).id}/cancel" in page and f"/orders/{order.id}/cancel" not in page
    assert "Online payment" in page and "ONLINE" not in re.sub(r"<[^>]+>", "", page).split("Online payment")[0][-40:]
    refused = client.post(f"/orders/{order.id}/cancel", data={"reason": ""})
    assert refused.status_code == 409 and "paid together with the other orders" in refused.get_data(as_text=True)
    api = client.post(f"/api/v1/orders/{order.id}/cancel", json={})
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "transition_not_allowed"
    assert {o.status for o in _orders(data)} == {S.AWAITING_PAYMENT}


def test_the_api_cancels_an_unpaid_checkout_once(client):
    data = setup_cart(client)
    placed = client.post("/api/v1/orders", json={"address_id": str(data["address"].id), "payment_method": "ONLINE"},
                         headers={"Idempotency-Key": "api-cancel-1"}).get_json()
    payment_id = placed["payment"]["id"]
    cancelled = client.post(f"/api/v1/payments/{payment_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "CANCELLED"
    assert {o.status for o in _orders(data)} == {S.CANCELLED}
    again = client.post(f"/api/v1/payments/{payment_id}/cancel")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "payment_closed"
    assert client.get(f"/api/v1/payments/{payment_id}").get_json()["status"] == "CANCELLED"


def test_a_paid_checkout_is_not_cancelled_whole_and_nothing_changes(client):
    from tests.payments_support import NOTIFY_PATH, signed_body

    data, __ = _place_online(client)
    payment = _payment(data)
    body, headers = signed_body(payment)
    assert client.post(NOTIFY_PATH, data=body, headers=headers, csrf=False).status_code == 200
    api = client.post(f"/api/v1/payments/{payment.id}/cancel")
    assert api.status_code == 409 and "already paid" in api.get_json()["error"]["message"]
    page = client.post(f"/payments/{payment.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "already paid" in page
    assert _payment(data).status == "PAID" and {o.status for o in _orders(data)} == {S.PENDING}


def test_someone_elses_checkout_cancel_is_a_404_and_changes_nothing(client):
    data, __ = _place_online(client)
    payment = _payment(data)
    login(client, make_user())
    assert client.post(f"/payments/{payment.id}/cancel").status_code == 404
    assert client.post(f"/api/v1/payments/{payment.id}/cancel").status_code == 404
    assert _payment(data).status == "PENDING" and {o.status for o in _orders(data)} == {S.AWAITING_PAYMENT}


# -- what "Place order" says ------------------------------------------------------------------------

@pytest.mark.parametrize("locale, words, not_words", [
    ("en", ("Your 2 orders are waiting for payment: pay", "or they are cancelled"), ("were placed", "Thank you")),
    ("vi", ("Đơn hàng của bạn đang chờ thanh toán: hãy thanh toán", "sẽ bị hủy"), ("Cảm ơn", "đã được đặt")),
])
def test_placing_online_says_to_pay_by_the_end_of_the_hold(client, locale, words, not_words):
    data = setup_cart(client)
    client.set_cookie("locale", locale)
    placed = client.post("/checkout", data=form_data(data, key="w" * 32, payment_method="ONLINE"))
    page = client.get(placed.headers["Location"]).get_data(as_text=True)  # the sandbox's page shows the flash
    payment = _payment(data)
    from marketplace.dates import format_datetime

    with client.application.test_request_context(headers={"Cookie": f"locale={locale}"}):
        until = format_datetime(payment.hold_until, locale)
    assert until in page
    for word in words:
        assert word in page
    for word in not_words:
        assert word not in page


def test_the_card_page_in_vietnamese(client, stripe_site):
    data, placed = _place_online(client)
    html = client.get(placed.headers["Location"], headers={"Accept-Language": "vi"}).get_data(as_text=True)
    for words in ("Thanh toán bằng thẻ", "Thanh toán bằng thẻ cần JavaScript", "Hủy các đơn hàng, không thanh toán",
                  "Quay lại đơn hàng của bạn"):
        assert words in html
    assert "Pay by card" not in html and "needs JavaScript" not in html


# -- VNPay's IPN is a GET -------------------------------------------------------------------------

def test_vnpays_ipn_arrives_by_get_and_is_answered_as_its_specification_says(client, app, monkeypatch):
    from marketplace.services.payments.providers import vnpay

    for key, value in {"PAYMENT_PROVIDER": "vnpay", "VNPAY_TMN_CODE": "CHOPHO01",
                       "VNPAY_HASH_SECRET": "SECRETVNPAYTEST"}.items():
        monkeypatch.setitem(app.config, key, value)
    fields = {"vnp_TmnCode": "CHOPHO01", "vnp_TxnRef": "unknown2026120712000001", "vnp_Amount": "15000000",
              "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00", "vnp_TransactionNo": "14000001"}
    signed = dict(fields, vnp_SecureHash=vnpay.hmac_sha512("SECRETVNPAYTEST", vnpay.canonical_query(fields)))
    unknown = client.get("/payments/notify/vnpay", query_string=signed)
    assert unknown.status_code == 200 and unknown.get_json() == {"RspCode": "01", "Message": "Order not found"}
    forged = client.get("/payments/notify/vnpay", query_string=dict(signed, vnp_Amount="100"))
    assert forged.status_code == 200 and forged.get_json()["RspCode"] == "97"


def test_the_openapi_document_has_vnpays_get_and_the_cancel(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "vnp_SecureHash" in str(document["webhooks"]["paymentNotification"]["get"])
    assert "post" in document["paths"]["/api/v1/payments/{payment_id}/cancel"]
