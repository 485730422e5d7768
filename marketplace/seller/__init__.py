"""The seller center: the shop's dashboard, products, orders, vouchers, reviews and profile."""
from flask import Blueprint

bp = Blueprint("seller", __name__, url_prefix="/seller")

from marketplace.seller import dashboard, orders, product_form, products, returns, reviews, shop, vouchers  # noqa: E402,F401,E501
from marketplace.seller import money, money_labels  # noqa: E402,F401  (balance, payouts, statements)
