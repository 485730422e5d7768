"""Who may enter the seller center: a seller, acting on their own shop."""
from functools import wraps

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.services.shops import shops
from marketplace.web.auth import seller_required


def shop_required(view):
    """Sellers with a shop only; the view gets it as `shop` (and templates as g.seller_shop).
    A seller without a shop is sent to open one."""

    @wraps(view)
    @seller_required
    def wrapped(*args, **kwargs):
        shop = shops.shop_of(current_user)
        if shop is None:
            flash(_("Open your shop first."), "info")
            return redirect(url_for("seller.register_shop"))
        g.seller_shop = shop
        return view(*args, shop=shop, **kwargs)

    return wrapped
