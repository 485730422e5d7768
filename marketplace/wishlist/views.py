"""The "Saved" and "Followed shops" pages and the two toggles (the heart, the Follow button).

A toggle is a plain form post that returns to the page it came from (its `next`, a path on
this site), with a flash; htmx swaps the button in place instead. A visitor is sent to log in
and comes back to the same page.
"""
import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.services.core.errors import DomainError
from marketplace.services.core.paging import clamp
from marketplace.services.wishlist import follow_queries, follows, wishlist, wishlist_queries
from marketplace.web import unit_of_work
from marketplace.web.auth import login_required
from marketplace.web.htmx import is_htmx, render_htmx
from marketplace.web.redirects import local_path
from marketplace.wishlist import bp, state


def _wanted(field: str) -> bool | None:
    """The state a button asks for ("1" on, "0" off); None (toggle) when absent or anything else."""
    return {"1": True, "0": False}.get(request.form.get(field, ""))


def _to_login(back: str | None, message: str):
    """A visitor: htmx gets 401 (static/js/app.js opens the login form, back to this page)."""
    if is_htmx():
        return "", 401
    flash(message, "info")
    return redirect(url_for("account.login", next=back or url_for("shop.home")))


def _product_page(product_id: uuid.UUID) -> str:
    return url_for("catalog.view_product", product_id=product_id)


@bp.get("/saved")
@login_required
def list_saved():
    """A signed-in shopper: the products they saved, last saved first, with "Load more"."""
    page = wishlist_queries.saved_products(current_user.id, cursor=request.args.get("cursor"),
                                           limit=clamp(request.args.get("limit"), wishlist_queries.DEFAULT_PAGE_SIZE,
                                                       wishlist_queries.MAX_PAGE_SIZE))
    state.saved_already(card.id for card in page.items)
    next_url = url_for("wishlist.list_saved", cursor=page.next_cursor) if page.next_cursor else None
    return render_htmx("wishlist/saved.html", "wishlist/partials/_saved_items.html", targets=("saved-more",),
                       results=page, next_url=next_url)


@bp.post("/saved/<uuid:product_id>")
def toggle_saved(product_id: uuid.UUID):
    """A signed-in shopper: save a visible product or remove a saved one (`saved` = 1 or 0; absent:
    the other way round). Visitors are sent to log in."""
    back = local_path(request.form.get("next"))
    if not current_user.is_authenticated:
        return _to_login(back, _("Log in to save products for later."))
    wanted = _wanted("saved")
    try:
        with unit_of_work.attempt():
            if wanted is None:
                saved = wishlist.toggle(current_user, product_id)
            elif wanted:
                wishlist.save(current_user, product_id)
                saved = True
            else:
                wishlist.remove(current_user, product_id)
                saved = False
    except DomainError as refused:
        if not is_htmx():
            raise
        # The product went away since the page was shown: the heart becomes the reason, and the
        # answer is a success that saves nothing, so that htmx swaps it in.
        unit_of_work.discard()
        return render_template("wishlist/partials/_heart_refused.html", message=refused.message,
                               slot=state.slot("heart", request.headers.get("HX-Trigger")))
    title = wishlist_queries.product_title(product_id)
    if is_htmx():
        return state.heart_html(product_id, title, saved, state.slot("heart", request.headers.get("HX-Trigger")),
                                back or _product_page(product_id))
    if saved:
        flash(_("Saved “%(title)s”. Find it under Saved in your menu.", title=title), "success")
    else:
        flash(_("Removed “%(title)s” from Saved.", title=title), "success")
    return redirect(back or _product_page(product_id))


@bp.get("/following")
@login_required
def list_following():
    """A signed-in shopper: the open shops they follow, last followed first, with "Load more"."""
    page = follow_queries.followed_shops(current_user.id, cursor=request.args.get("cursor"),
                                         limit=clamp(request.args.get("limit"), follow_queries.DEFAULT_PAGE_SIZE,
                                                     follow_queries.MAX_PAGE_SIZE))
    next_url = url_for("wishlist.list_following", cursor=page.next_cursor) if page.next_cursor else None
    return render_htmx("wishlist/following.html", "wishlist/partials/_following_items.html",
                       targets=("following-more",), results=page, next_url=next_url)


@bp.post("/following/<uuid:shop_id>")
def toggle_follow(shop_id: uuid.UUID):
    """A signed-in shopper: follow an open shop or stop following one (`follow` = 1 or 0; absent: the
    other way round). Visitors are sent to log in."""
    back = local_path(request.form.get("next"))
    if not current_user.is_authenticated:
        return _to_login(back, _("Log in to follow shops."))
    wanted = _wanted("follow")
    if wanted is None:
        following = follows.toggle(current_user, shop_id)
    elif wanted:
        follows.follow(current_user, shop_id)
        following = True
    else:
        follows.unfollow(current_user, shop_id)
        following = False
    shop = follow_queries.shop_ref(shop_id)
    shop_page = url_for("shop.view_shop", slug=shop.slug)
    if is_htmx():
        return render_template("wishlist/partials/_follow.html", shop=shop, back=back or shop_page,
                               follow=follow_queries.follow_state(current_user.id, shop_id),
                               slot=state.slot("follow", request.headers.get("HX-Trigger")))
    flash(_("You follow %(shop)s.", shop=shop.name) if following else _("You no longer follow %(shop)s.", shop=shop.name),
          "success")
    return redirect(back or shop_page)
