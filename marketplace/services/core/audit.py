"""The admin audit log: one append-only row per admin action, in the action's transaction."""
import uuid

from marketplace.extensions import db
from marketplace.models import AuditLog, User


def record(actor: User, action: str, target_type: str, target_id: uuid.UUID | None,
           reason: str | None = None, **data) -> AuditLog:
    """Record `actor` doing `action` (e.g. "shop.approve") to a target; flushed, not committed."""
    entry = AuditLog(actor_id=actor.id, action=action, target_type=target_type, target_id=target_id,
                     reason=reason, data={k: str(v) for k, v in data.items()})
    db.session.add(entry)
    db.session.flush()
    return entry
