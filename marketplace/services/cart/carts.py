"""One cart for the pages, whoever shops: the account's (`cart_items`) or a guest's (a dict).

The cart views choose one per request and call it without asking who is signed in. The rules
stay where they are (services/cart/cart.py, services/cart/guest_cart.py); this only puts the two carts
behind the same methods. The guest cart never touches the session: each change returns its
new {variant_id: quantity} dict for the caller to store; an account cart's change is in the
database (flushed, committed by the request's unit of work) and returns None.
"""
import uuid
from typing import Protocol

from marketplace.models import User
from marketplace.services.cart import cart, cart_queries, guest_cart
from marketplace.services.cart.cart_queries import CartView

GuestLines = dict[str, int]


class Cart(Protocol):
    buyer: User | None  # the signed-in owner (own-shop flags, their vouchers), None for a guest

    def view(self) -> CartView: ...

    def count(self) -> int:
        """Items in the cart: the units of every line (the header badge and the summary agree)."""
        ...

    def add(self, variant_id, quantity) -> GuestLines | None: ...

    def set_quantity(self, line_id: uuid.UUID, quantity) -> GuestLines | None: ...

    def remove(self, line_id: uuid.UUID) -> GuestLines | None: ...


class AccountCart:
    """A signed-in user's cart. Its count (items: units of every line) after a view() is that
    view's total quantity (every line of cart_items is in it), so the page that has just read the
    cart spends no SUM."""

    def __init__(self, user: User):
        self.buyer = user
        self._items_read: int | None = None

    def view(self) -> CartView:
        view = cart_queries.view_cart(self.buyer)
        self._items_read = view.total_quantity
        return view

    def count(self) -> int:
        if self._items_read is not None:
            return self._items_read
        return cart_queries.cart_count(self.buyer)

    def add(self, variant_id, quantity) -> None:
        self._items_read = None
        cart.add_item(self.buyer, variant_id, quantity)

    def set_quantity(self, line_id: uuid.UUID, quantity) -> None:
        self._items_read = None
        cart.set_quantity(self.buyer, line_id, quantity)

    def remove(self, line_id: uuid.UUID) -> None:
        self._items_read = None
        cart.remove_line(self.buyer, line_id)


class GuestCart:
    """A guest's cart from its {variant_id: quantity} dict; line ids are variant ids. A refused
    change leaves the dict as it was."""

    buyer = None

    def __init__(self, lines: dict | None):
        self.lines = lines or {}

    def view(self) -> CartView:
        return guest_cart.view_guest_cart(self.lines)

    def count(self) -> int:
        return sum(guest_cart.guest_pairs(self.lines).values())

    def add(self, variant_id, quantity) -> GuestLines:
        self.lines = guest_cart.add_item(self.lines, variant_id, quantity)
        return self.lines

    def set_quantity(self, line_id: uuid.UUID, quantity) -> GuestLines:
        self.lines = guest_cart.set_quantity(self.lines, line_id, quantity)
        return self.lines

    def remove(self, line_id: uuid.UUID) -> GuestLines:
        self.lines = guest_cart.remove_line(self.lines, line_id)
        return self.lines
