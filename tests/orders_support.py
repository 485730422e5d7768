"""Test helpers for the order lifecycle: an order as checkout leaves it (stock taken, voucher claimed)."""
from marketplace.extensions import db
from marketplace.models import OrderItem, OrderStatus, Product, ProductVariant, User, Voucher, VoucherUsage
from tests.factories import login  # noqa: F401 - re-exported: the one sign-in helper
from tests.factories import make_order, make_voucher  # noqa: F401 - make_voucher re-exported for order tests


def placed_order(buyer: User, product: Product, quantity: int = 1, *,
                 extra: list[tuple[ProductVariant, int]] = (), voucher: Voucher | None = None,
                 status: OrderStatus = OrderStatus.PENDING, **fields):
    """make_order plus what checkout does: stock taken for every line, the voucher use claimed."""
    order = make_order(buyer, product, quantity, status=status, **fields)
    product.variants[0].stock -= quantity
    for variant, qty in extra:
        db.session.add(OrderItem(
            order_id=order.id, product_id=variant.product_id, variant_id=variant.id,
            product_title=variant.product.title, variant_name=variant.name, sku=variant.sku,
            unit_price=variant.price, quantity=qty, line_total=variant.price * qty,
        ))
        variant.stock -= qty
        order.subtotal += variant.price * qty
        order.total += variant.price * qty
    if voucher is not None:
        voucher.used_count += 1
        db.session.add(VoucherUsage(voucher_id=voucher.id, user_id=buyer.id, order_id=order.id))
        order.voucher_id, order.voucher_code = voucher.id, voucher.code
    db.session.flush()
    return order
