"""A product's images: upload, order, delete, and which image a variant shows.

Files are stored (services/core/images.py) before the row that points at them; they are
deleted after the commit when an image is removed, unless a placed order still
shows that picture (order lines keep the image key they were placed with).
"""
import uuid

from flask_babel import gettext as _
from sqlalchemy import or_, select

from marketplace.extensions import db
from marketplace.models import OrderItem, Product, ProductImage, Shop
from marketplace.services.catalog.products import check_owner, get_variant
from marketplace.services.core import images
from marketplace.services.core.effects import after_commit
from marketplace.services.core.errors import NotFound, ValidationFailed

MAX_IMAGES = 10


def _get_image(product: Product, image_id) -> ProductImage:
    for image in product.images:
        if str(image.id) == str(image_id):
            return image
    raise NotFound(_("No such image."))


def _renumber(product: Product) -> None:
    for position, image in enumerate(sorted(product.images, key=lambda i: i.position)):
        image.position = position


def too_many_images(room: int, *, on_form: bool = False) -> str:
    """Why more pictures are refused: the limit, and how many still fit (or what to take away: a
    picture chosen on the form is removed, a saved image deleted)."""
    if room > 0:
        return _("A product can have at most %(max)d images. There is room for %(room)d more.", max=MAX_IMAGES,
                 room=room)
    if on_form:
        return _("A product can have at most %(max)d images. Remove one first.", max=MAX_IMAGES)
    return _("A product can have at most %(max)d images. Delete one first.", max=MAX_IMAGES)


def check_room(product: Product, adding: int, field: str = "images") -> None:
    """Refuse `adding` more images past MAX_IMAGES: call it before decoding any of them."""
    if len(product.images) + adding > MAX_IMAGES:
        room = MAX_IMAGES - len(product.images)
        raise ValidationFailed(too_many_images(room), field=field, code="too_many_images")


def add_image(shop: Shop, product: Product, data: bytes, field: str = "images") -> ProductImage:
    """Check, re-encode and store an uploaded image as the product's last picture."""
    check_owner(shop, product)
    check_room(product, 1, field)
    stored = images.store_image(data, "products", field=field, share=True)
    image = ProductImage(storage_key=stored.key, thumb_key=stored.thumb_key, share_key=stored.share_key, width=stored.width,
                         height=stored.height, position=max((i.position for i in product.images), default=-1) + 1)
    product.images.append(image)
    db.session.flush()
    return image


def reorder_images(shop: Shop, product: Product, ordered_ids: list) -> list[ProductImage]:
    """Put the images in the order of `ordered_ids`, which must name each image exactly once."""
    check_owner(shop, product)
    by_id = {str(i.id): i for i in product.images}
    wanted = [str(i) for i in ordered_ids]
    if sorted(wanted) != sorted(by_id):
        raise ValidationFailed(_("The images changed while you were ordering them. Reload the page and try again."),
                               field="images", code="images_changed")
    for position, key in enumerate(wanted):
        by_id[key].position = position
    db.session.flush()
    product.images.sort(key=lambda i: i.position)
    return product.images


def move_image(shop: Shop, product: Product, image_id, offset: int) -> list[ProductImage]:
    """Move one image `offset` places (-1 = earlier, +1 = later), clamped to the ends."""
    order = [i.id for i in sorted(product.images, key=lambda i: i.position)]
    image = _get_image(product, image_id)
    index = order.index(image.id)
    order.insert(max(0, min(len(order) - 1, index + offset)), order.pop(index))
    return reorder_images(shop, product, order)


def delete_image(shop: Shop, product: Product, image_id) -> None:
    """Remove an image (variants showing it fall back to none); its files go after the commit."""
    check_owner(shop, product)
    image = _get_image(product, image_id)
    for variant in product.variants:
        if variant.image_id == image.id:
            variant.image_id = None
    keys = (image.storage_key, image.thumb_key, image.share_key)
    product.images.remove(image)
    _renumber(product)
    db.session.flush()
    in_orders = db.session.scalar(
        select(OrderItem.id).where(or_(OrderItem.image_key == keys[0], OrderItem.image_key == keys[1])).limit(1)
    )
    if in_orders is None:
        after_commit(db.session, images.delete_image, *keys)


def set_variant_image(shop: Shop, product: Product, variant_id, image_id: uuid.UUID | str | None) -> None:
    """Show one of the product's images for a variant (None: the product's first image)."""
    check_owner(shop, product)
    variant = get_variant(product, variant_id)
    variant.image_id = _get_image(product, image_id).id if image_id else None
    db.session.flush()
