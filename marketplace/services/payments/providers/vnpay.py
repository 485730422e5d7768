"""VNPay's payment gateway, from its published specification (version 2.1.0, HMAC-SHA512).

An attempt is a signed redirect to VNPay's page; VNPay tells us the outcome twice, with the same
signed fields: by a server-to-server GET to the IPN URL (registered with VNPay, answered with a
JSON RspCode) and by sending the shopper's browser back to vnp_ReturnUrl. Both are read here and
share one event id, so whichever comes first is processed and the other is a duplicate.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus

import requests
from flask_babel import gettext as _

from .base import Ack, BadNotification, Charge, Notification, Outcome, Started
from .errors import ProviderError

log = logging.getLogger(__name__)

VERSION = "2.1.0"
VNPAY_TIME = timezone(timedelta(hours=7))  # every vnp_*Date is GMT+7, yyyyMMddHHmmss
DATE_FORMAT = "%Y%m%d%H%M%S"
SIGNATURE_FIELDS = {"vnp_SecureHash", "vnp_SecureHashType"}
ANSWERS = {  # the IPN answer the specification asks for, always with HTTP 200
    Ack.ACCEPTED: ("00", "Confirm Success"),
    Ack.DUPLICATE: ("02", "Order already confirmed"),
    Ack.UNKNOWN_PAYMENT: ("01", "Order not found"),
    Ack.WRONG_AMOUNT: ("04", "invalid amount"),
    Ack.BAD_SIGNATURE: ("97", "Invalid signature"),
}
# The refund call's signed data: these fields' values, in this order, joined by "|".
REFUND_HASH_FIELDS = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType",
                      "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy",
                      "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo")
REFUND_ANSWER_HASH_FIELDS = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
                             "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
                             "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo")


def hmac_sha512(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def same_hash(expected: str, given: object) -> bool:
    """Constant time, and whatever the sender put there (upper-case hex, non-ASCII, nothing)."""
    return hmac.compare_digest(expected.encode(), str(given or "").lower().encode())


def canonical_query(fields: Mapping[str, str]) -> str:
    """The vnp_ fields sorted by name and URL-encoded as the specification's sample code does
    (quote_plus): both the signed text and, with its hash appended, the redirect's query string."""
    return "&".join(f"{key}={quote_plus(str(fields[key]))}" for key in sorted(fields)
                    if key.startswith("vnp_") and key not in SIGNATURE_FIELDS)


def plain_text(text: str, limit: int = 255) -> str:
    """VNPay takes order info without diacritics or special characters ("Cho Pho order 2 shops")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", re.sub(r"[^A-Za-z0-9 :.,-]", " ", text)).strip()[:limit]


class VNPayProvider:
    name = "vnpay"

    def __init__(self, tmn_code: str, hash_secret: str, *,
                 pay_url: str = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
                 api_url: str = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
                 expire_minutes: int = 15, clock: Callable[[], datetime] | None = None):
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self.pay_url = pay_url
        self.api_url = api_url
        self.expire_minutes = expire_minutes  # VNPay's page closes with the stock hold
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    @classmethod
    def from_config(cls, config: Mapping) -> VNPayProvider:
        return cls(config["VNPAY_TMN_CODE"], config["VNPAY_HASH_SECRET"], pay_url=config["VNPAY_PAY_URL"],
                   api_url=config["VNPAY_API_URL"], expire_minutes=config.get("PAYMENT_HOLD_MINUTES", 15))

    def start(self, charge: Charge) -> Started:
        if charge.currency != "VND":
            raise ProviderError(_("VNPay only accepts payments in Vietnamese đồng (VND)."), code="currency_not_supported")
        now = self.clock().astimezone(VNPAY_TIME)
        created = now.strftime(DATE_FORMAT)
        # The attempt's reference carries its creation time: VNPay's refund call asks for it back.
        reference = f"{charge.payment_id.hex}{created}{charge.attempt}"
        fields = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": charge.amount * 100,  # VNPay's rule: đồng times 100
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": reference,
            "vnp_OrderInfo": plain_text(charge.description),
            "vnp_OrderType": "other",
            "vnp_Locale": "vn" if charge.locale == "vi" else "en",
            "vnp_ReturnUrl": charge.return_url,
            "vnp_IpAddr": charge.client_ip,
            "vnp_CreateDate": created,
            "vnp_ExpireDate": (now + timedelta(minutes=self.expire_minutes)).strftime(DATE_FORMAT),
        }
        query = canonical_query(fields)
        return Started(reference=reference,
                       redirect_url=f"{self.pay_url}?{query}&vnp_SecureHash={hmac_sha512(self.hash_secret, query)}")

    def client_secret(self, reference: str) -> str | None:
        return None  # the shopper pays on the provider's page (Started.redirect_url)

    def read_notification(self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> Notification:
        return self._read(query)

    def read_return(self, query: Mapping[str, str]) -> Notification | None:
        return self._read(query)

    def _read(self, query: Mapping[str, str]) -> Notification:
        """The IPN and the return carry the same fields, signed over all vnp_ ones but the hash itself."""
        fields = {key: query[key] for key in query if key.startswith("vnp_")}
        expected = hmac_sha512(self.hash_secret, canonical_query(fields))
        if not same_hash(expected, fields.get("vnp_SecureHash")):
            raise BadNotification("vnpay: bad or missing vnp_SecureHash")
        if fields.get("vnp_TmnCode") != self.tmn_code:
            raise BadNotification("vnpay: signed for another terminal")
        try:
            reference, amount = fields["vnp_TxnRef"], int(fields["vnp_Amount"])
        except (KeyError, ValueError) as error:
            raise BadNotification(f"vnpay: malformed notification ({error})") from error
        if amount % 100:
            raise BadNotification("vnpay: vnp_Amount is not whole đồng")
        response, status = fields.get("vnp_ResponseCode"), fields.get("vnp_TransactionStatus")
        if response == "00" and status == "00":
            outcome = Outcome.PAID
        elif response == "24":  # the shopper cancelled on VNPay's page
            outcome = Outcome.CANCELLED
        else:
            outcome = Outcome.FAILED
        return Notification(
            event_id=f"{reference}:{fields.get('vnp_TransactionNo', '')}",
            reference=reference,
            outcome=outcome,
            amount=amount // 100,
            currency="VND",
            raw={key: value for key, value in fields.items() if key not in SIGNATURE_FIELDS},
        )

    def acknowledge(self, ack: Ack) -> tuple[bytes | str, int, dict[str, str]]:
        code, message = ANSWERS[ack]
        return f'{{"RspCode":"{code}","Message":"{message}"}}', 200, {"Content-Type": "application/json"}

    def cancel(self, reference: str) -> None:
        """VNPay has no call to close a payment page: it ends at its vnp_ExpireDate (see start)."""

    def refund(self, reference: str, amount: int, currency: str, reason: str, *, idempotency_key: str | None = None,
               partial: bool = False) -> str:
        """A refund of the attempt `reference` through the merchant API: full (vnp_TransactionType 02) or
        partial (03). The request id is our refund's key: VNPay answers a repeated one as a duplicate."""
        now = self.clock().astimezone(VNPAY_TIME)
        fields = {
            "vnp_RequestId": (idempotency_key or uuid.uuid4().hex)[:32],
            "vnp_Version": VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionType": "03" if partial else "02",
            "vnp_TxnRef": reference,
            "vnp_Amount": amount * 100,
            "vnp_TransactionNo": "0",  # optional; VNPay finds the transaction by vnp_TxnRef and its date
            "vnp_TransactionDate": reference[32:46],  # the attempt's vnp_CreateDate (see start)
            "vnp_CreateBy": "marketplace",
            "vnp_CreateDate": now.strftime(DATE_FORMAT),
            "vnp_IpAddr": "127.0.0.1",
            "vnp_OrderInfo": plain_text(reason),
        }
        fields["vnp_SecureHash"] = hmac_sha512(self.hash_secret, "|".join(str(fields[k]) for k in REFUND_HASH_FIELDS))
        try:
            answer = requests.post(self.api_url, json=fields, timeout=(5, 30))
            answer.raise_for_status()
            data = answer.json()
        except (requests.RequestException, ValueError) as error:
            log.warning("vnpay: refund of %s failed: %s", reference, error)
            raise ProviderError(_("The payment service did not make the refund. Please try again later.")) from error
        signed = "|".join(str(data.get(k, "")) for k in REFUND_ANSWER_HASH_FIELDS)
        if not same_hash(hmac_sha512(self.hash_secret, signed), data.get("vnp_SecureHash")):
            log.warning("vnpay: refund answer for %s has a bad signature", reference)
            raise ProviderError(_("The payment service did not make the refund. Please try again later."))
        if data.get("vnp_ResponseCode") != "00":
            log.warning("vnpay: refund of %s refused: %s %s", reference, data.get("vnp_ResponseCode"),
                        data.get("vnp_Message"))
            raise ProviderError(_("The payment service did not make the refund. Please try again later."))
        return str(data.get("vnp_TransactionNo") or fields["vnp_RequestId"])


def from_config(config: Mapping) -> VNPayProvider:
    """What providers.get_provider calls on the module PAYMENT_PROVIDER names."""
    return VNPayProvider.from_config(config)
