"""Demo amounts are thought in đồng, the demo marketplace's currency (a T-shirt about 150.000 ₫,
earphones about 500.000 ₫), and given in the configured CURRENCY: with USD the same goods cost
what they would in dollars (25.000 ₫ to the dollar), priced the way each market prices them."""
from marketplace.money import exponent

DONG_PER_DOLLAR = 25_000


def price(dong: int, currency: str) -> int:
    """A shop's price near `dong`, in minor units: 149.000 ₫ and 1.299.000 ₫ (shops end prices in 9),
    or $5.99."""
    if currency == "VND":
        thousands = max(dong // 1000, 1)
        step = 10 if thousands < 1000 else 100
        return (thousands // step * step + step - 1) * 1000
    return _dollars(dong) * 10 ** exponent(currency) - (1 if exponent(currency) else 0)


def scaled(amount: int, factor: float, currency: str) -> int:
    """A dearer variant's price (`factor` times `amount`): whole thousands of đồng, or any cent."""
    value = amount * factor
    return int(round(value, -3)) if currency == "VND" else int(value)


def amount(dong: int, currency: str) -> int:
    """A round amount (a voucher's discount or threshold) near `dong`: 20.000 ₫, or whole dollars."""
    return dong if currency == "VND" else _dollars(dong) * 10 ** exponent(currency)


def _dollars(dong: int) -> int:
    return max(round(dong / DONG_PER_DOLLAR), 1)
