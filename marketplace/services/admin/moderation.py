"""Product moderation by admins: hide a product with a reason, unhide it.

A hidden product leaves every listing, search and page at once because the
storefront only shows what services/catalog/visibility.py allows (ACTIVE products).
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditLog, Product, ProductStatus, Shop, User
from marketplace.services.accounts.notifications import notify
from marketplace.services.core import audit
from marketplace.services.core.errors import Conflict, ValidationFailed

REASON_MAX = 500
# What unhide may restore: anything else (a missing or odd audit entry) falls back to ACTIVE.
_RESTORABLE = {ProductStatus.ACTIVE.value, ProductStatus.DRAFT.value}


def clean_reason(reason: str | None, *, required: bool = True, field: str = "reason") -> str | None:
    """Trimmed reason text; refuses an empty one when required, or one that is too long."""
    text = (reason or "").strip()
    if not text:
        if required:
            raise ValidationFailed(_("Give a reason: the owner will see it."), field=field, code="reason_required")
        return None
    if len(text) > REASON_MAX:
        raise ValidationFailed(_("Keep the reason under %(max)d characters.", max=REASON_MAX), field=field,
                               code="reason_too_long")
    return text


def _lock(product: Product) -> Product:
    """Row-lock the product and re-read it, so two admins (or an admin and the seller) can't interleave.

    A plain SELECT of the one row: refresh() would reuse the caller's eager joins, and
    PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    """
    db.session.execute(
        select(Product).where(Product.id == product.id).with_for_update()
        .execution_options(populate_existing=True)
    )
    return product


def hide_product(actor: User, product: Product, reason: str) -> Product:
    """Hide `product` (status HIDDEN + reason), audit it and tell the shop owner.

    Locking: the product row is locked (SELECT ... FOR UPDATE) for the transaction.
    """
    reason = clean_reason(reason)
    _lock(product)
    if product.status == ProductStatus.HIDDEN:
        raise Conflict(_("This product is already hidden."), code="already_hidden")
    if product.status == ProductStatus.DELETED:
        raise Conflict(_("The seller deleted this product; there is nothing to hide."), code="product_deleted")
    previous = product.status
    product.status = ProductStatus.HIDDEN
    product.status_reason = reason
    db.session.flush()
    audit.record(actor, "product.hide", "product", product.id, reason,
                 previous_status=previous.value, title=product.title)
    owner_id = db.session.scalar(select(Shop.owner_id).where(Shop.id == product.shop_id))
    notify(owner_id, "product.hidden", _l("Your product “%(title)s” was hidden by an administrator", title=product.title),
           body=_l("Reason: %(reason)s", reason=reason), link="/seller/products")
    return product


def _status_before_hiding(product: Product) -> ProductStatus:
    previous = db.session.scalar(
        select(AuditLog.data["previous_status"].astext)
        .where(AuditLog.target_type == "product", AuditLog.target_id == product.id,
               AuditLog.action == "product.hide")
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        .limit(1)
    )
    return ProductStatus(previous) if previous in _RESTORABLE else ProductStatus.ACTIVE


def unhide_product(actor: User, product: Product, reason: str | None = None) -> Product:
    """Give a hidden product back the status it had before it was hidden (normally ACTIVE).

    Locking: the product row is locked (SELECT ... FOR UPDATE) for the transaction.
    """
    reason = clean_reason(reason, required=False)
    _lock(product)
    if product.status != ProductStatus.HIDDEN:
        raise Conflict(_("This product is not hidden."), code="not_hidden")
    product.status = _status_before_hiding(product)
    product.status_reason = None
    db.session.flush()
    audit.record(actor, "product.unhide", "product", product.id, reason,
                 restored_status=product.status.value, title=product.title)
    owner_id = db.session.scalar(select(Shop.owner_id).where(Shop.id == product.shop_id))
    notify(owner_id, "product.unhidden", _l("Your product “%(title)s” is visible again", title=product.title),
           body=reason or "", link="/seller/products")
    return product
