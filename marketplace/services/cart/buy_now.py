""""Buy now": one variant and quantity checked out on their own, beside the cart, never in it.

The checkout of a "Buy now" reads like a cart of one line whose id is the variant's id; the
buyer's cart is neither read nor changed, so after the order its lines are all still there.
Placing it is services/ordering/checkout.py (`buy_now=`); this only checks what the product
page asked for and shows it. Both only read.
"""
import uuid
from dataclasses import dataclass

from flask import current_app

from marketplace.models import ProductVariant, User
from marketplace.services.cart.cart import check_can_hold, check_quantity, load_variant
from marketplace.services.cart.cart_queries import CartView, build_view, line_rows
from marketplace.services.core.rows import execute_rows


@dataclass(frozen=True)
class BuyNow:
    variant_id: uuid.UUID
    quantity: int


def check_buy_now(buyer: User | None, variant_id, quantity) -> BuyNow:
    """What "Buy now" may order, or the reason why not (the very refusals of "Add to cart": a
    quantity from 1 to the stock, nothing unavailable, nothing of the buyer's own shop; buyer
    None for a guest, who is asked to log in next)."""
    quantity = check_quantity(quantity)
    variant = load_variant(variant_id)
    check_can_hold(variant, quantity, 0, buyer_id=buyer.id if buyer is not None else None)
    return BuyNow(variant.id, quantity)


def buy_now_view(buyer: User, buy: BuyNow) -> CartView:
    """The checkout's "cart" of a Buy now: that one line (flagged like a cart line when it can no
    longer be bought as it is), one statement."""
    rows = execute_rows(line_rows().where(ProductVariant.id == buy.variant_id), {})
    if not rows:
        return CartView(groups=[], currency=current_app.config["CURRENCY"])
    return build_view(rows, {buy.variant_id: (buy.variant_id, buy.quantity)}, buyer_id=buyer.id)
