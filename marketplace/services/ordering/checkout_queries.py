"""What a checkout would cost before it is placed: chosen lines per shop, vouchers, shipping.

Read-only: place_orders (services/ordering/checkout.py) re-checks everything under its locks, with the
same arithmetic (services/core/pricing.py).
"""
import uuid
from dataclasses import dataclass, field

from marketplace.models import User, Voucher
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
