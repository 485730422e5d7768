"""Pictures a seller chose on a product form that isn't saved yet.

Browsers can't refill a file input, so a refused form (or one that remade its rows) would make
the seller pick every picture again. Instead each chosen file is checked and stored at once as
a PendingImage of the seller's shop; the form carries the ids, and saving it turns them into the
product's images (the same files: nothing is copied). Only the shop that stored a pending
picture can use it: another shop's id is refused like one that doesn't exist.

A pending picture nobody saves is swept after KEEP_FOR: its row goes, and its files after the
commit. The sweep runs as sellers upload (a few rows at a time), so no scheduler is needed.
Locking: `owned` locks the rows it returns and the sweep skips locked rows, so a picture being
saved is never swept under it.
"""
import uuid
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import PendingImage, Product, ProductImage, Shop
from marketplace.models.base import utcnow
from marketplace.services.catalog.product_images import MAX_IMAGES, too_many_images
from marketplace.services.catalog.product_images import check_room as check_product_room
from marketplace.services.catalog.products import check_owner
from marketplace.services.core import images
from marketplace.services.core.effects import after_commit
from marketplace.services.core.errors import ValidationFailed

KEEP_FOR = timedelta(hours=24)
SWEEP_BATCH = 50
GONE = _l("A picture you chose earlier is no longer here (removed, or kept too long). Choose it again.")


def check_room(kept: int, adding: int, field: str = "images") -> None:
    """Refuse `adding` more pictures to a form holding `kept` past MAX_IMAGES: call it before
    decoding any of them."""
    if kept + adding > MAX_IMAGES:
        room = MAX_IMAGES - kept
        raise ValidationFailed(too_many_images(room, on_form=True), field=field, code="too_many_images")


def keep_upload(shop: Shop, data: bytes, *, kept: int = 0, field: str = "images") -> PendingImage:
    """Check and store one chosen file for `shop`'s form, which already holds `kept` pictures."""
    check_room(kept, 1, field)
    stored = images.store_image(data, "products", field=field, share=True)
    pending = PendingImage(shop_id=shop.id, storage_key=stored.key, thumb_key=stored.thumb_key, share_key=stored.share_key,
                           width=stored.width, height=stored.height)
    db.session.add(pending)
    db.session.flush()
    sweep()
    return pending


def owned(shop: Shop, ids: list, field: str = "images") -> list[PendingImage]:
    """The pending pictures `ids` names, in that order, locked: each must be `shop`'s (and still
    here), or nothing is returned and ValidationFailed says so."""
    wanted = []
    for value in ids:
        try:
            wanted.append(uuid.UUID(str(value)))
        except ValueError:
            raise ValidationFailed(str(GONE), field=field, code="pending_image_gone") from None
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return []
    found = {p.id: p for p in db.session.scalars(
        select(PendingImage).where(PendingImage.id.in_(wanted), PendingImage.shop_id == shop.id)
        .order_by(PendingImage.id).with_for_update())}
    if len(found) != len(wanted):
        raise ValidationFailed(str(GONE), field=field, code="pending_image_gone")
    return [found[i] for i in wanted]


def attach(shop: Shop, product: Product, pending: list[PendingImage], field: str = "images") -> list[ProductImage]:
    """Make `pending` (from `owned`) the product's next images, in order."""
    check_owner(shop, product)
    check_product_room(product, len(pending), field)
    position = max((i.position for i in product.images), default=-1)
    added = []
    for n, item in enumerate(pending, 1):
        image = ProductImage(storage_key=item.storage_key, thumb_key=item.thumb_key, share_key=item.share_key, width=item.width,
                             height=item.height, position=position + n)
        product.images.append(image)
        added.append(image)
        db.session.delete(item)
    db.session.flush()
    return added


def discard(pending: list[PendingImage]) -> None:
    """The seller removed these pictures from the form: their rows go now, their files after the commit."""
    for item in pending:
        db.session.delete(item)
        after_commit(db.session, images.delete_image, item.storage_key, item.thumb_key, item.share_key)
    db.session.flush()


def sweep(now=None) -> int:
    """Forget up to SWEEP_BATCH pending pictures older than KEEP_FOR (rows now, files after the commit)."""
    cutoff = (now or utcnow()) - KEEP_FOR
    stale = list(db.session.scalars(
        select(PendingImage).where(PendingImage.created_at < cutoff).order_by(PendingImage.created_at)
        .limit(SWEEP_BATCH).with_for_update(skip_locked=True)))
    if stale:
        discard(stale)
    return len(stale)
