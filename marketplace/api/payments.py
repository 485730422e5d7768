"""API: an ONLINE checkout's payment — where it stands, a new attempt ("Pay again" after a
decline) while its hold lasts, and cancelling the unpaid checkout. Its first attempt comes with POST /orders; the provider's own
notification (not an API route) is what makes it PAID. Another buyer's payment is 404."""
import uuid

from flask_login import current_user
from spectree import Response

from marketplace.api import bp
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.orders import PaymentOut
from marketplace.api.spec import SESSION, SESSION_CSRF, spec
from marketplace.payments import starting
from marketplace.services.payments import payments
from marketplace.web.auth import login_required


@bp.get("/payments/<uuid:payment_id>")
@login_required
@spec.validate(resp=Response(HTTP_200=PaymentOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut), tags=["orders"],
               security=SESSION)
def get_payment(payment_id: uuid.UUID):
    """Signed-in buyers: one of their payments (PENDING until hold_until, then PAID, EXPIRED, CANCELLED or
    REFUNDED)."""
    return PaymentOut.of(payments.get_payment(current_user, payment_id), None), 200


@bp.post("/payments/<uuid:payment_id>/attempts")
@login_required
@spec.validate(resp=Response(HTTP_201=PaymentOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut, HTTP_409=ErrorOut),
               tags=["orders"], security=SESSION_CSRF)
def new_attempt(payment_id: uuid.UUID):
    """Signed-in buyers: pay again: a new attempt with the provider (its redirect_url or client_secret);
    409 payment_closed once the payment is no longer PENDING or its hold has ended."""
    started = starting.again(current_user, payment_id)
    return PaymentOut.of(payments.get_payment(current_user, payment_id), started), 201


@bp.post("/payments/<uuid:payment_id>/cancel")
@login_required
@spec.validate(resp=Response(HTTP_200=PaymentOut, HTTP_401=ErrorOut, HTTP_404=ErrorOut, HTTP_409=ErrorOut),
               tags=["orders"], security=SESSION_CSRF)
def cancel_payment(payment_id: uuid.UUID):
    """Signed-in buyers: cancel an unpaid checkout, every order of it (stock and voucher uses back); the
    payment becomes CANCELLED and one the provider confirms later is refunded. 409 payment_closed once it
    is PAID (cancel its orders one by one) or already cancelled or expired."""
    return PaymentOut.of(payments.cancel_checkout(current_user, payment_id), None), 200
