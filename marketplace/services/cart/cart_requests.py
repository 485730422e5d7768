"""Idempotent adds to the cart, for the mobile app: a POST /cart/items retried after a timeout
with the same Idempotency-Key adds once.

Locking: the key is claimed first, INSERT ... ON CONFLICT DO NOTHING on the primary key
(user_id, idempotency_key), in the add's own transaction. A concurrent duplicate waits on that
key until the first transaction ends: if it committed, the duplicate is a replay and adds
nothing; if it rolled back (the add was refused, e.g. beyond the stock), the duplicate adds as
the first. A refusal therefore rolls its claim back with it, and a retry is a new attempt.
Each claim forgets the user's keys older than KEPT, in the same statement.
"""
import uuid
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import DateTime, Integer, String, Uuid, bindparam, select, text

from marketplace.extensions import db
from marketplace.models import CartRequest, User
from marketplace.models.base import utcnow
from marketplace.services.cart import cart
from marketplace.services.core.errors import ValidationFailed

KEPT = timedelta(days=1)

# Written out once: SQLAlchemy compiles the dialect's INSERT ... ON CONFLICT again on every call.
# The DELETE leaves the key being claimed alone, so the two never touch the same row.
_CLAIM = text("""
WITH forgotten AS (
    DELETE FROM cart_requests
    WHERE user_id = :user_id AND created_at < :forget_before AND idempotency_key <> :idempotency_key
)
INSERT INTO cart_requests (user_id, idempotency_key, variant_id, quantity, created_at)
VALUES (:user_id, :idempotency_key, :variant_id, :quantity, :created_at)
ON CONFLICT ON CONSTRAINT pk_cart_requests DO NOTHING
RETURNING 1
""").bindparams(bindparam("user_id", type_=Uuid), bindparam("idempotency_key", type_=String),
                bindparam("variant_id", type_=Uuid), bindparam("quantity", type_=Integer),
                bindparam("created_at", type_=DateTime(timezone=True)),
                bindparam("forget_before", type_=DateTime(timezone=True)))

_CLAIMED = select(CartRequest.variant_id, CartRequest.quantity).where(
    CartRequest.user_id == bindparam("user_id"), CartRequest.idempotency_key == bindparam("idempotency_key"))


def add_item(user: User, variant_id: uuid.UUID, quantity: int, idempotency_key: str | None = None) -> bool:
    """cart.add_item, once per idempotency key (none: every call adds). True when the key had
    already added this (a replay: nothing changes); a key reused for another variant or
    quantity is refused (idempotency_key_reused)."""
    if idempotency_key is None:
        cart.add_item(user, variant_id, quantity)
        return False
    quantity = cart.check_quantity(quantity)
    now = utcnow()
    params = {"user_id": user.id, "idempotency_key": idempotency_key}
    claimed = db.session.execute(_CLAIM, {**params, "variant_id": variant_id, "quantity": quantity,
                                          "created_at": now, "forget_before": now - KEPT}).first()
    if claimed is None:
        first = db.session.execute(_CLAIMED, params).one()
        if (first.variant_id, first.quantity) != (variant_id, quantity):
            raise ValidationFailed(_("This Idempotency-Key was used for another add to the cart: send a new key."),
                                   code="idempotency_key_reused", field="Idempotency-Key")
        return True
    cart.add_item(user, variant_id, quantity)
    return False
