"""Saved products and followed shops: the "Saved" and "Followed shops" pages, the heart on product
cards and product pages, and the shop page's Follow button."""
from flask import Blueprint

bp = Blueprint("wishlist", __name__)

from marketplace.wishlist import state, views  # noqa: E402,F401
