"""The words the admin pages show for status and role codes (badges, filters, the audit log), in the
viewer's language. The codes themselves stay English: they are the data, the URLs' filters and the API's."""
from flask_babel import lazy_gettext as _l

from marketplace.admin import bp

STATUSES = {
    # accounts, shops and products
    "ACTIVE": _l("Active"), "PENDING": _l("Pending"), "SUSPENDED": _l("Suspended"), "REJECTED": _l("Rejected"),
    "DRAFT": _l("Draft"), "HIDDEN": _l("Hidden"), "DELETED": _l("Deleted"),
    # orders
    "AWAITING_PAYMENT": _l("Pending payment"), "CONFIRMED": _l("Confirmed"), "SHIPPING": _l("Shipping"),
    "DELIVERED": _l("Delivered"), "COMPLETED": _l("Completed"), "CANCELLED": _l("Cancelled"),
}
ROLES = {"BUYER": _l("Buyer"), "SELLER": _l("Seller"), "ADMIN": _l("Admin")}
# What the audit log's entries are about (its Target column and filter).
TARGET_TYPES = {"shop": _l("shop"), "user": _l("user"), "product": _l("product"), "review": _l("review"),
                "category": _l("category"), "order": _l("order"), "job": _l("job")}


def _words(code: str) -> str:
    """A code no label knows yet (a status added later), readable rather than raw."""
    return code.replace("_", " ").capitalize()


@bp.app_template_global("admin_status")
def status(code: str) -> str:
    return str(STATUSES[code]) if code in STATUSES else _words(code)


@bp.app_template_global("admin_role")
def role(code: str) -> str:
    return str(ROLES[code]) if code in ROLES else _words(code)


@bp.app_template_global("admin_target_type")
def target_type(code: str) -> str:
    return str(TARGET_TYPES[code]) if code in TARGET_TYPES else code
