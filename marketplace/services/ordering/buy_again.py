""""Buy again": an order's variants put back in the buyer's cart, as far as they can still be bought.

The lines go through the merge of a guest cart (services/cart/cart.py:merge_guest_cart): a
quantity adds to what the cart has, capped at the stock; what is gone, hidden, out of stock or
of the buyer's own shop is left out. Every line not taken over in full is named, with why.
"""
import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Order, OrderItem, User
from marketplace.services.cart.cart import merge_guest_cart
from marketplace.services.core.errors import NotFound


@dataclass
class BuyAgain:
    added: int = 0  # items (units) put in the cart
    problems: list[str] = field(default_factory=list)  # one sentence per line not taken over in full


def buy_again(buyer: User, order_id: uuid.UUID) -> BuyAgain:
    """Add the variants of one of `buyer`'s orders to their cart (someone else's order is NotFound)."""
    items = db.session.execute(
        select(OrderItem.variant_id, OrderItem.product_title, OrderItem.variant_name, OrderItem.quantity)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.id == order_id, Order.buyer_id == buyer.id)
        .order_by(OrderItem.product_title, OrderItem.id)
    ).all()
    if not items:
        raise NotFound(_("We couldn't find that order."))
    result = BuyAgain()
    wanted: dict[uuid.UUID, int] = {}
    for item in items:
        if item.variant_id is None:  # the seller deleted the variant for good
            label = f"{item.product_title} ({item.variant_name})" if item.variant_name else item.product_title
            result.problems.append(_("%(item)s is no longer sold.", item=label))
        else:
            wanted[item.variant_id] = wanted.get(item.variant_id, 0) + item.quantity
    notes = merge_guest_cart(buyer, wanted) if wanted else []
    result.problems += [note.message for note in notes]
    short = {note.variant_id: note.wanted - note.kept for note in notes}
    result.added = sum(quantity - short.get(variant_id, 0) for variant_id, quantity in wanted.items())
    return result
