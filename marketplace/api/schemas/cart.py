"""Schemas of the cart, checkout (POST /orders) and voucher calls.

Money fields are integers in minor units beside a `currency` field.
"""
import uuid

from pydantic import BaseModel, ConfigDict, Field

from marketplace.api.schemas import ApiModel, Moment, one_line, whole
from marketplace.api.schemas.orders import ShopRef
from marketplace.models import PaymentMethod
from marketplace.services.cart.cart import MAX_QUANTITY
from marketplace.services.core.input_rules import MONEY_MAX, TOTAL_MAX
from marketplace.storage import media_url

Quantity = whole(1, MAX_QUANTITY)
VoucherCode = one_line(40)


class CartItemIn(ApiModel):
    variant_id: uuid.UUID
    quantity: Quantity = 1


class CartQuantityIn(ApiModel):
    quantity: Quantity


class CartSyncItem(ApiModel):
    variant_id: uuid.UUID
    quantity: Quantity


class CartSyncIn(ApiModel):
    items: list[CartSyncItem] = Field(max_length=200, description="The app's offline cart; merged, not replaced")


class CartLineOut(ApiModel):
    id: uuid.UUID
    variant_id: uuid.UUID
    product_id: uuid.UUID
    product_title: str
    variant_name: str
    sku: str
    unit_price: int
    quantity: int
    line_total: int
    stock: int
    image_url: str | None = None
    available: bool = Field(description="False when the line cannot be bought as it is (see flag)")
    flag: str | None = Field(None, description="unavailable, out_of_stock, low_stock or own_shop (a product of "
                                                "the buyer's own shop, which nobody may buy)")
    flag_message: str | None = None


class CartShopOut(ApiModel):
    shop: ShopRef
    subtotal: int
    items: list[CartLineOut]


class CartOut(ApiModel):
    currency: str
    shops: list[CartShopOut]
    subtotal: int = Field(description="Lines that can be bought as they are")
    line_count: int
    total_quantity: int
    has_problems: bool

    @classmethod
    def of(cls, view) -> "CartOut":
        return cls(
            currency=view.currency, subtotal=view.subtotal, line_count=view.line_count,
            total_quantity=view.total_quantity, has_problems=view.has_problems,
            shops=[CartShopOut(
                shop=ShopRef(id=group.shop_id, name=group.shop_name), subtotal=group.subtotal,
                items=[CartLineOut(
                    id=line.id, variant_id=line.variant_id, product_id=line.product_id,
                    product_title=line.product_title, variant_name=line.variant_name, sku=line.sku,
                    unit_price=line.unit_price, quantity=line.quantity, line_total=line.line_total,
                    stock=line.stock, image_url=media_url(line.image_key), available=line.ok,
                    flag=line.flag, flag_message=line.flag_message,
                ) for line in group.lines],
            ) for group in view.groups],
        )


class CartAdjustmentOut(ApiModel):
    variant_id: uuid.UUID
    wanted: int
    kept: int
    message: str


class CartSyncOut(ApiModel):
    cart: CartOut
    adjustments: list[CartAdjustmentOut] = Field(description="Lines not taken over in full, and why")


class BuyNowIn(ApiModel):
    """"Buy now": one variant and quantity ordered on their own, without the cart (which is left as it is)."""

    variant_id: uuid.UUID
    quantity: Quantity = 1


BUY_NOW_HELP = ("Order this one variant and quantity instead of cart lines (\"Buy now\"): the cart is neither "
                "read nor changed. Not with cart_item_ids.")


class PlaceOrdersIn(ApiModel):
    address_id: uuid.UUID
    payment_method: PaymentMethod = PaymentMethod.COD
    cart_item_ids: list[uuid.UUID] | None = Field(None, description="Default: every line of the cart")
    buy_now: BuyNowIn | None = Field(None, description=BUY_NOW_HELP)
    vouchers: dict[uuid.UUID, VoucherCode] | None = Field(None, description="{shop_id: code}, one per shop")
    expected_total: whole(0, TOTAL_MAX) | None = Field(
        None,
        description="The grand total the buyer was shown, in minor units: every shop's subtotal - discount + "
                    "shipping fee, as POST /orders/quote answers it. When given and the total at checkout differs "
                    "(a price or voucher changed), nothing is placed: 409 with code prices_changed and the new "
                    "total in the message; show it, then retry with the same Idempotency-Key and the new "
                    "expected_total. Omitted: no check.",
    )


class QuoteIn(ApiModel):
    cart_item_ids: list[uuid.UUID] | None = Field(
        None, description="Default: every line of the cart that can be bought as it is")
    buy_now: BuyNowIn | None = Field(None, description=BUY_NOW_HELP + " Its line's id is the variant's id.")
    vouchers: dict[uuid.UUID, VoucherCode] | None = Field(None, description="{shop_id: code}, one per shop")


class ShopQuoteOut(ApiModel):
    shop: ShopRef
    cart_item_ids: list[uuid.UUID] = Field(description="The shop's lines priced (flagged lines never are)")
    subtotal: int
    discount: int
    shipping_fee: int
    total: int
    voucher_code: str | None = None
    voucher_error: str | None = Field(None, description="Why the shop's voucher does not apply (then no discount)")


class QuoteOut(ApiModel):
    currency: str
    shops: list[ShopQuoteOut] = Field(description="Shops with at least one line priced")
    cart_item_ids: list[uuid.UUID] = Field(description="Every line priced: send them to POST /orders")
    subtotal: int
    discount: int
    shipping_fee: int
    total: int = Field(description="What POST /orders charges for these lines now: send it as expected_total")
    ready: bool = Field(description="False when no line is priced or a voucher does not apply")

    @classmethod
    def of(cls, preview) -> "QuoteOut":
        return cls(
            currency=preview.currency, subtotal=preview.subtotal, discount=preview.discount,
            shipping_fee=preview.shipping_fee, total=preview.total, ready=preview.ready,
            cart_item_ids=[line.id for shop in preview.shops for line in shop.selected],
            shops=[ShopQuoteOut(
                shop=ShopRef(id=shop.group.shop_id, name=shop.group.shop_name),
                cart_item_ids=[line.id for line in shop.selected], subtotal=shop.subtotal,
                discount=shop.discount, shipping_fee=shop.shipping_fee, total=shop.total,
                voucher_code=shop.voucher_code or None, voucher_error=shop.voucher_error,
            ) for shop in preview.shops if shop.selected],
        )


class IdempotencyHeaders(BaseModel):
    """A retried POST /orders with the same key returns the same orders instead of placing new ones."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    idempotency_key: one_line(100, min_length=1) = Field(alias="Idempotency-Key")


class CartAddHeaders(BaseModel):
    """Optional on POST /cart/items: an add retried with the same key (after a timeout) adds once,
    and answers the cart as it is then (200 instead of 201)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    idempotency_key: one_line(100, min_length=1) | None = Field(None, alias="Idempotency-Key")


class VoucherValidateIn(ApiModel):
    shop_id: uuid.UUID
    code: one_line(40, min_length=1)
    subtotal: whole(0, MONEY_MAX) = Field(description="The shop subtotal in minor units")


class VoucherValidateOut(ApiModel):
    code: str
    discount: int
    currency: str
    description: str


class VoucherOut(ApiModel):
    id: uuid.UUID
    code: str
    kind: str
    value: int = Field(description="Percent (1-100) or an amount in minor units")
    max_discount: int | None
    min_spend: int
    starts_at: Moment
    ends_at: Moment
    description: str
    currency: str


class VoucherListOut(ApiModel):
    items: list[VoucherOut]
    next_cursor: str | None = None


class AvailableVouchersQuery(ApiModel):
    shop_id: uuid.UUID
    subtotal: whole(0, MONEY_MAX) | None = Field(None, description="Only vouchers this shop subtotal qualifies for")
