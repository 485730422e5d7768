"""What a checkout would cost before it is placed: chosen lines per shop, vouchers, shipping.

Read-only: place_orders (services/ordering/checkout.py) re-checks everything under its locks, with the
same arithmetic (services/core/pricing.py).
"""
import hashlib
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CheckoutRequest, User, Voucher
from marketplace.services.cart.cart_queries import CartLine, CartView, ShopGroup
from marketplace.services.core import pricing
from marketplace.services.ordering.vouchers import VoucherInvalid, available_vouchers, quote


@dataclass
class ShopPreview:
    group: ShopGroup
    selected: list[CartLine]
    shipping_fee: int
    voucher_code: str = ""
    discount: int = 0
    voucher_error: str | None = None
    vouchers: list[Voucher] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        return sum(line.line_total for line in self.selected)

    @property
    def total(self) -> int:
        return pricing.order_total(self.subtotal, self.discount, self.shipping_fee)


@dataclass
class CheckoutPreview:
    shops: list[ShopPreview]
    currency: str

    @property
    def selected_ids(self) -> set[uuid.UUID]:
        return {line.id for shop in self.shops for line in shop.selected}

    @property
    def subtotal(self) -> int:
        return sum(shop.subtotal for shop in self.shops)

    @property
    def shipping_fee(self) -> int:
        return sum(shop.shipping_fee for shop in self.shops)

    @property
    def discount(self) -> int:
        return sum(shop.discount for shop in self.shops)

    @property
    def total(self) -> int:
        return sum(shop.total for shop in self.shops)

    @property
    def total_quantity(self) -> int:
        """Items chosen, counted as the cart counts them (units)."""
        return sum(line.quantity for shop in self.shops for line in shop.selected)

    @property
    def quote_key(self) -> str:
        """What this quote is made of, in a few characters: the lines priced and the voucher that
        applies in each shop. The page sends it back with the order, so that placing it can tell a
        quote the buyer saw from one they changed without seeing it (a voucher typed but never
        applied, a line ticked without JavaScript): that is shown to them, never charged."""
        parts = sorted(str(line_id) for line_id in self.selected_ids)
        parts += sorted(f"{shop.group.shop_id}={shop.voucher_code.upper()}" for shop in self.shops
                        if shop.selected and shop.voucher_code and not shop.voucher_error)
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]

    @property
    def ready(self) -> bool:
        return bool(self.selected_ids) and not any(shop.voucher_error for shop in self.shops)


def preview_checkout(user: User, cart: CartView, selected_ids=None, codes: dict | None = None) -> CheckoutPreview:
    """Price the chosen lines (None: every line that can be bought) with each shop's voucher code.

    A voucher that does not apply keeps its code and says why (`voucher_error`).
    Lines flagged in the cart are never selected.
    """
    wanted = None if selected_ids is None else {uuid.UUID(str(i)) for i in selected_ids}
    codes = {str(k): (v or "").strip() for k, v in (codes or {}).items()}
    usable = available_vouchers([group.shop_id for group in cart.groups], user)
    shops = []
    for group in cart.groups:
        selected = [line for line in group.lines if line.ok and (wanted is None or line.id in wanted)]
        shop = ShopPreview(group=group, selected=selected, shipping_fee=pricing.shipping_fee(bool(selected)),
                           voucher_code=codes.get(str(group.shop_id), ""), vouchers=usable.get(group.shop_id, []))
        if shop.voucher_code and selected:
            try:
                shop.discount = quote(group.shop_id, shop.voucher_code, shop.subtotal, user).discount
            except VoucherInvalid as error:
                shop.voucher_error = error.message
        shops.append(shop)
    return CheckoutPreview(shops=shops, currency=cart.currency)


def placed_checkout(user: User, idempotency_key: str | None) -> uuid.UUID | None:
    """The checkout this page's idempotency key has already placed (a double submit), or None."""
    key = (idempotency_key or "").strip()
    if not key:
        return None
    return db.session.scalar(select(CheckoutRequest.id).where(CheckoutRequest.user_id == user.id,
                                                              CheckoutRequest.idempotency_key == key))
