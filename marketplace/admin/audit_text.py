"""The audit log in words, in one place for the log and a shop's history.

The services record plain strings (services/core/audit.py): ids, status codes, "" for nothing.
An admin reads labels in words, before → after where a value changed, "(empty)" or "none (top
level)" instead of a blank, names instead of ids (looked up by the view in one statement per
kind: admin_queries.audit_id_names), statuses in words, long text cut short. Templates render
it with the `audit_changes` macro of templates/admin/_macros.html.
"""
from dataclasses import dataclass

from marketplace.models import AuditLog

MAX_VALUE = 80
EMPTY = "(empty)"

ACTIONS = {
    "shop.approve": "Approved a shop", "shop.reject": "Rejected a shop", "shop.suspend": "Suspended a shop",
    "shop.reinstate": "Reopened a shop",
    "user.suspend": "Suspended an account", "user.unsuspend": "Lifted a suspension",
    "user.create_admin": "Created an admin", "user.promote_admin": "Made an admin",
    "product.hide": "Hid a product", "product.unhide": "Showed a product again",
    "review.hide": "Hid a review", "review.unhide": "Showed a review again",
    "category.create": "Added a category", "category.rename": "Renamed a category",
    "category.move": "Moved a category", "category.delete": "Deleted a category",
    "order.cancel": "Cancelled an order",
    "job.retry": "Retried a failed job", "job.discard": "Discarded a failed job",
    "job.retry_all": "Retried every failed job",
}

LABELS = {
    "name": "Name", "old_name": "Name", "slug": "Address", "title": "Title", "full_name": "Name",
    "parent_id": "Parent category", "old_parent_id": "Parent category",
    "from_status": "Status", "to_status": "Status", "previous_status": "Status", "restored_status": "Status",
    "product_id": "Product", "rating": "Rating", "number": "Order", "via": "Done with",
    "count": "Jobs", "detached_deleted_products": "Deleted products taken out of it",
}
# (key of the value before, key of the value after): shown as one change.
PAIRS = (("old_name", "name"), ("old_parent_id", "parent_id"), ("from_status", "to_status"))
# What an action implies that its data leaves out: {action: (key, the other side, key is the before)}.
IMPLIED = {
    "product.hide": ("previous_status", "HIDDEN", True),
    "order.cancel": ("previous_status", "CANCELLED", True),
    "product.unhide": ("restored_status", "HIDDEN", False),
}
# Keys that name the target: shown in the Target column, not again among the details.
TARGET_KEYS = ("title", "name", "full_name", "number")
STATUS_KEYS = {"from_status", "to_status", "previous_status", "restored_status"}
# Keys that hold an id, and what their blank means.
ID_KEYS = {"parent_id": "none (top level)", "old_parent_id": "none (top level)", "product_id": "none"}


@dataclass(frozen=True)
class Change:
    label: str
    after: str
    before: str | None = None  # None: one value, not a change


def _cut(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1].rstrip() + "…"


def _status(code: str) -> str:
    return code.replace("_", " ").capitalize()


class AuditText:
    """Words for the entries of one page; `names` maps the ids they mention to names."""

    def __init__(self, names: dict[str, str] | None = None):
        self.names = names or {}

    def action(self, entry: AuditLog) -> str:
        return ACTIONS.get(entry.action, entry.action)

    def target(self, entry: AuditLog) -> str | None:
        """The target's name as the entry recorded it (a shop's, a product's title, an order's number)."""
        data = entry.data or {}
        return next((_cut(data[key]) for key in TARGET_KEYS if data.get(key)), None)

    def value(self, key: str, raw) -> str:
        text = "" if raw is None else str(raw).strip()
        if key in ID_KEYS:
            if not text:
                return ID_KEYS[key]
            return _cut(self.names.get(text) or f"a deleted {'category' if 'parent' in key else 'item'} "
                                                 f"(id {text[:8]}…)")
        if not text:
            return EMPTY
        if key in STATUS_KEYS:
            return _status(text)
        if key == "rating" and text.isdigit():
            return f"{text} of 5 stars"
        return _cut(text)

    def changes(self, entry: AuditLog) -> list[Change]:
        """The entry's data as changes (before → after) and single values, labelled in words."""
        data = dict(entry.data or {})
        found: list[Change] = []
        for before, after in PAIRS:
            if before in data:
                found.append(Change(LABELS[after], self.value(after, data.pop(after, "")),
                                    self.value(before, data.pop(before, ""))))
        if entry.action in IMPLIED and IMPLIED[entry.action][0] in data:
            key, other, key_is_before = IMPLIED[entry.action]
            value, implied = self.value(key, data.pop(key)), _status(other)
            found.append(Change(LABELS[key], implied, value) if key_is_before else Change(LABELS[key], value, implied))
        target = self.target(entry)
        for key in sorted(data):
            if key in TARGET_KEYS and target:
                continue
            label = LABELS.get(key) or key.replace("_", " ").capitalize()
            found.append(Change(label, self.value(key, data[key])))
        return found
