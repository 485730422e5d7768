"""Online payment through the web: checkout ONLINE → the sandbox page → its signed notification →
back to the checkout's page; the webhook's refusals; the API's payment; the expiry command."""
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CheckoutPayment, Order, OrderStatus, PaymentEvent
from tests.integration.test_checkout_pages import count, form_data, setup_cart
from tests.payments_support import NOTIFY_PATH, signed_body

S = OrderStatus


def _checkout_online(client, key="p" * 32):
    data = setup_cart(client)
    response = client.post("/checkout", data=form_data(data, key=key, payment_method="ONLINE"))
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    page = urlsplit(response.headers["Location"])
    assert page.path.startswith("/pay/sandbox/sbx_")
    return data, page


def _orders(data):
    db.session.expire_all()
    return db.session.scalars(select(Order).where(Order.buyer_id == data["buyer"].id)).all()


def _payment(data):
    db.session.expire_all()
    return db.session.scalar(select(CheckoutPayment).where(CheckoutPayment.buyer_id == data["buyer"].id))


def _choose(client, page, choice):
    token = page.query.removeprefix("session=")
    return client.post(page.path, data={"session": token, "choice": choice})


def test_pay_on_the_sandbox_page_makes_both_orders_pending(client):
    data, page = _checkout_online(client)
    assert {o.status for o in _orders(data)} == {S.AWAITING_PAYMENT}
    shown = client.get(f"{page.path}?{page.query}")
    assert shown.status_code == 200 and "Sandbox" in shown.get_data(as_text=True)
    back = _choose(client, page, "pay")
    assert back.status_code == 303 and back.headers["Location"].startswith("http://localhost/payments/return/")
    assert {o.status for o in _orders(data)} == {S.PENDING}
    assert _payment(data).status == "PAID"
    done = client.get(back.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Payment received" in done and "Paid" in done
    timeline = client.get(f"/orders/{_orders(data)[0].id}").get_data(as_text=True)
    assert "Paid online" in timeline and "Pay now" not in timeline


def test_declined_then_paid_again(client):
    data, page = _checkout_online(client)
    back = _choose(client, page, "decline")
    done = client.get(back.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "not completed" in done and "Pay again" in done
    payment = _payment(data)
    assert payment.status == "PENDING" and payment.last_outcome == "failed"
    again = client.post(f"/payments/{payment.id}/pay")
    assert again.status_code == 303
    second = urlsplit(again.headers["Location"])
    assert second.path != page.path
    _choose(client, second, "pay")
    assert _payment(data).status == "PAID" and {o.status for o in _orders(data)} == {S.PENDING}


def test_the_buyers_order_page_says_pay_now_with_the_time_left(client):
    data, __ = _checkout_online(client)
    order = _orders(data)[0]
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Pay now" in page and "within 15 min" in page
    listed = client.get("/orders").get_data(as_text=True)
    assert "#payment-box" in listed and f"for order {order.number}" in listed


def test_the_seller_does_not_see_an_unpaid_order(client, app):
    data, __ = _checkout_online(client)
    order = _orders(data)[0]
    from tests.factories import login

    login(client, data["shops"][0].owner)
    assert client.get(f"/seller/orders/{order.id}").status_code == 404


@pytest.mark.parametrize(("tamper", "status"), [("signature", 400), ("amount", 422), ("reference", 404)])
def test_the_webhook_refuses_forged_wrong_or_unknown_and_changes_nothing(client, tamper, status):
    data, __ = _checkout_online(client)
    payment = _payment(data)
    if tamper == "signature":
        body, headers = signed_body(payment)
        headers["X-Sandbox-Signature"] = "0" * 64
    elif tamper == "amount":
        body, headers = signed_body(payment, amount=payment.amount - 1)
    else:
        body, headers = signed_body(payment, reference="sbx_unknown")
    answer = client.post(NOTIFY_PATH, data=body, headers=headers, csrf=False)
    assert answer.status_code == status
    assert _payment(data).status == "PENDING" and {o.status for o in _orders(data)} == {S.AWAITING_PAYMENT}
    assert count(PaymentEvent) == (0 if tamper == "signature" else 1)  # a believable refusal is kept


def test_the_webhook_answers_a_duplicate_with_200_once_processed(client):
    data, __ = _checkout_online(client)
    body, headers = signed_body(_payment(data))
    first = client.post(NOTIFY_PATH, data=body, headers=headers, csrf=False)
    second = client.post(NOTIFY_PATH, data=body, headers=headers, csrf=False)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.get_json() == {"result": "accepted"} and second.get_json() == {"result": "duplicate"}


def test_another_providers_path_is_a_404(client):
    assert client.post("/payments/notify/stripe", data=b"{}", csrf=False).status_code == 404


def test_the_api_places_online_and_answers_the_payment(client):
    data = setup_cart(client)
    answer = client.post("/api/v1/orders", json={"address_id": str(data["address"].id), "payment_method": "ONLINE"},
                         headers={"Idempotency-Key": "api-online-1"})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert {o["status"] for o in body["orders"]} == {"AWAITING_PAYMENT"}
    payment = body["payment"]
    assert payment["status"] == "PENDING" and payment["amount"] == sum(o["total"] for o in body["orders"])
    assert "/pay/sandbox/" in payment["redirect_url"] and payment["hold_until"]
    again = client.post("/api/v1/orders", json={"address_id": str(data["address"].id), "payment_method": "ONLINE"},
                        headers={"Idempotency-Key": "api-online-1"})
    assert again.status_code == 200 and again.get_json()["payment"]["id"] == payment["id"]


def test_cod_answers_no_payment(client):
    data = setup_cart(client)
    answer = client.post("/api/v1/orders", json={"address_id": str(data["address"].id), "payment_method": "COD"},
                         headers={"Idempotency-Key": "api-cod-1"})
    assert answer.status_code == 201 and answer.get_json()["payment"] is None


def test_the_expire_command_cancels_what_is_due(client, app):
    data, __ = _checkout_online(client)
    payment = _payment(data)
    payment.hold_until = payment.hold_until - timedelta(minutes=20)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["payments", "expire"])
    assert result.exit_code == 0 and "Expired 1 unpaid checkout(s)." in result.output
    assert _payment(data).status == "EXPIRED" and {o.status for o in _orders(data)} == {S.CANCELLED}


def test_the_openapi_document_has_the_payment_fields_and_the_webhook(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    payment = next(schema for name, schema in schemas.items() if name.endswith(".PaymentOut"))
    assert {"redirect_url", "client_secret", "hold_until", "status"} <= set(payment["properties"])
    assert "POST /payments/notify/{provider}" in document["webhooks"]["paymentNotification"]["post"]["summary"]


def test_placing_online_queues_the_expiry_for_when_the_hold_ends(client, queued, redis_conn):
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry
    from rq.serializers import JSONSerializer

    from marketplace import jobs

    data, __ = _checkout_online(client)
    payment = _payment(data)
    registry = ScheduledJobRegistry(jobs.QUEUE_NAME, connection=redis_conn, serializer=JSONSerializer)
    [job_id] = registry.get_job_ids()
    job = Job.fetch(job_id, connection=redis_conn, serializer=JSONSerializer)
    assert job.func_name == "marketplace.jobs.expire_payments"
    assert abs(registry.get_scheduled_time(job) - (payment.hold_until + timedelta(seconds=1))) < timedelta(seconds=1)
    payment.hold_until -= timedelta(minutes=20)
    db.session.commit()
    assert jobs.expire_payments() == 1  # what the worker runs then
    assert _payment(data).status == "EXPIRED"


def test_the_api_reads_a_payment_and_pays_again(client):
    data = setup_cart(client)
    placed = client.post("/api/v1/orders", json={"address_id": str(data["address"].id), "payment_method": "ONLINE"},
                         headers={"Idempotency-Key": "api-online-2"}).get_json()
    payment_id = placed["payment"]["id"]
    read = client.get(f"/api/v1/payments/{payment_id}")
    assert read.status_code == 200 and read.get_json()["status"] == "PENDING"
    again = client.post(f"/api/v1/payments/{payment_id}/attempts")
    assert again.status_code == 201
    assert again.get_json()["redirect_url"] != placed["payment"]["redirect_url"]
    payment = _payment(data)
    assert payment.attempt == 2
    payment.hold_until -= timedelta(minutes=20)
    db.session.commit()
    closed = client.post(f"/api/v1/payments/{payment_id}/attempts")
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "payment_closed"


def test_someone_elses_payment_is_a_404(client):
    from tests.factories import login, make_user

    data = setup_cart(client)
    placed = client.post("/api/v1/orders", json={"address_id": str(data["address"].id), "payment_method": "ONLINE"},
                         headers={"Idempotency-Key": "api-online-3"}).get_json()
    login(client, make_user())
    assert client.get(f"/api/v1/payments/{placed['payment']['id']}").status_code == 404
    assert client.post(f"/api/v1/payments/{placed['payment']['id']}/attempts").status_code == 404
    assert client.post(f"/payments/{placed['payment']['id']}/pay").status_code == 404


def test_the_same_online_checkout_twice_places_once_and_offers_pay_now(client):
    data, page = _checkout_online(client, key="q" * 32)
    again = client.post("/checkout", data=form_data(data, key="q" * 32, payment_method="ONLINE"))
    assert again.status_code == 302 and "/checkout/done/" in again.headers["Location"]
    assert count(CheckoutPayment) == 1 and len(_orders(data)) == 2
    assert "Pay now" in client.get(again.headers["Location"]).get_data(as_text=True)
