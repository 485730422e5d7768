"""VNPay adapter, against the published specification (2.1.0): the signed payment URL, the IPN and the
browser return, and the refund call of the merchant API (stubbed at the HTTP layer with `responses`).

The specification's example URL gives the exact text that is signed (its fields sorted and encoded
with quote_plus): test_the_signed_text_is_the_specifications_own_example checks ours against it. Its
hash was made with that demo terminal's secret, which VNPay does not publish, so every expected hash
here is computed independently in the test with hmac/hashlib over the specification's canonical text.
"""
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest
import requests
import responses
from flask_babel import force_locale

from marketplace.services.payments.providers import vnpay
from marketplace.services.payments.providers.base import Ack, BadNotification, Charge, Outcome
from marketplace.services.payments.providers.errors import ProviderError
from marketplace.services.payments.providers.vnpay import VNPayProvider, canonical_query, plain_text

TMN_CODE = "CHOPHO01"
SECRET = "KZ9QWERTY7ASDFGH2ZXCVBNM4POIUYTR"
PAY_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
PAYMENT_ID = uuid.UUID("7d9f4a52-3c1e-4b8a-9a57-0c2f6e1d8b43")
NOW = datetime(2026, 12, 7, 3, 0, 5, tzinfo=timezone.utc)  # 10:00:05 in Hà Nội (GMT+7)
REFERENCE = f"{PAYMENT_ID.hex}202612071000051"

# The specification's example payment URL ("Tạo URL Thanh toán", sandbox.vnpayment.vn/apis/docs/huong-dan-tich-hop/).
SPEC_EXAMPLE = ("vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND"
                "&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5&vnp_OrderType=other"
                "&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl&vnp_TmnCode=DEMOV210&vnp_TxnRef=5"
                "&vnp_Version=2.1.0")


def _hmac512(text: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def _signed(fields: dict, secret: str = SECRET) -> dict:
    """Sign as VNPay does: the vnp_ fields sorted by name, key=quote_plus(value) joined by &, HMAC-SHA512."""
    text = "&".join(f"{key}={quote_plus(str(fields[key]))}" for key in sorted(fields))
    return {**fields, "vnp_SecureHash": _hmac512(text, secret)}


@pytest.fixture
def provider():
    return VNPayProvider(TMN_CODE, SECRET, pay_url=PAY_URL, api_url=API_URL, expire_minutes=15, clock=lambda: NOW)


def _charge(**fields):
    return Charge(**{"payment_id": PAYMENT_ID, "attempt": 1, "amount": 180600, "currency": "VND",
                     "description": "Chợ Phố: đơn hàng 2 shop", "return_url": "https://cho.example/payments/return/7d9f",
                     "notify_url": "https://cho.example/payments/notify/vnpay", "locale": "vi",
                     "client_ip": "203.113.0.9", **fields})


def _ipn(**fields):
    """What VNPay sends the IPN URL (and the return URL) after a successful payment, signed."""
    return _signed({"vnp_Amount": "18060000", "vnp_BankCode": "NCB", "vnp_BankTranNo": "VNP14226112",
                    "vnp_CardType": "ATM", "vnp_OrderInfo": "Cho Pho: don hang 2 shop", "vnp_PayDate": "20261207100312",
                    "vnp_ResponseCode": "00", "vnp_TmnCode": TMN_CODE, "vnp_TransactionNo": "14226112",
                    "vnp_TransactionStatus": "00", "vnp_TxnRef": REFERENCE, **fields})


def test_the_signed_text_is_the_specifications_own_example():
    fields = dict(parse_qsl(SPEC_EXAMPLE))
    assert fields["vnp_OrderInfo"] == "Thanh toan don hang :5"
    assert canonical_query(fields) == SPEC_EXAMPLE
    assert canonical_query({**fields, "vnp_SecureHash": "ab", "vnp_SecureHashType": "HmacSHA512"}) == SPEC_EXAMPLE


def test_start_redirects_to_a_signed_payment_url(provider):
    started = provider.start(_charge())
    url = urlsplit(started.redirect_url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == PAY_URL
    signed_text, _sep, secure_hash = url.query.rpartition("&vnp_SecureHash=")
    assert secure_hash == _hmac512(signed_text)
    fields = dict(parse_qsl(signed_text))
    assert fields == {
        "vnp_Version": "2.1.0", "vnp_Command": "pay", "vnp_TmnCode": TMN_CODE,
        "vnp_Amount": "18060000",  # đồng x 100
        "vnp_CurrCode": "VND", "vnp_TxnRef": REFERENCE, "vnp_OrderInfo": "Cho Pho: don hang 2 shop",
        "vnp_OrderType": "other", "vnp_Locale": "vn", "vnp_ReturnUrl": "https://cho.example/payments/return/7d9f",
        "vnp_IpAddr": "203.113.0.9", "vnp_CreateDate": "20261207100005", "vnp_ExpireDate": "20261207101505",
    }
    assert list(fields) == sorted(fields)
    assert (started.reference, started.client_secret) == (REFERENCE, None)


def test_start_speaks_english_to_an_english_shopper_and_numbers_each_attempt(provider):
    started = provider.start(_charge(locale="en", attempt=3))
    fields = dict(parse_qsl(urlsplit(started.redirect_url).query))
    assert fields["vnp_Locale"] == "en"
    assert started.reference == f"{PAYMENT_ID.hex}202612071000053" == fields["vnp_TxnRef"]


def test_start_refuses_any_currency_but_vnd_in_the_shoppers_language(app, provider):
    with pytest.raises(ProviderError) as refused:
        provider.start(_charge(currency="USD", amount=1250))
    assert refused.value.code == "currency_not_supported"
    assert refused.value.message == "VNPay only accepts payments in Vietnamese đồng (VND)."
    with app.test_request_context(), force_locale("vi"), pytest.raises(ProviderError) as in_vietnamese:
        provider.start(_charge(currency="USD", amount=1250))
    assert in_vietnamese.value.message == "VNPay chỉ nhận thanh toán bằng đồng Việt Nam (VND)."


def test_order_info_loses_its_diacritics_and_special_characters():
    assert plain_text("Chợ Phố order 2 shops") == "Cho Pho order 2 shops"
    assert plain_text("Đơn hàng #12 <b>&amp;</b>") == "Don hang 12 b amp b"
    assert len(plain_text("a" * 300)) == 255


def test_a_paid_ipn_reads_as_a_notification(provider):
    notification = provider.read_notification(b"", {}, _ipn())
    assert notification.reference == REFERENCE and notification.outcome is Outcome.PAID
    assert (notification.amount, notification.currency) == (180600, "VND")
    assert notification.event_id == f"{REFERENCE}:14226112"
    assert notification.raw["vnp_BankCode"] == "NCB" and "vnp_SecureHash" not in notification.raw


def test_the_browser_return_is_verified_the_same_way_and_is_the_same_event(provider):
    returned = provider.read_return(_ipn())
    assert returned is not None and returned.outcome is Outcome.PAID
    assert returned.event_id == provider.read_notification(b"", {}, _ipn()).event_id  # processed once, whichever first


@pytest.mark.parametrize("response, status, outcome", [
    ("00", "00", Outcome.PAID),
    ("24", "02", Outcome.CANCELLED),  # the shopper cancelled on VNPay's page
    ("51", "02", Outcome.FAILED),     # not enough money in the account
    ("11", "02", Outcome.FAILED),     # the payment page expired
    ("00", "01", Outcome.FAILED),     # not completed
])
def test_response_code_and_transaction_status_decide_the_outcome(provider, response, status, outcome):
    query = _ipn(vnp_ResponseCode=response, vnp_TransactionStatus=status, vnp_TransactionNo="0")
    assert provider.read_notification(b"", {}, query).outcome is outcome


def test_the_hash_type_field_and_an_upper_case_hash_are_accepted(provider):
    query = _ipn()
    query = {**query, "vnp_SecureHash": query["vnp_SecureHash"].upper(), "vnp_SecureHashType": "HmacSHA512"}
    assert provider.read_notification(b"", {}, query).outcome is Outcome.PAID


@pytest.mark.parametrize("case", ["forged", "tampered", "missing", "not_hex", "other_terminal", "fraction"])
def test_an_ipn_that_is_not_vnpays_is_refused(provider, case):
    query = _ipn()
    if case == "forged":
        query = _signed({k: v for k, v in query.items() if k != "vnp_SecureHash"}, secret="someone-elses-secret")
    elif case == "tampered":
        query["vnp_Amount"] = "100"
    elif case == "missing":
        del query["vnp_SecureHash"]
    elif case == "not_hex":
        query["vnp_SecureHash"] = "chữ ký"
    elif case == "other_terminal":  # a genuine signature, for another merchant's terminal
        query = _ipn(vnp_TmnCode="OTHER001")
    elif case == "fraction":  # signed, yet not whole đồng
        query = _ipn(vnp_Amount="18060050")
    with pytest.raises(BadNotification):
        provider.read_notification(b"", {}, query)
    with pytest.raises(BadNotification):
        provider.read_return(query)


@pytest.mark.parametrize("ack, code, message", [
    (Ack.ACCEPTED, "00", "Confirm Success"), (Ack.DUPLICATE, "02", "Order already confirmed"),
    (Ack.UNKNOWN_PAYMENT, "01", "Order not found"), (Ack.WRONG_AMOUNT, "04", "invalid amount"),
    (Ack.BAD_SIGNATURE, "97", "Invalid signature"),
])
def test_acknowledge_answers_the_rspcode_the_specification_lists_always_with_200(provider, ack, code, message):
    body, status, headers = provider.acknowledge(ack)
    assert json.loads(body) == {"RspCode": code, "Message": message}
    assert (status, headers) == (200, {"Content-Type": "application/json"})


def _refund_answer(**fields):
    """The merchant API's answer, signed over its pipe-joined fields as the specification lists them."""
    answer = {"vnp_ResponseId": "8a1f", "vnp_Command": "refund", "vnp_ResponseCode": "00",
              "vnp_Message": "Refund success", "vnp_TmnCode": TMN_CODE, "vnp_TxnRef": REFERENCE,
              "vnp_Amount": "18060000", "vnp_BankCode": "NCB", "vnp_PayDate": "20261207100312",
              "vnp_TransactionNo": "14226399", "vnp_TransactionType": "02", "vnp_TransactionStatus": "05",
              "vnp_OrderInfo": "paid after the hold expired", **fields}
    order = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef",
             "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
             "vnp_TransactionStatus", "vnp_OrderInfo")
    return {**answer, "vnp_SecureHash": _hmac512("|".join(answer[k] for k in order))}


@pytest.fixture
def merchant_api():
    with responses.RequestsMock() as mock:
        yield mock


def test_refund_calls_the_merchant_api_signed_as_the_specification_says(provider, merchant_api):
    merchant_api.post(API_URL, json=_refund_answer())
    assert provider.refund(REFERENCE, 180600, "VND", "paid after the hold expired") == "14226399"
    sent = json.loads(merchant_api.calls[0].request.body)
    assert {k: sent[k] for k in ("vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType", "vnp_TxnRef",
                                 "vnp_Amount", "vnp_TransactionDate", "vnp_CreateDate", "vnp_OrderInfo")} == {
        "vnp_Version": "2.1.0", "vnp_Command": "refund", "vnp_TmnCode": TMN_CODE, "vnp_TransactionType": "02",
        "vnp_TxnRef": REFERENCE, "vnp_Amount": 18060000,
        "vnp_TransactionDate": "20261207100005",  # the attempt's vnp_CreateDate
        "vnp_CreateDate": "20261207100005", "vnp_OrderInfo": "paid after the hold expired",
    }
    signed = "|".join(str(sent[k]) for k in (
        "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType", "vnp_TxnRef",
        "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate", "vnp_IpAddr",
        "vnp_OrderInfo"))
    assert sent["vnp_SecureHash"] == _hmac512(signed)
    assert len(sent["vnp_RequestId"]) == 32


@pytest.mark.parametrize("case", ["refused", "bad_signature", "server_error", "unreachable"])
def test_a_refund_not_made_is_a_provider_error(provider, merchant_api, case):
    if case == "refused":  # 94: a refund for this transaction is already being processed
        merchant_api.post(API_URL, json=_refund_answer(vnp_ResponseCode="94", vnp_Message="Duplicate request"))
    elif case == "bad_signature":
        merchant_api.post(API_URL, json={**_refund_answer(), "vnp_Amount": "1"})
    elif case == "server_error":
        merchant_api.post(API_URL, status=502, body="Bad gateway")
    elif case == "unreachable":
        merchant_api.post(API_URL, body=requests.ConnectionError("no route to host"))
    with pytest.raises(ProviderError) as refused:
        provider.refund(REFERENCE, 180600, "VND", "expired")
    assert refused.value.message == "The payment service did not make the refund. Please try again later."


def test_from_config_reads_the_settings():
    config = {"VNPAY_TMN_CODE": TMN_CODE, "VNPAY_HASH_SECRET": SECRET, "VNPAY_PAY_URL": PAY_URL,
              "VNPAY_API_URL": API_URL, "PAYMENT_HOLD_MINUTES": 10}
    for provider in (VNPayProvider.from_config(config), vnpay.from_config(config)):
        assert (provider.name, provider.tmn_code, provider.expire_minutes) == ("vnpay", TMN_CODE, 10)


def test_a_partial_refund_is_type_03_and_our_refund_id_is_the_request_id(provider, merchant_api):
    """Returns refund part of a payment: vnp_TransactionType 03 with the part's amount; the refund's
    id as vnp_RequestId, so VNPay answers a retried request as a duplicate instead of paying twice."""
    merchant_api.post(API_URL, json=_refund_answer(vnp_TransactionType="03", vnp_Amount="5000000"))
    key = uuid.UUID("0b0f5a8e-2f6c-4c51-9d57-6a3e0b7f1c22").hex
    assert provider.refund(REFERENCE, 50000, "VND", "return R1", idempotency_key=key, partial=True) == "14226399"
    sent = json.loads(merchant_api.calls[0].request.body)
    assert (sent["vnp_TransactionType"], sent["vnp_Amount"], sent["vnp_RequestId"]) == ("03", 5000000, key)
