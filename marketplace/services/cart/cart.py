"""Changing a cart, and its rules: one line per (user, variant), a quantity from 1 to 999 and
never more than the stock, nothing from the buyer's own shop (own_shop.py); a guest's cart
taken over at login.

The account cart lives in `cart_items`. A guest's cart is a plain {variant_id: quantity}
dict handled by guest_cart.py with the same rule functions defined here; the pages reach
either through one interface, carts.py. Reading a cart (lines whose product vanished or whose
stock fell are flagged, never silently dropped) is cart_queries.py.
"""
import uuid
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import DateTime, Integer, Uuid, and_, bindparam, delete, func, select, text

from marketplace.extensions import db
from marketplace.models import CartItem, Product, ProductVariant, Shop, User
from marketplace.models.base import utcnow
from marketplace.services.cart.cart_queries import purchasable_column
from marketplace.services.cart.own_shop import OWN_SHOP, is_own_shop, own_shop_message
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.services.core.rows import execute_rows

MAX_QUANTITY = 999


@dataclass(frozen=True)
class MergeNote:
    """A guest or synced line that could not be taken over in full."""

    variant_id: uuid.UUID
    label: str
    wanted: int
    kept: int
    reason: str

    @property
    def message(self) -> str:
        return self.reason


# --- rules shared by the account and guest carts ---------------------------------------

def check_quantity(quantity) -> int:
    """The quantity of an add (1 to MAX_QUANTITY), or ValidationFailed saying the range."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValidationFailed(_("Choose a quantity of at least 1."), code="invalid_quantity", field="quantity")
    if quantity > MAX_QUANTITY:
        raise ValidationFailed(_("Choose at most %(num)d.", num=MAX_QUANTITY), code="invalid_quantity", field="quantity")
    return quantity


def check_line_quantity(quantity) -> int:
    """The new quantity of a line already in the cart: as check_quantity, and a 0 says to use Remove.

    A line's quantity is never set to 0: removing is its own action, so a 0 typed by mistake (or a
    spinner run down) never empties a line the shopper meant to keep."""
    if quantity == 0 and not isinstance(quantity, bool):
        raise ValidationFailed(_("Choose at least 1. To take it out of your cart, use Remove."),
                               code="invalid_quantity", field="quantity")
    return check_quantity(quantity)


def load_variant(variant_id, in_cart_of: User | None = None):
    """The variant as a plain row (id, name, stock, title of its product, owner_id of its shop,
    purchasable), plus `in_cart`, the quantity already in `in_cart_of`'s cart (0 if none), when given."""
    try:
        variant_id = uuid.UUID(str(variant_id))
    except ValueError:
        raise NotFound(_("That product does not exist."), field="variant_id") from None
    if in_cart_of is None:
        rows = execute_rows(_variant_statement(), {"variant_id": variant_id})
    else:
        rows = execute_rows(_variant_in_cart_statement(), {"variant_id": variant_id, "user_id": in_cart_of.id})
    if not rows:
        raise NotFound(_("That product does not exist."), field="variant_id")
    return rows[0]


def _variant_rows():
    return (
        select(ProductVariant.id, ProductVariant.name, ProductVariant.stock, Product.title, Shop.owner_id,
               purchasable_column())
        .join(Product, Product.id == ProductVariant.product_id)
        .join(Shop, Shop.id == Product.shop_id)
    )


@lru_cache(maxsize=1)
def _variant_statement():
    return _variant_rows().where(ProductVariant.id == bindparam("variant_id"))


@lru_cache(maxsize=1)
def _variant_in_cart_statement():
    """The variant and the user's quantity of it in the same statement."""
    return _variant_statement().add_columns(func.coalesce(CartItem.quantity, 0).label("in_cart")).outerjoin(
        CartItem, and_(CartItem.variant_id == ProductVariant.id, CartItem.user_id == bindparam("user_id")))


def _label(variant) -> str:
    return f"{variant.title} ({variant.name})" if variant.name else variant.title


def check_can_hold(variant, total: int, in_cart: int, buyer_id: uuid.UUID | None = None) -> None:
    """Refuse a cart quantity the shop cannot sell now (or not to `buyer_id`, its owner), saying
    what is available (variant: load_variant's row; buyer_id None for a guest)."""
    if is_own_shop(variant.owner_id, buyer_id):
        raise ValidationFailed(own_shop_message(_label(variant)), code=OWN_SHOP, field="variant_id")
    if not variant.purchasable:
        raise ValidationFailed(_("%(item)s is no longer available.", item=_label(variant)), code="unavailable",
                               field="variant_id")
    if variant.stock == 0:
        raise ValidationFailed(_("%(item)s is out of stock.", item=_label(variant)), code="out_of_stock", field="quantity")
    if total > variant.stock:
        if in_cart:
            message = _("Only %(stock)d of %(item)s available; you already have %(num)d in your cart.",
                        stock=variant.stock, item=_label(variant), num=in_cart)
        else:
            message = _("Only %(stock)d of %(item)s available.", stock=variant.stock, item=_label(variant))
        raise ValidationFailed(message, code="insufficient_stock", field="quantity")


# --- the account cart -----------------------------------------------------------------

def _own_line(user: User, line_id) -> CartItem:
    line = db.session.get(CartItem, line_id) if isinstance(line_id, uuid.UUID) else None
    if line is None or line.user_id != user.id:
        raise NotFound(_("That item is not in your cart."))
    return line


# SQLAlchemy compiles the dialect's INSERT ... ON CONFLICT again on every call (it is never
# cached, ~2 ms here), so the upsert is written out once; both forms return (id, quantity).
_UPSERT = """
INSERT INTO cart_items (user_id, variant_id, quantity, id, created_at)
VALUES (:user_id, :variant_id, :quantity, :id, :created_at)
ON CONFLICT ON CONSTRAINT uq_cart_items_user_variant
DO UPDATE SET quantity = {quantity}, updated_at = now()
RETURNING cart_items.id, cart_items.quantity
"""


@lru_cache(maxsize=2)
def _upsert_statement(add: bool):
    return text(_UPSERT.format(quantity="cart_items.quantity + excluded.quantity" if add else "excluded.quantity")
                ).bindparams(bindparam("user_id", type_=Uuid), bindparam("variant_id", type_=Uuid),
                             bindparam("quantity", type_=Integer), bindparam("id", type_=Uuid),
                             bindparam("created_at", type_=DateTime(timezone=True))
                             ).columns(id=Uuid, quantity=Integer)


def _upsert(user_id: uuid.UUID, variant_id: uuid.UUID, quantity: int, add: bool):
    """Insert the line or change its quantity in one statement (safe if two tabs add at once);
    returns the line's (id, quantity) from that same statement."""
    return db.session.execute(_upsert_statement(add), {
        "user_id": user_id, "variant_id": variant_id, "quantity": quantity, "id": uuid.uuid4(), "created_at": utcnow(),
    }).one()


def add_item(user: User, variant_id, quantity):
    """Add `quantity` of a variant to the user's cart (adds to an existing line); returns the
    line's (id, quantity)."""
    quantity = check_quantity(quantity)
    variant = load_variant(variant_id, in_cart_of=user)
    check_can_hold(variant, variant.in_cart + quantity, variant.in_cart, buyer_id=user.id)
    return _upsert(user.id, variant.id, quantity, add=True)


def set_quantity(user: User, line_id, quantity) -> CartItem:
    """Set a line's quantity (1 to the stock; 0 is refused, see ZERO_MESSAGE); another user's line
    is NotFound."""
    line = _own_line(user, line_id)
    quantity = check_line_quantity(quantity)
    check_can_hold(load_variant(line.variant_id), quantity, 0, buyer_id=user.id)
    line.quantity = quantity
    db.session.flush()
    return line


def remove_line(user: User, line_id) -> None:
    """Remove one line of the user's cart; another user's line is NotFound."""
    db.session.delete(_own_line(user, line_id))
    db.session.flush()


def merge_guest_cart(user: User, guest_lines) -> list[MergeNote]:
    """Merge {variant_id: quantity} (or [(variant_id, quantity)]) into the user's cart.

    Quantities add up, capped at the stock; unavailable products and the user's own shop's
    products (a seller who filled a cart before logging in) are left out. Returns a note for
    every line not taken over in full, so the shopper can be told.
    """
    wanted: dict[uuid.UUID, int] = {}
    items = guest_lines.items() if isinstance(guest_lines, dict) else guest_lines
    for raw_id, raw_quantity in items:
        try:
            variant_id, quantity = uuid.UUID(str(raw_id)), int(raw_quantity)
        except (TypeError, ValueError):
            continue
        if quantity >= 1:
            wanted[variant_id] = min(wanted.get(variant_id, 0) + quantity, MAX_QUANTITY)
    if not wanted:
        return []
    rows = db.session.execute(_variant_rows().where(ProductVariant.id.in_(wanted)).order_by(ProductVariant.id)).all()
    existing = dict(db.session.execute(
        select(CartItem.variant_id, CartItem.quantity)
        .where(CartItem.user_id == user.id, CartItem.variant_id.in_(wanted))
    ).all())
    notes = []
    for variant in rows:
        label, quantity, have = _label(variant), wanted[variant.id], existing.get(variant.id, 0)
        if is_own_shop(variant.owner_id, user.id):
            notes.append(MergeNote(variant.id, label, quantity, 0, own_shop_message(label)))
            continue
        if not variant.purchasable:
            notes.append(MergeNote(variant.id, label, quantity, 0, _("%(item)s is no longer available.", item=label)))
            continue
        capped = min(have + quantity, variant.stock, MAX_QUANTITY)
        if capped < have + quantity:
            kept = max(capped - have, 0)
            reason = (_("%(item)s is out of stock.", item=label) if variant.stock == 0
                      else _("Only %(stock)d of %(item)s available: your cart has %(num)d.",
                             stock=variant.stock, item=label, num=max(capped, have)))
            notes.append(MergeNote(variant.id, label, quantity, kept, reason))
        if capped > have:
            _upsert(user.id, variant.id, capped, add=False)
    return notes


def sync_cart(user: User, lines) -> list[MergeNote]:
    """The mobile app's offline cart: [(variant_id, quantity)], merged like a guest cart."""
    return merge_guest_cart(user, lines)


_cart_items = CartItem.__table__
_CLEAR_LINES = (delete(_cart_items)  # a plain DELETE: no ORM bookkeeping of the lines it removes
                .where(_cart_items.c.user_id == bindparam("user_id"),
                       _cart_items.c.id.in_(bindparam("line_ids", expanding=True))))


def clear_lines(user: User, line_ids) -> int:
    """Delete these lines of the user's cart (after checkout) and say how many were deleted; lines
    already loaded stay in the session as they were until the commit expires them."""
    return db.session.execute(_CLEAR_LINES, {"user_id": user.id, "line_ids": list(line_ids)}).rowcount
