"""What buying costs, in one place: a line, a shop's order (its subtotal, the voucher's discount
and the shipping fee) and the limits the database's INTEGER columns put on them. The cart,
the checkout preview, the API's quote and the checkout itself (under its row locks) all
count with these, so the total a buyer is shown is the total that is charged.

Amounts are in the currency's minor unit.
"""
from flask import current_app

from marketplace.services.core.input_rules import MONEY_MAX


def line_total(unit_price: int, quantity: int) -> int:
    return unit_price * quantity


def shipping_fee(has_lines: bool = True) -> int:
    """The flat fee of one shop's order (SHIPPING_FEE); nothing for a shop with no line chosen."""
    return current_app.config["SHIPPING_FEE"] if has_lines else 0


def order_total(subtotal: int, discount: int, fee: int) -> int:
    """One shop's order: its lines, less its voucher's discount, plus its shipping."""
    return subtotal - discount + fee


def fits_a_line(unit_price: int, quantity: int) -> bool:
    """A line total the order_items column can keep."""
    return line_total(unit_price, quantity) <= MONEY_MAX


def fits_an_order(subtotal: int, fee: int) -> bool:
    """An order whose subtotal and total the orders columns can keep (a discount only lowers it)."""
    return subtotal + fee <= MONEY_MAX


def share_out(amount: int, weights: list[int]) -> list[int]:
    """`amount` split over `weights` in proportion, in whole minor units that add up to it exactly:
    each takes the floor of its share and the largest remainders take the odd units (earlier first
    on a tie). How an order's voucher discount is shared over its lines (order_items.discount_share),
    which bounds what each line can be refunded and what commission it bears."""
    total = sum(weights)
    if not amount or not total:
        return [0] * len(weights)
    shares = [amount * weight // total for weight in weights]
    odd = amount - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in by_remainder[:odd]:
        shares[i] += 1
    return shares
