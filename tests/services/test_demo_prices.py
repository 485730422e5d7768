"""The demo's amounts are believable in đồng (its currency) and stay sane in dollars (seed/prices.py)."""
import random
import statistics

import pytest

from marketplace.seed import catalog_data as data
from marketplace.seed import prices

# (leaf, base name): about what it costs in Vietnam, in thousands of đồng
TYPICAL = {("Áo thun", "Áo thun cotton"): 150, ("Áo khoác", "Áo hoodie nỉ"): 350, ("Tai nghe", "Wireless earbuds"): 500,
           ("Ốp lưng & phụ kiện", "Ốp lưng silicon"): 80}


def leaves():
    for _, middles in data.CATEGORIES.values():
        for specs in middles.values():
            yield from specs.items()


@pytest.mark.parametrize("leaf, name", TYPICAL)
def test_everyday_goods_cost_what_they_cost_in_vietnam(leaf, name):
    scheme, (low, high), names, _ = dict(leaves())[leaf]
    assert name in names
    rng = random.Random(leaf)
    typical = statistics.median(prices.price(round(rng.triangular(low, high, low)) * 1000, "VND") for _ in range(500))
    assert 0.5 <= typical / (TYPICAL[leaf, name] * 1000) <= 1.5  # within half of it either way


def test_prices_end_the_way_shops_end_them():
    assert [prices.price(dong, "VND") for dong in (152_000, 99_000, 35_000, 1_250_000, 400)] == [
        159_000, 99_000, 39_000, 1_299_000, 9_000]
    assert [prices.price(dong, "USD") for dong in (149_000, 25_000, 1_000, 9_990_000)] == [599, 99, 99, 39_999]
    assert prices.scaled(149_000, 1.25, "VND") == 186_000 and prices.scaled(599, 1.25, "USD") == 748


def test_voucher_amounts_are_round():
    assert [prices.amount(dong, "VND") for dong in (20_000, 200_000)] == [20_000, 200_000]
    assert [prices.amount(dong, "USD") for dong in (20_000, 200_000, 50_000)] == [100, 800, 200]  # $1, $8, $2


def test_every_range_is_in_thousands_of_dong():
    for leaf, (_, (low, high), _, _) in leaves():
        assert 10 <= low < high <= 100_000, leaf  # 10.000 ₫ to 100.000.000 ₫
