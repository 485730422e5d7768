"""The admin's payouts queue and the bank's export (read-only)."""
import uuid

from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from marketplace.extensions import db
from marketplace.models import Payout, PayoutStatus
from marketplace.services.core.paging import Page, ranked_newest_first_page

S = PayoutStatus
# Requested first (an admin must decide), then approved (to transfer), then the rest.
RANKS = {S.REQUESTED.value: 0, S.APPROVED.value: 1, S.PAID.value: 2, S.REFUSED.value: 2}
_RANK = case({status: rank for status, rank in RANKS.items()}, value=Payout.status, else_=2)


def queue(status: str | None = None, cursor: str | None = None, limit: int = 30) -> Page[Payout]:
    """Payouts to decide first, newest first within each rank; `status` narrows it to one status."""
    query = select(Payout).options(joinedload(Payout.shop))
    if status:
        query = query.where(Payout.status == status)
    return ranked_newest_first_page(query, _RANK, lambda payout: RANKS.get(payout.status, 2), Payout.created_at,
                                    Payout.id, cursor, limit)


def get(payout_id: uuid.UUID) -> Payout | None:
    return db.session.scalar(select(Payout).options(joinedload(Payout.shop)).where(Payout.id == payout_id))


def approved_for_bank() -> list[Payout]:
    """Every approved payout, oldest first: the transfers the bank is to make (the CSV export)."""
    return list(db.session.scalars(select(Payout).options(joinedload(Payout.shop))
                                   .where(Payout.status == S.APPROVED.value).order_by(Payout.created_at, Payout.id)))
