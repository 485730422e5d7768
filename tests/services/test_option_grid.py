"""The option grid (services/catalog/option_grid.py) and a product's rules checked all at once
(services/catalog/product_input.py)."""
import pytest

from marketplace.services.catalog import option_grid
from marketplace.services.catalog.option_grid import Axis
from marketplace.services.catalog.product_input import check_product
from marketplace.services.catalog.variant_input import MAX_VARIANTS
from marketplace.services.core.errors import ValidationFailed
from tests.factories import make_category, make_product, make_shop


def test_two_options_make_one_row_per_combination_the_first_varying_slowest():
    axes = option_grid.parse_axes([("Màu", " Đỏ, Xanh ,Đen,"), (" Size", "S, M"), ("", "")])
    assert axes == [Axis("Màu", ("Đỏ", "Xanh", "Đen")), Axis("Size", ("S", "M"))]
    combos = option_grid.combinations(axes)
    assert len(combos) == 6 and combos[0] == {"Màu": "Đỏ", "Size": "S"} and combos[5] == {"Màu": "Đen", "Size": "M"}
    assert option_grid.combinations([]) == [{}]


def test_every_mistake_of_the_options_is_named_at_once():
    with pytest.raises(ValidationFailed) as info:
        option_grid.parse_axes([("", "Đỏ"), ("Size", ""), ("size", "S, s"), ("Màu=x", "Đỏ")])
    assert info.value.fields == {
        "options-0-name": "Name this option, e.g. Màu or Size.",
        "options-1-values": "Give Size its values, separated by commas, e.g. Đỏ, Xanh.",
        "options-2-name": "The option “size” is given twice.",
        "options-2-values": "“s” is given twice.",
        "options-3-name": "Leave =, ; and commas out of an option's name.",
    }


def test_a_grid_larger_than_a_product_may_be_is_refused():
    values = ", ".join(str(n) for n in range(8))
    with pytest.raises(ValidationFailed) as info:
        option_grid.parse_axes([("A", values), ("B", values)])
    assert f"64 combinations; a product can have at most {MAX_VARIANTS}" in info.value.fields["options"]


def test_the_grid_of_existing_variants_keeps_the_order_first_met():
    axes = option_grid.axes_of([{"Màu": "Xanh", "Size": "M"}, {"màu": "Đỏ", "Size": "S"}, {"Màu": "xanh"}, {}])
    assert axes == [Axis("Màu", ("Xanh", "Đỏ")), Axis("Size", ("M", "S"))]
    assert option_grid.options_key({"Size": "M", "Màu": "Đỏ"}) == option_grid.options_key({"màu": "đỏ", "size": "m"})


def test_check_product_reports_every_field_at_once_and_writes_nothing(db_session):
    shop = make_shop()
    make_product(shop=shop, variants=[{"sku": "TAKEN"}], title="Old shirt")
    rows = [{"sku": "", "options": "Size=S", "price": "-3", "stock": "1"},
            {"sku": "TAKEN", "options": "Size=M", "price": "5", "stock": "2"},
            {"sku": "OK-1", "options": "Size=L", "price": "1.999", "stock": "x"}]
    with pytest.raises(ValidationFailed) as info:
        check_product(shop, title="", description="", category_id="", variants=rows)
    assert info.value.fields == {
        "title": "Enter a title.",
        "category_id": "Choose a category.",
        "variants-0-sku": "Enter a SKU.",
        "variants-0-price": "The price must be more than zero.",
        "variants-2-price": "That is not a price: Enter an amount with at most 2 decimals.",
        "variants-2-stock": "Enter the stock as a whole number, e.g. 12.",
        "variants-1-sku": "SKU “TAKEN” is already used by “Old shirt”.",
    }


def test_check_product_returns_the_cleaned_values(db_session):
    shop, category = make_shop(), make_category()
    checked = check_product(shop, title=" Áo ấm ", description="", category_id=str(category.id),
                            variants=[{"sku": "A-1", "options": "", "price": "3", "stock": "1"}])
    assert checked["title"] == "Áo ấm" and checked["category_id"] == category.id
    assert [values["price"] for _, values in checked["rows"]] == [300]
