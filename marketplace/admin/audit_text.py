"""The audit log in words, in one place for the log and a shop's history.

The services record plain strings (services/core/audit.py): ids, status codes, "" for nothing.
An admin reads labels in words, before → after where a value changed, "(empty)" or "none (top
level)" instead of a blank, names instead of ids (looked up by the view in one statement per
kind: admin_queries.audit_id_names), statuses in words, long text cut short. Templates render
it with the `audit_changes` macro of templates/admin/_macros.html. The words are the viewer's
language; the entries keep the plain strings they were recorded with.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.admin import labels
from marketplace.models import AuditLog

MAX_VALUE = 80
EMPTY = _l("(empty)")

ACTIONS = {
    "shop.approve": _l("Approved a shop"), "shop.reject": _l("Rejected a shop"),
    "shop.suspend": _l("Suspended a shop"), "shop.reinstate": _l("Reopened a shop"),
    "user.suspend": _l("Suspended an account"), "user.unsuspend": _l("Lifted a suspension"),
    "user.create_admin": _l("Created an admin"), "user.promote_admin": _l("Made an admin"),
    "product.hide": _l("Hid a product"), "product.unhide": _l("Showed a product again"),
    "review.hide": _l("Hid a review"), "review.unhide": _l("Showed a review again"),
    "category.create": _l("Added a category"), "category.rename": _l("Renamed a category"),
    "category.move": _l("Moved a category"), "category.delete": _l("Deleted a category"),
    "order.cancel": _l("Cancelled an order"),
    "job.retry": _l("Retried a failed job"), "job.discard": _l("Discarded a failed job"),
    "job.retry_all": _l("Retried every failed job"),
}

LABELS = {
    "name": _l("Name"), "old_name": _l("Name"), "slug": _l("Address"), "title": _l("Title"), "full_name": _l("Name"),
    "parent_id": _l("Parent category"), "old_parent_id": _l("Parent category"),
    "from_status": _l("Status"), "to_status": _l("Status"), "previous_status": _l("Status"),
    "restored_status": _l("Status"), "product_id": _l("Product"), "rating": _l("Rating"), "number": _l("Order"),
    "via": _l("Done with"), "count": _l("Jobs"), "detached_deleted_products": _l("Deleted products taken out of it"),
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
ID_KEYS = {"parent_id": _l("none (top level)"), "old_parent_id": _l("none (top level)"), "product_id": _l("none")}


@dataclass(frozen=True)
class Change:
    label: str
    after: str
    before: str | None = None  # None: one value, not a change


def _cut(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1].rstrip() + "…"


class AuditText:
    """Words for the entries of one page; `names` maps the ids they mention to names."""

    def __init__(self, names: dict[str, str] | None = None):
        self.names = names or {}

    def action(self, entry: AuditLog) -> str:
        return str(ACTIONS.get(entry.action, entry.action))

    def target(self, entry: AuditLog) -> str | None:
        """The target's name as the entry recorded it (a shop's, a product's title, an order's number)."""
        data = entry.data or {}
        return next((_cut(data[key]) for key in TARGET_KEYS if data.get(key)), None)

    def value(self, key: str, raw) -> str:
        text = "" if raw is None else str(raw).strip()
        if key in ID_KEYS:
            if not text:
                return str(ID_KEYS[key])
            return _cut(self.names.get(text) or self._deleted(key, text[:8]))
        if not text:
            return str(EMPTY)
        if key in STATUS_KEYS:
            return labels.status(text)
        if key == "rating" and text.isdigit():
            return _("%(rating)s of 5 stars", rating=text)
        return _cut(text)

    @staticmethod
    def _deleted(key: str, short_id: str) -> str:
        if "parent" in key:
            return _("a deleted category (id %(id)s…)", id=short_id)
        return _("a deleted item (id %(id)s…)", id=short_id)

    def changes(self, entry: AuditLog) -> list[Change]:
        """The entry's data as changes (before → after) and single values, labelled in words."""
        data = dict(entry.data or {})
        found: list[Change] = []
        for before, after in PAIRS:
            if before in data:
                found.append(Change(str(LABELS[after]), self.value(after, data.pop(after, "")),
                                    self.value(before, data.pop(before, ""))))
        if entry.action in IMPLIED and IMPLIED[entry.action][0] in data:
            key, other, key_is_before = IMPLIED[entry.action]
            value, implied, label = self.value(key, data.pop(key)), labels.status(other), str(LABELS[key])
            found.append(Change(label, implied, value) if key_is_before else Change(label, value, implied))
        target = self.target(entry)
        for key in sorted(data):
            if key in TARGET_KEYS and target:
                continue
            label = str(LABELS.get(key) or key.replace("_", " ").capitalize())
            found.append(Change(label, self.value(key, data[key])))
        return found
