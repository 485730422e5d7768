"""The guest cart: a {variant_id: quantity} dict the cart blueprint keeps in the Flask session.

The functions take the dict and return a new one; they apply the very rules of the
account cart (services/cart/cart.py), so a guest is refused exactly what a user would be.
Line ids of a guest cart are the variant ids.
"""
import uuid

from flask import current_app
from flask_babel import gettext as _

from marketplace.extensions import db
from marketplace.models import ProductVariant, Shop
from marketplace.services.cart.cart import check_can_hold, check_line_quantity, check_quantity, load_variant
from marketplace.services.cart.cart_queries import CartView, build_view, line_rows
from marketplace.services.core.errors import NotFound, ValidationFailed

GUEST_MAX_LINES = 30  # the guest cart rides in a signed cookie: keep it small


def guest_pairs(lines: dict) -> dict[uuid.UUID, int]:
    """The valid (variant id, quantity >= 1) pairs; anything a tampered cookie could hold is skipped."""
    pairs = {}
    for raw_id, raw_quantity in (lines or {}).items():
        try:
            quantity = int(raw_quantity)
            if quantity >= 1:
                pairs[uuid.UUID(str(raw_id))] = quantity
        except (TypeError, ValueError):
            continue
    return pairs


def view_guest_cart(lines: dict) -> CartView:
    """The same view as `view_cart` for a guest's {variant_id: quantity}; line ids are variant ids."""
    pairs = guest_pairs(lines)
    if not pairs:
        return CartView(groups=[], currency=current_app.config["CURRENCY"])
    rows = db.session.execute(
        line_rows().where(ProductVariant.id.in_(pairs)).order_by(Shop.name, Shop.id, ProductVariant.id)
    ).all()
    return build_view(rows, {vid: (vid, quantity) for vid, quantity in pairs.items()})


def add_item(lines: dict, variant_id, quantity) -> dict[str, int]:
    """cart.add_item for a guest: returns the new dict (keys are variant id strings)."""
    quantity = check_quantity(quantity)
    variant = load_variant(variant_id)
    pairs = guest_pairs(lines)
    if variant.id not in pairs and len(pairs) >= GUEST_MAX_LINES:
        raise ValidationFailed(_("Your cart is full. Log in to add more products."), code="cart_full")
    in_cart = pairs.get(variant.id, 0)
    check_can_hold(variant, in_cart + quantity, in_cart)
    pairs[variant.id] = in_cart + quantity
    return {str(k): v for k, v in pairs.items()}


def set_quantity(lines: dict, variant_id: uuid.UUID, quantity) -> dict[str, int]:
    """cart.set_quantity for a guest."""
    pairs = guest_pairs(lines)
    if variant_id not in pairs:
        raise NotFound(_("That item is not in your cart."))
    quantity = check_line_quantity(quantity)
    check_can_hold(load_variant(variant_id), quantity, 0)
    pairs[variant_id] = quantity
    return {str(k): v for k, v in pairs.items()}


def remove_line(lines: dict, variant_id: uuid.UUID) -> dict[str, int]:
    """cart.remove_line for a guest."""
    pairs = guest_pairs(lines)
    if pairs.pop(variant_id, None) is None:
        raise NotFound(_("That item is not in your cart."))
    return {str(k): v for k, v in pairs.items()}
