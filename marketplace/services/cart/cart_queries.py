"""Reading a cart: its lines grouped by shop, each flagged when it cannot be bought as it is, in
ONE statement whatever the number of lines; and the header's count. The guest cart builds the
same view from its dict (guest_cart.py)."""
import uuid
from dataclasses import dataclass, field
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import aliased

from marketplace.extensions import db
from marketplace.models import CartItem, Product, ProductImage, ProductVariant, Shop, User
from marketplace.services.cart.own_shop import OWN_SHOP, is_own_shop
from marketplace.services.catalog.visibility import shop_visible_condition, visible_condition
from marketplace.services.core import pricing
from marketplace.services.core.rows import execute_rows

FLAG_UNAVAILABLE = "unavailable"
FLAG_OUT_OF_STOCK = "out_of_stock"
FLAG_LOW_STOCK = "low_stock"


@dataclass
class CartLine:
    id: uuid.UUID  # the cart_items id, or the variant id for a guest line
    variant_id: uuid.UUID
    product_id: uuid.UUID
    shop_id: uuid.UUID
    product_title: str
    variant_name: str
    sku: str
    unit_price: int
    quantity: int
    stock: int
    image_key: str | None
    product_visible: bool = False  # shoppers may open its product page (the cart links it then)
    flag: str | None = None
    flag_message: str | None = None

    @property
    def line_total(self) -> int:
        return pricing.line_total(self.unit_price, self.quantity)

    @property
    def ok(self) -> bool:
        """The line can be checked out as it is."""
        return self.flag is None

    @property
    def label(self) -> str:
        return f"{self.product_title} ({self.variant_name})" if self.variant_name else self.product_title


@dataclass
class ShopGroup:
    shop_id: uuid.UUID
    shop_name: str
    shop_slug: str
    shop_visible: bool = False  # shoppers may open the shop's page (the cart links it then)
    lines: list[CartLine] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        """What the shop's lines cost, counting only lines that can be bought as they are."""
        return sum(line.line_total for line in self.lines if line.ok)


@dataclass
class CartView:
    groups: list[ShopGroup]
    currency: str

    @property
    def lines(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def subtotal(self) -> int:
        return sum(group.subtotal for group in self.groups)

    @property
    def line_count(self) -> int:
        return len(self.lines)

    @property
    def total_quantity(self) -> int:
        """The number of items, as the header badge counts them (units of every line, flagged or not)."""
        return sum(line.quantity for line in self.lines)

    @property
    def has_problems(self) -> bool:
        return any(not line.ok for line in self.lines)

    def group(self, shop_id: uuid.UUID) -> ShopGroup | None:
        return next((g for g in self.groups if g.shop_id == shop_id), None)

    def line(self, line_id: uuid.UUID) -> CartLine | None:
        return next((line for line in self.lines if line.id == line_id), None)


def _flag(line: CartLine, purchasable: bool, own: bool) -> None:
    if own:
        line.flag, line.flag_message = OWN_SHOP, _("From your own shop: you can't buy it. Remove it from your cart.")
    elif not purchasable:
        line.flag, line.flag_message = FLAG_UNAVAILABLE, _("No longer available: remove it from your cart.")
    elif line.stock == 0:
        line.flag, line.flag_message = FLAG_OUT_OF_STOCK, _("Out of stock: remove it or check back later.")
    elif line.stock < line.quantity:
        line.flag = FLAG_LOW_STOCK
        line.flag_message = _("Only %(stock)d left: lower the quantity to %(stock)d or less.", stock=line.stock)


def build_view(rows, quantities: dict[uuid.UUID, tuple[uuid.UUID, int]],
               buyer_id: uuid.UUID | None = None) -> CartView:
    """rows: plain rows of line_rows(); quantities: variant id -> (line id, qty); buyer_id: the
    signed-in owner of the cart, whose own shop's lines are flagged (None for a guest).

    The rows are the only statement whatever the number of lines: each carries its
    picture (the variant's own, else the product's first).
    """
    groups: dict[uuid.UUID, ShopGroup] = {}
    for row in rows:
        line_id, quantity = quantities[row.variant_id]
        line = CartLine(
            id=line_id, variant_id=row.variant_id, product_id=row.product_id, shop_id=row.shop_id,
            product_title=row.title, variant_name=row.name, sku=row.sku,
            unit_price=row.price, quantity=quantity, stock=row.stock,
            image_key=row.thumb, product_visible=row.product_visible,
        )
        _flag(line, row.purchasable, is_own_shop(row.shop_owner_id, buyer_id))
        group = groups.get(row.shop_id)
        if group is None:
            group = groups[row.shop_id] = ShopGroup(row.shop_id, row.shop_name, row.shop_slug, row.shop_visible)
        group.lines.append(line)
    return CartView(groups=list(groups.values()), currency=current_app.config["CURRENCY"])


def purchasable_column():
    """is_purchasable() as a column (the variant exists, its product and shop are visible): the
    cart reads plain rows, not ORM objects, which cost several times more to load."""
    return and_(ProductVariant.deleted_at.is_(None), visible_condition()).label("purchasable")


def line_rows():
    """One plain row per line: the variant, its product and shop, and its picture (the variant's
    own, else its product's first), with whether shoppers may see the product and the shop (the
    cart links their pages only then)."""
    variant_image = aliased(ProductImage)
    return (
        select(ProductVariant.id.label("variant_id"), ProductVariant.name, ProductVariant.sku, ProductVariant.price,
               ProductVariant.stock, Product.id.label("product_id"), Product.title, Shop.id.label("shop_id"),
               Shop.name.label("shop_name"), Shop.slug.label("shop_slug"), Shop.owner_id.label("shop_owner_id"),
               purchasable_column(), visible_condition().label("product_visible"),
               shop_visible_condition().label("shop_visible"),
               func.coalesce(variant_image.thumb_key, Product.thumb_key).label("thumb"))
        .join(Product, Product.id == ProductVariant.product_id)
        .join(Shop, Shop.id == Product.shop_id)
        .outerjoin(variant_image, variant_image.id == ProductVariant.image_id)
    )


@lru_cache(maxsize=1)
def _cart_statement():
    """Built once: the cart is read on every cart page and after every cart change."""
    return (
        line_rows()
        .add_columns(CartItem.id.label("line_id"), CartItem.quantity)
        .join(CartItem, CartItem.variant_id == ProductVariant.id)
        .where(CartItem.user_id == bindparam("user_id"))
        .order_by(Shop.name, Shop.id, CartItem.created_at, CartItem.id)
    )


def view_cart(user: User) -> CartView:
    """The user's cart grouped by shop, each line flagged when it cannot be bought as it is (one statement)."""
    rows = execute_rows(_cart_statement(), {"user_id": user.id})
    return build_view(rows, {row.variant_id: (row.line_id, row.quantity) for row in rows}, buyer_id=user.id)


@lru_cache(maxsize=1)
def _count_statement():
    return select(func.sum(CartItem.quantity)).where(CartItem.user_id == bindparam("user_id"))


def cart_count(user: User) -> int:
    """Number of items (units, as the cart's summary counts them: 2 kettles and a teapot are 3) in
    the user's cart, for the navbar badge: one SUM."""
    return int(db.session.scalar(_count_statement(), {"user_id": user.id}) or 0)
