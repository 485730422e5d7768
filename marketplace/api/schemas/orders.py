"""Order schemas shared by POST /orders (checkout area) and the order pages of the API (orders area).

`OrderOut.from_order(order)` is the one place an Order becomes JSON, so every call that
returns orders answers with the same shape. Money fields are integers in minor units.
"""
import uuid

from pydantic import Field

from marketplace.api.schemas import ApiModel, Moment, multi_line, one_line, whole
from marketplace.storage import media_url


class ShopRef(ApiModel):
    id: uuid.UUID
    name: str


class OrderItemOut(ApiModel):
    id: uuid.UUID
    product_id: uuid.UUID | None
    variant_id: uuid.UUID | None
    product_title: str
    variant_name: str
    sku: str
    unit_price: int
    quantity: int
    line_total: int
    image_url: str | None = None
    refunded_amount: int = Field(0, description="Given back for this line so far (minor units)")
    refunded_quantity: int = Field(0, description="Units given back (returned and refunded)")
    return_quantity: int = Field(0, description="Units in returns not refused or withdrawn")
    review_id: uuid.UUID | None = Field(
        None, description="The buyer's review of this line (PUT /reviews/{id} edits it); null when none is written "
                          "yet: POST /reviews writes one once the order is DELIVERED or COMPLETED")


class ShippingAddressOut(ApiModel):
    recipient_name: str
    phone: str
    line1: str
    line2: str | None = None
    ward: str | None = None
    district: str | None = None
    city: str
    postal_code: str | None = None


class OrderEventOut(ApiModel):
    """One step of the order's timeline."""

    from_status: str | None
    to_status: str
    note: str | None = None
    created_at: Moment


class OrderOut(ApiModel):
    id: uuid.UUID
    number: str
    status: str
    payment_method: str
    shop: ShopRef
    currency: str
    subtotal: int
    shipping_fee: int
    discount: int
    total: int
    voucher_code: str | None = None
    items: list[OrderItemOut]
    shipping_address: ShippingAddressOut
    created_at: Moment
    tracking_number: str | None = None
    cancel_reason: str | None = None
    shipping_refunded: int = Field(0, description="Shipping fee given back so far")
    refunded_total: int = Field(0, description="Everything given back so far: the lines' refunded amounts and shipping")
    events: list[OrderEventOut] = Field(default_factory=list, description="The timeline, oldest first")

    @classmethod
    def from_order(cls, order, review_ids: dict | None = None) -> "OrderOut":
        """Build from an Order with `shop`, `items` and `events` loaded (selectinload them for lists);
        `review_ids`: {line id: review id} (services.review_queries.review_ids_of_lines)."""
        review_ids = review_ids or {}
        return cls(
            id=order.id, number=order.number, status=order.status.value,
            payment_method=order.payment_method.value,
            shop=ShopRef(id=order.shop.id, name=order.shop.name), currency=order.currency,
            subtotal=order.subtotal, shipping_fee=order.shipping_fee, discount=order.discount,
            total=order.total, voucher_code=order.voucher_code,
            items=[
                OrderItemOut(
                    id=item.id, product_id=item.product_id, variant_id=item.variant_id,
                    product_title=item.product_title, variant_name=item.variant_name, sku=item.sku,
                    unit_price=item.unit_price, quantity=item.quantity, line_total=item.line_total,
                    image_url=media_url(item.image_key), review_id=review_ids.get(item.id),
                    refunded_amount=item.refunded_amount, refunded_quantity=item.refunded_quantity,
                    return_quantity=item.return_quantity,
                )
                for item in order.items
            ],
            shipping_address=ShippingAddressOut(
                recipient_name=order.ship_recipient_name, phone=order.ship_phone, line1=order.ship_line1,
                line2=order.ship_line2, ward=order.ship_ward, district=order.ship_district,
                city=order.ship_city, postal_code=order.ship_postal_code,
            ),
            created_at=order.created_at,
            tracking_number=order.tracking_number, cancel_reason=order.cancel_reason,
            shipping_refunded=order.shipping_refunded,
            refunded_total=sum(item.refunded_amount for item in order.items) + order.shipping_refunded,
            events=[
                OrderEventOut(from_status=e.from_status.value if e.from_status else None,
                              to_status=e.to_status.value, note=e.note, created_at=e.created_at)
                for e in order.events
            ],
        )


class PaymentOut(ApiModel):
    """An ONLINE checkout's payment: send the buyer to redirect_url (web) or pay with client_secret (an SDK)."""

    id: uuid.UUID
    status: str = Field(description="PENDING, PAID, EXPIRED, CANCELLED (by the buyer, unpaid) or REFUNDED")
    amount: int = Field(description="The checkout's grand total, in the currency's minor unit")
    currency: str
    provider: str = Field(description="sandbox, stripe or vnpay")
    redirect_url: str | None = Field(None, description="The provider's payment page for this attempt")
    client_secret: str | None = Field(None, description="For the provider's SDK (Stripe's PaymentIntent; the web "
                                                        "pays it on /payments/{id}/card)")
    hold_until: Moment = Field(description="Unpaid by then, the orders are cancelled and their stock released")

    @classmethod
    def of(cls, payment, started) -> "PaymentOut":
        return cls(id=payment.id, status=payment.status, amount=payment.amount, currency=payment.currency,
                   provider=payment.provider, redirect_url=started.redirect_url if started else None,
                   client_secret=started.client_secret if started else None, hold_until=payment.hold_until)


class PlacedOrdersOut(ApiModel):
    """POST /orders answers {"orders": [...], "payment": ...}: one order per shop of the checkout, and
    for payment_method ONLINE the payment that pays them all (null for COD)."""

    orders: list[OrderOut] = Field(description="One order per shop of the checkout")
    payment: PaymentOut | None = Field(None, description="ONLINE only: the one payment of the checkout")


# --- reading and acting on placed orders (orders area) ---------------------------------

class OrdersQuery(ApiModel):
    status: one_line(20) | None = Field(None, description="AWAITING_PAYMENT, PENDING, CONFIRMED, SHIPPING, "
                                                           "DELIVERED, COMPLETED or CANCELLED")
    cursor: one_line(500) | None = Field(None, description="next_cursor of the previous page")
    limit: whole(1, 50) = 20


class OrderListOut(ApiModel):
    items: list[OrderOut]
    next_cursor: str | None = None


class CancelOrderIn(ApiModel):
    reason: multi_line(500) | None = Field(None, description="Optional: why the buyer cancels")
