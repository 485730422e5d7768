"""For every endpoint that takes an id in its URL: how to make the object it names, owned by A.

`OBJECTS[endpoint]` is a Target: `kind` says who owns the object (a buyer, a seller's shop,
only admins may touch it, or a public page whose object is not public), and `build(world)`
makes the object and returns a Made: the URL values, a marker text that only A's data
contains, a valid request body (so a refusal can't hide behind a validation error), and
the request that SHOULD succeed (the owner, or anyone for a public object made visible),
which proves the fixture is right and the refusal comes from the access rule.

A route with a <uuid:...> argument that has no entry here fails test_object_access: add
its entry when the route is added.
"""
import io
import uuid
from marketplace.catalog.views import cached_slug
from collections.abc import Callable
from datetime import timedelta
from dataclasses import dataclass, field

from marketplace.extensions import db
from marketplace.models import (
    CartItem, CheckoutPayment, OrderStatus, ProductImage, ProductStatus, ReviewImage, ShopStatus,
)
from marketplace.models.base import utcnow
from marketplace.services.accounts.notifications import notify
from marketplace.services.reviews.reviews import create_review
from tests.factories import make_category, make_order, make_product, make_shop, make_voucher

ADDRESS_JSON = {"recipient_name": "Mallory", "phone": "+84901111222", "line1": "1 Evil Road", "city": "Hà Nội"}
ADDRESS_FORM = {**ADDRESS_JSON, "line2": "", "ward": "", "district": "", "postal_code": ""}


@dataclass
class Made:
    values: dict
    marker: str | None = None
    json: dict | None = None
    form: dict = field(default_factory=dict)
    # (actor name, values) of a request that must not be refused: "owner" or "anonymous"
    positive: tuple[str, dict] | None = ("owner", None)
    # an API view that takes files (multipart/form-data): field -> [(content, filename)]
    files: dict[str, list[tuple[bytes, str]]] | None = None

    def multipart(self) -> dict:
        """The files as a fresh form body (a sent BytesIO is used up)."""
        return {name: [(io.BytesIO(data), filename) for data, filename in parts]
                for name, parts in (self.files or {}).items()}


@dataclass(frozen=True)
class Target:
    kind: str  # "buyer" | "seller" | "admin" | "public" | "shopper"
    build: Callable


def _address(w):
    return Made({"address_id": w.address_a.id}, "42 Secret Street", json=ADDRESS_JSON, form=ADDRESS_FORM)


def _cart_line(w):
    line = CartItem(user_id=w.buyer_a.id, variant_id=w.product_a.variants[0].id, quantity=2)
    db.session.add(line)
    db.session.flush()
    return Made({"item_id": line.id, "line_id": line.id}, "Alpha Secretkettle", json={"quantity": 1},
                form={"quantity": "1"})


def _notification(w):
    note = notify(w.buyer_a.id, "order.shipped", "Secretparcel shipped", "Your Secretparcel is on its way", "/orders")
    return Made({"notification_id": note.id}, "Secretparcel")


def _order(status=OrderStatus.PENDING):
    def build(w):
        order = make_order(w.buyer_a, w.product_a, status=status, ship_line1="42 Secret Street")
        return Made({"order_id": order.id, "checkout_id": order.checkout_id}, order.number,
                    form={"reason": "Changed my mind", "tracking_number": "TRACK1"}, json={})

    return build


def _payment(w):
    """An ONLINE checkout's payment, still open: its owner may read it, pay it again, come back to it,
    open its card page (the sandbox's goes on to the checkout's page) and cancel it."""
    order = make_order(w.buyer_a, w.product_a, status=OrderStatus.AWAITING_PAYMENT, ship_line1="42 Secret Street")
    payment = CheckoutPayment(buyer_id=w.buyer_a.id, checkout_id=order.checkout_id, provider="sandbox",
                              status="PENDING", amount=order.total, currency=order.currency,
                              hold_until=utcnow() + timedelta(minutes=15), attempt=1, provider_reference="sbx_secret")
    db.session.add(payment)
    db.session.flush()
    return Made({"payment_id": payment.id}, "sbx_secret", json={})


def _hidden_product(w):
    draft = make_product(shop=w.shop_a, category=w.category, title="Draft Secretlamp", status=ProductStatus.DRAFT)
    return Made({"product_id": draft.id}, "Secretlamp", positive=("anonymous", {"product_id": w.product_a.id}))


def _hidden_product_page(w):
    """The product page's address carries the current slug: another one is a 301 to it (seo), so the
    positive case asks with the one the page itself links to."""
    made = _hidden_product(w)
    return Made(made.values, made.marker, positive=("anonymous", {"product_id": w.product_a.id,
                                                                    "slug": cached_slug(w.product_a.title)}))


def _review(w):
    order = make_order(w.buyer_a, w.product_a, status=OrderStatus.DELIVERED)
    review = create_review(w.buyer_a, order.items[0].id, 4, "Secretreview text")
    return Made({"review_id": review.id}, "Secretreview", json={"rating": 1, "body": "Hacked"},
                form={"rating": "1", "body": "Hacked", "reply": "Hacked", "reason": "Spam"})


def _review_photos(w):
    # Not an image: the owner's upload is then refused by content (422) after the access check,
    # so the test proves the access rule without writing files to the app's real storage.
    made = _review(w)
    made.files = {"images": [(b"not an image", "photo.png")]}
    return made


def _review_image(w):
    made = _review(w)
    image = ReviewImage(review_id=made.values["review_id"], storage_key="reviews/secret.webp",
                        thumb_key="reviews/secret-thumb.webp", position=0)
    db.session.add(image)
    db.session.flush()
    return Made({**made.values, "image_id": image.id}, made.marker)


def _saved_hidden_product(w):
    """Saving or removing a product that isn't public: 404 for every shopper, a login for visitors;
    a shopper may save the public one."""
    draft = make_product(shop=w.shop_a, category=w.category, title="Draft Secretlamp", status=ProductStatus.DRAFT)
    return Made({"product_id": draft.id}, "Secretlamp", json={}, form={"saved": "1"},
                positive=("owner", {"product_id": w.product_a.id}))


def _followed_closed_shop(w):
    """Following a shop that isn't open: 404 for every shopper, a login for visitors; a shopper may follow an open one."""
    closed = make_shop(name="Secretshop Closed", status=ShopStatus.SUSPENDED)
    return Made({"shop_id": closed.id}, "Secretshop", json={}, form={"follow": "1"},
                positive=("owner", {"shop_id": w.shop_a.id}))


def _seller_product(w):
    return Made({"product_id": w.product_a.id}, "Alpha Secretkettle",
                form={"title": "Hacked", "category_id": str(w.category.id)})


def _seller_draft(w):
    """A draft of A's shop: only its owner may preview it (shoppers get 404 from the public page)."""
    draft = make_product(shop=w.shop_a, category=w.category, title="Draft Secretlamp", status=ProductStatus.DRAFT)
    return Made({"product_id": draft.id}, "Secretlamp")


def _product_image(w):
    image = ProductImage(product_id=w.product_a.id, storage_key="products/secret.webp",
                         thumb_key="products/secret-thumb.webp", position=0, width=10, height=10)
    db.session.add(image)
    db.session.flush()
    return Made({"product_id": w.product_a.id, "image_id": image.id}, "Alpha Secretkettle",
                form={"direction": "down"})


def _voucher(w):
    voucher = make_voucher(w.shop_a, code="SECRETCODE")
    return Made({"voucher_id": voucher.id}, "SECRETCODE", form={"code": "HACKED", "kind": "FIXED", "value": "1"})


def _admin_category(w):
    category = make_category(name="Secretcategory")
    return Made({"category_id": category.id}, None, form={"name": "Hacked"})


def _admin_product(w):
    return Made({"product_id": w.product_a.id}, None, form={"reason": "Spam"})


def _admin_shop(w):
    return Made({"shop_id": w.shop_a.id}, None, form={"reason": "Spam"})


def _admin_user(w):
    return Made({"user_id": w.buyer_a.id}, "42 Secret Street", form={"reason": "Spam"})


def _admin_job(w):
    # Failed jobs live in Redis, not in the database: an unknown id is all there is to ask for.
    return Made({"job_id": uuid.uuid4()}, None, positive=None)


def _admin_payout(w):
    from marketplace.models import Payout

    payout = Payout(shop_id=w.shop_a.id, amount=5000, currency="USD", bank_name="Secretbank",
                    bank_account_name="A", bank_account_number="99887766")
    db.session.add(payout)
    db.session.flush()
    return Made({"payout_id": payout.id}, "99887766", form={"reason": "Spam", "reference": "FT1"})


def _admin_commission_rate(w):
    from marketplace.models import CommissionRate

    rate = CommissionRate(shop_id=w.shop_a.id, rate_bp=123)
    db.session.add(rate)
    db.session.flush()
    return Made({"rate_id": rate.id}, None, form={})


def _return(w):
    """A return of A's delivered order (by buyer A, to shop A): only they (and the admin) may see it."""
    from marketplace.services.returns import returns

    order = make_order(w.buyer_a, w.product_a, status=OrderStatus.DELIVERED, delivered_at=utcnow(),
                       ship_line1="42 Secret Street")
    request = returns.request_return(w.buyer_a, order.id, {order.items[0].id: 1}, "DAMAGED", "Secretcrack")
    return Made({"return_id": request.id, "order_id": order.id}, request.number,
                form={"tracking_number": "TRACK1", "reason": "Worn", "note": "Look", "restock": "y"},
                json={"note": "Look"},
                positive=None)


def _return_tracking(w):
    made = _return(w)
    made.json = {"tracking_number": "TRACK1"}
    return made


def _return_photos(w):
    # Not an image, as for review photos: the owner's upload is refused by content (422) after the access check.
    made = _return(w)
    made.files = {"images": [(b"not an image", "photo.png")]}
    return made


def _returnable_order(w):
    order = make_order(w.buyer_a, w.product_a, status=OrderStatus.DELIVERED, delivered_at=utcnow(),
                       ship_line1="42 Secret Street")
    return Made({"order_id": order.id}, order.number, positive=("owner", None),
                json={"lines": [{"order_item_id": str(order.items[0].id), "quantity": 1}], "reason": "DAMAGED"},
                form={f"quantity-{order.items[0].id}": "1", "reason": "DAMAGED"})


def _admin_return(w):
    made = _return(w)
    return Made({**made.values}, None, form={"reason": "Decided"}, positive=None)


def _admin_refund(w):
    from marketplace.models import Refund

    order = make_order(w.buyer_a, w.product_a, status=OrderStatus.DELIVERED, delivered_at=utcnow())
    refund = Refund(order_id=order.id, method="COD", status="OWED", items_amount=100, shipping_amount=0, amount=100,
                    currency=order.currency, reason="test")
    db.session.add(refund)
    db.session.flush()
    return Made({"refund_id": refund.id}, None, form={"reason": "VCB 1"}, positive=None)


BUYER, SELLER, ADMIN, PUBLIC = "buyer", "seller", "admin", "public"
SHOPPER = "shopper"  # any signed-in shopper may act on the object if it is public: else 404, a login for visitors

OBJECTS: dict[str, Target] = {
    # account (addresses)
    "account.set_default_address": Target(BUYER, _address),
    "account.delete_address": Target(BUYER, _address),
    "account.edit_address": Target(BUYER, _address),
    "api.update_address": Target(BUYER, _address),
    "api.delete_address": Target(BUYER, _address),
    "api.set_default_address": Target(BUYER, _address),
    # cart
    "cart.update_line": Target(BUYER, _cart_line),
    "cart.remove_line": Target(BUYER, _cart_line),
    "api.update_cart_item": Target(BUYER, _cart_line),
    "api.delete_cart_item": Target(BUYER, _cart_line),
    # notifications
    "notifications.mark_read": Target(BUYER, _notification),
    "api.mark_notification_read": Target(BUYER, _notification),
    # the buyer's orders
    "checkout.confirmation": Target(BUYER, _order()),
    "orders.view_order": Target(BUYER, _order()),
    "orders.cancel_order": Target(BUYER, _order()),
    "orders.confirm_receipt": Target(BUYER, _order(OrderStatus.DELIVERED)),
    "orders.buy_again": Target(BUYER, _order(OrderStatus.COMPLETED)),
    "api.get_order": Target(BUYER, _order()),
    "api.cancel_order": Target(BUYER, _order()),
    "api.confirm_order_receipt": Target(BUYER, _order(OrderStatus.DELIVERED)),
    # the buyer's returns
    "returns.new_return": Target(BUYER, _returnable_order),
    "returns.view_return": Target(BUYER, _return),
    "returns.give_tracking": Target(BUYER, _return),
    "returns.cancel_return": Target(BUYER, _return),
    "returns.dispute_return": Target(BUYER, _return),
    "api.list_order_returns": Target(BUYER, _returnable_order),
    "api.add_return_images": Target(BUYER, _return_photos),
    "api.create_return": Target(BUYER, _returnable_order),
    "api.get_return": Target(BUYER, _return),
    "api.give_return_tracking": Target(BUYER, _return_tracking),
    "api.cancel_return": Target(BUYER, _return),
    "api.dispute_return": Target(BUYER, _return),
    # the buyer's online payments
    "payments.pay": Target(BUYER, _payment),
    "payments.returned": Target(BUYER, _payment),
    "api.get_payment": Target(BUYER, _payment),
    "api.new_attempt": Target(BUYER, _payment),
    "payments.card": Target(BUYER, _payment),
    "payments.cancel": Target(BUYER, _payment),
    "api.cancel_payment": Target(BUYER, _payment),
    # public pages of a product that is not public (a draft)
    "catalog.view_product": Target(PUBLIC, _hidden_product_page),
    "catalog.variant_panel": Target(PUBLIC, _hidden_product),
    "catalog.product_around": Target(PUBLIC, _hidden_product),
    "catalog.recently_viewed": Target(PUBLIC, _hidden_product),
    "reviews.product_reviews": Target(PUBLIC, _hidden_product),
    "reviews.list_reviews": Target(PUBLIC, _hidden_product),
    "api.list_product_reviews": Target(PUBLIC, _hidden_product),
    "api.get_product": Target(PUBLIC, _hidden_product),
    "api.list_product_variants": Target(PUBLIC, _hidden_product),
    # saved products and followed shops (wishlist)
    "wishlist.toggle_saved": Target(SHOPPER, _saved_hidden_product),
    "api.save_product": Target(SHOPPER, _saved_hidden_product),
    "api.unsave_product": Target(SHOPPER, _saved_hidden_product),
    "wishlist.toggle_follow": Target(SHOPPER, _followed_closed_shop),
    "api.follow_shop": Target(SHOPPER, _followed_closed_shop),
    "api.unfollow_shop": Target(SHOPPER, _followed_closed_shop),
    # reviews
    "reviews.edit_review": Target(BUYER, _review),
    "api.update_review": Target(BUYER, _review),
    "api.add_review_images": Target(BUYER, _review_photos),
    "api.delete_review_image": Target(BUYER, _review_image),
    "seller.reply_review": Target(SELLER, _review),
    # seller center
    "seller.view_order": Target(SELLER, _order()),
    "seller.cancel_order": Target(SELLER, _order()),
    "seller.confirm_order": Target(SELLER, _order()),
    "seller.ship_order": Target(SELLER, _order(OrderStatus.CONFIRMED)),
    "seller.deliver_order": Target(SELLER, _order(OrderStatus.SHIPPING)),
    "seller.view_return": Target(SELLER, _return),
    "seller.accept_return": Target(SELLER, _return),
    "seller.refuse_return": Target(SELLER, _return),
    "seller.receive_return": Target(SELLER, _return),
    "seller.edit_product": Target(SELLER, _seller_product),
    "seller.delete_product": Target(SELLER, _seller_product),
    "seller.image_options": Target(SELLER, _seller_product),
    "seller.upload_images": Target(SELLER, _seller_product),
    "seller.publish_product": Target(SELLER, _seller_product),
    "seller.unpublish_product": Target(SELLER, _seller_product),
    "seller.variant_grid": Target(SELLER, _seller_product),
    "seller.preview_product": Target(SELLER, _seller_draft),
    "seller.preview_variant_panel": Target(SELLER, _seller_draft),
    "seller.delete_image": Target(SELLER, _product_image),
    "seller.move_image": Target(SELLER, _product_image),
    "seller.edit_voucher": Target(SELLER, _voucher),
    "seller.deactivate_voucher": Target(SELLER, _voucher),
    # admin: every object is the platform's; others must be refused by role
    "admin.edit_category": Target(ADMIN, _admin_category),
    "admin.delete_category": Target(ADMIN, _admin_category),
    "admin.confirm_delete_category": Target(ADMIN, _admin_category),
    "admin.move_category": Target(ADMIN, _admin_category),
    "admin.rename_category": Target(ADMIN, _admin_category),
    "admin.hide_product": Target(ADMIN, _admin_product),
    "admin.confirm_hide_product": Target(ADMIN, _admin_product),
    "admin.unhide_product": Target(ADMIN, _admin_product),
    "admin.hide_review": Target(ADMIN, _review),
    "admin.confirm_hide_review": Target(ADMIN, _review),
    "admin.unhide_review": Target(ADMIN, _review),
    "admin.view_shop": Target(ADMIN, _admin_shop),
    "admin.approve_shop": Target(ADMIN, _admin_shop),
    "admin.confirm_approve_shop": Target(ADMIN, _admin_shop),
    "admin.confirm_reject_shop": Target(ADMIN, _admin_shop),
    "admin.confirm_suspend_shop": Target(ADMIN, _admin_shop),
    "admin.reject_shop": Target(ADMIN, _admin_shop),
    "admin.suspend_shop": Target(ADMIN, _admin_shop),
    "admin.reinstate_shop": Target(ADMIN, _admin_shop),
    "admin.view_user": Target(ADMIN, _admin_user),
    "admin.suspend_user": Target(ADMIN, _admin_user),
    "admin.confirm_suspend_user": Target(ADMIN, _admin_user),
    "admin.unsuspend_user": Target(ADMIN, _admin_user),
    "admin.view_return": Target(ADMIN, _admin_return),
    "admin.confirm_decide_return": Target(ADMIN, _admin_return),
    "admin.decide_return": Target(ADMIN, _admin_return),
    "admin.confirm_mark_refund_paid": Target(ADMIN, _admin_refund),
    "admin.mark_refund_paid": Target(ADMIN, _admin_refund),
    "admin.discard_failed_job": Target(ADMIN, _admin_job),
    "admin.confirm_approve_payout": Target(ADMIN, _admin_payout),
    "admin.approve_payout": Target(ADMIN, _admin_payout),
    "admin.confirm_paid_payout": Target(ADMIN, _admin_payout),
    "admin.paid_payout": Target(ADMIN, _admin_payout),
    "admin.confirm_refuse_payout": Target(ADMIN, _admin_payout),
    "admin.refuse_payout": Target(ADMIN, _admin_payout),
    "admin.confirm_remove_commission": Target(ADMIN, _admin_commission_rate),
    "admin.remove_commission": Target(ADMIN, _admin_commission_rate),
    "admin.retry_failed_job": Target(ADMIN, _admin_job),
}
