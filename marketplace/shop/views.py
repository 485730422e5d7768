"""Storefront pages: the home page and public shop pages."""
from flask import render_template

from marketplace.shop import bp


@bp.get("/")
def home():
    """Anyone: the home page."""
    return render_template("shop/home.html")
