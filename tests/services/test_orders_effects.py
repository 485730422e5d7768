"""What each order transition does besides the status: stock, vouchers, sold_count, events,
notifications, SMS, audit, authorization and input checks."""
import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (
    AuditLog, Notification, OrderEvent, OrderStatus, Product, ProductVariant, Role, Voucher, VoucherUsage,
)
from marketplace.models.base import utcnow
from marketplace.services.core.errors import NotFound, ValidationFailed
from marketplace.services.ordering import orders
from tests.factories import make_order, make_product, make_shop, make_user
from tests.orders_support import make_voucher, placed_order

S = OrderStatus


@pytest.fixture
def world():
    buyer = make_user(phone="+84907770001")
    shop = make_shop()
    product = make_product(shop=shop, variants=[{"stock": 10, "price": 2000}, {"stock": 5, "price": 3000}])
    other = make_product(shop=shop, variants=[{"stock": 7}])
    return {"buyer": buyer, "shop": shop, "seller": shop.owner, "product": product, "other": other,
            "admin": make_user(role=Role.ADMIN), "bystander": make_user()}


def _stock(variant_id):
    return db.session.scalar(select(ProductVariant.stock).where(ProductVariant.id == variant_id))


def _sold(product_id):
    return db.session.scalar(select(Product.sold_count).where(Product.id == product_id))


def _notifications():
    return db.session.execute(select(Notification.user_id, Notification.kind).order_by(Notification.created_at)).all()


def _order_with_everything(world, status=S.PENDING):
    voucher = make_voucher(world["shop"], usage_limit=10, used_count=2)  # two uses by other orders already
    second, third = world["product"].variants[1], world["other"].variants[0]
    order = placed_order(world["buyer"], world["product"], 3, extra=[(second, 2), (third, 4)],
                         voucher=voucher, status=status)
    return order, voucher


@pytest.mark.parametrize("who", ["buyer", "seller", "admin"])
def test_cancel_restocks_every_line_exactly_and_returns_the_voucher_use(world, who):
    order, voucher = _order_with_everything(world)
    first, second, third = world["product"].variants[0], world["product"].variants[1], world["other"].variants[0]
    assert (_stock(first.id), _stock(second.id), _stock(third.id)) == (7, 3, 3)
    other_order = placed_order(world["bystander"], world["other"], 1, voucher=voucher)

    cancel = {"buyer": orders.cancel_by_buyer, "seller": orders.cancel_by_seller, "admin": orders.cancel_by_admin}[who]
    cancel(world[who], order.id, "Changed my mind")

    assert (_stock(first.id), _stock(second.id), _stock(third.id)) == (10, 5, 6)
    # two earlier uses + the other order's; ours came back
    assert db.session.scalar(select(Voucher.used_count).where(Voucher.id == voucher.id)) == 3
    usages = db.session.scalars(select(VoucherUsage.order_id).where(VoucherUsage.voucher_id == voucher.id)).all()
    assert usages == [other_order.id]
    assert order.cancel_reason == "Changed my mind"


def test_cancel_restocks_a_soft_deleted_variant_and_skips_a_vanished_one(world):
    order, _ = _order_with_everything(world)
    first, second = world["product"].variants[0], world["product"].variants[1]
    first.deleted_at = utcnow()
    for item in order.items:
        if item.variant_id == second.id:
            item.variant_id = None  # the variant row was removed for good
    db.session.flush()
    orders.cancel_by_seller(world["seller"], order.id, "Discontinued")
    assert _stock(first.id) == 10
    assert _stock(second.id) == 3


def test_cancelling_twice_gives_nothing_back_twice(world):
    order, voucher = _order_with_everything(world)
    orders.cancel_by_buyer(world["buyer"], order.id)
    with pytest.raises(orders.TransitionNotAllowed):
        orders.cancel_by_admin(world["admin"], order.id, "Fraud")
    assert _stock(world["product"].variants[0].id) == 10
    assert db.session.scalar(select(Voucher.used_count).where(Voucher.id == voucher.id)) == 2


def test_sold_count_counts_delivered_units_only(world):
    order, _ = _order_with_everything(world, status=S.SHIPPING)
    product, other = world["product"], world["other"]
    assert (_sold(product.id), _sold(other.id)) == (0, 0)
    orders.deliver_order(world["seller"], order.id)
    assert (_sold(product.id), _sold(other.id)) == (5, 4)
    orders.confirm_receipt(world["buyer"], order.id)
    assert (_sold(product.id), _sold(other.id)) == (5, 4)


def test_admin_cancelling_a_delivered_order_takes_its_units_off_sold_count(world):
    order, _ = _order_with_everything(world, status=S.SHIPPING)
    orders.deliver_order(world["seller"], order.id)
    orders.cancel_by_admin(world["admin"], order.id, "Counterfeit goods")
    assert (_sold(world["product"].id), _sold(world["other"].id)) == (0, 0)
    entry = db.session.scalars(select(AuditLog).where(AuditLog.target_id == order.id)).one()
    assert (entry.action, entry.actor_id, entry.reason) == ("order.cancel", world["admin"].id, "Counterfeit goods")


def test_full_journey_writes_one_event_per_step_with_actor_and_note(world):
    order = make_order(world["buyer"], world["product"], 2)
    seller, buyer = world["seller"], world["buyer"]
    orders.confirm_order(seller, order.id)
    orders.ship_order(seller, order.id, "  GHN-0042  ")
    orders.deliver_order(seller, order.id)
    orders.confirm_receipt(buyer, order.id)
    events = db.session.execute(
        select(OrderEvent.actor_id, OrderEvent.from_status, OrderEvent.to_status, OrderEvent.note)
        .where(OrderEvent.order_id == order.id).order_by(OrderEvent.created_at)
    ).all()
    assert events == [
        (buyer.id, None, S.PENDING, None),
        (seller.id, S.PENDING, S.CONFIRMED, None),
        (seller.id, S.CONFIRMED, S.SHIPPING, "Tracking number: GHN-0042"),
        (seller.id, S.SHIPPING, S.DELIVERED, None),
        (buyer.id, S.DELIVERED, S.COMPLETED, None),
    ]
    assert order.tracking_number == "GHN-0042"
    assert order.delivered_at is not None and order.completed_at is not None
    assert order.completed_at >= order.delivered_at


@pytest.mark.parametrize(("status", "step", "who", "kind", "to"), [
    (S.PENDING, lambda w, o: orders.confirm_order(w["seller"], o), "seller", "order.confirmed", "buyer"),
    (S.CONFIRMED, lambda w, o: orders.ship_order(w["seller"], o, "TN1"), "seller", "order.shipped", "buyer"),
    (S.SHIPPING, lambda w, o: orders.deliver_order(w["seller"], o), "seller", "order.delivered", "buyer"),
    (S.CONFIRMED, lambda w, o: orders.cancel_by_seller(w["seller"], o, "No stock"), "seller", "order.cancelled", "buyer"),
    (S.PENDING, lambda w, o: orders.cancel_by_buyer(w["buyer"], o, None), "buyer", "order.cancelled", "seller"),
    (S.DELIVERED, lambda w, o: orders.confirm_receipt(w["buyer"], o), "buyer", "order.completed", "seller"),
])
def test_exactly_one_notification_for_the_other_party(world, status, step, who, kind, to):
    order = make_order(world["buyer"], world["product"], status=status)
    before = _notifications()
    step(world, order.id)
    after = _notifications()
    assert after[len(before):] == [(world[to].id, kind)]
    link = db.session.scalars(select(Notification.link).where(Notification.kind == kind)).one()
    assert link == (f"/orders/{order.id}" if to == "buyer" else f"/seller/orders/{order.id}")


def test_admin_cancel_tells_both_parties_once(world):
    order = make_order(world["buyer"], world["product"], status=S.SHIPPING)
    orders.cancel_by_admin(world["admin"], order.id, "Fraud")
    assert sorted(_notifications()) == sorted([(world["buyer"].id, "order.cancelled"),
                                               (world["seller"].id, "order.cancelled")])
    body = db.session.scalars(select(Notification.body).where(Notification.user_id == world["buyer"].id)).one()
    assert body == "Reason: Fraud"


def test_sms_for_shipped_and_delivered_only_after_commit(world, sent_messages):
    order = make_order(world["buyer"], world["product"], status=S.PENDING)
    orders.confirm_order(world["seller"], order.id)
    orders.ship_order(world["seller"], order.id, "TRACK-77")
    assert sent_messages.messages == []  # nothing before the commit
    db.session.commit()
    assert [(m.channel, m.to) for m in sent_messages.messages] == [("sms", "+84907770001")]
    assert "TRACK-77" in sent_messages.messages[0].body and order.number in sent_messages.messages[0].body
    orders.deliver_order(world["seller"], order.id)
    db.session.commit()
    assert len(sent_messages.messages) == 2 and "delivered" in sent_messages.messages[1].body


def test_no_sms_when_the_transaction_rolls_back(world, sent_messages):
    order = make_order(world["buyer"], world["product"], status=S.CONFIRMED)
    db.session.commit()
    orders.ship_order(world["seller"], order.id, "TRACK-1")
    db.session.rollback()
    db.session.commit()
    assert sent_messages.messages == []


def test_email_when_the_buyer_has_no_phone(world, sent_messages):
    buyer = make_user()
    order = make_order(buyer, world["product"], status=S.CONFIRMED)
    orders.ship_order(world["seller"], order.id, "TRACK-2")
    db.session.commit()
    assert [(m.channel, m.to) for m in sent_messages.messages] == [("email", buyer.email)]


@pytest.mark.parametrize("stranger", ["bystander", "other_seller", "buyer_as_seller", "seller_as_buyer", "buyer_as_admin"])
def test_strangers_get_not_found_and_nothing_changes(world, stranger):
    order = make_order(world["buyer"], world["product"], status=S.PENDING)
    other_seller = make_shop().owner
    attempts = {
        "bystander": lambda: orders.cancel_by_buyer(world["bystander"], order.id),
        "other_seller": lambda: orders.confirm_order(other_seller, order.id),
        "buyer_as_seller": lambda: orders.confirm_order(world["buyer"], order.id),
        "seller_as_buyer": lambda: orders.cancel_by_buyer(world["seller"], order.id),
        "buyer_as_admin": lambda: orders.cancel_by_admin(world["buyer"], order.id, "x"),
    }
    with pytest.raises(NotFound):
        attempts[stranger]()
    db.session.refresh(order)
    assert order.status is S.PENDING
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


@pytest.mark.parametrize(("call", "field", "code"), [
    (lambda w, o: orders.cancel_by_seller(w["seller"], o, None), "reason", "reason_required"),
    (lambda w, o: orders.cancel_by_seller(w["seller"], o, "   "), "reason", "reason_required"),
    (lambda w, o: orders.cancel_by_admin(w["admin"], o, ""), "reason", "reason_required"),
    (lambda w, o: orders.cancel_by_buyer(w["buyer"], o, "x" * 501), "reason", "reason_too_long"),
    (lambda w, o: orders.ship_order(w["seller"], o, ""), "tracking_number", "tracking_number_required"),
    (lambda w, o: orders.ship_order(w["seller"], o, "T" * 65), "tracking_number", "tracking_number_too_long"),
])
def test_missing_or_bad_input_is_a_field_error(world, call, field, code):
    status = S.CONFIRMED if "ship" in code or "tracking" in code else S.PENDING
    order = make_order(world["buyer"], world["product"], status=status)
    with pytest.raises(ValidationFailed) as failed:
        call(world, order.id)
    assert failed.value.code == code and field in failed.value.fields and failed.value.status == 422


def test_buyer_may_cancel_without_a_reason(world):
    order = make_order(world["buyer"], world["product"])
    orders.cancel_by_buyer(world["buyer"], order.id, "  ")
    assert order.status is S.CANCELLED and order.cancel_reason is None


def test_transition_reads_the_status_under_the_lock_not_a_stale_copy(world):
    order = make_order(world["buyer"], world["product"])
    db.session.commit()
    # Someone else cancels behind this session's back: the in-memory order still says PENDING.
    db.session.execute(order.__table__.update().where(order.__table__.c.id == order.id).values(status="CANCELLED"))
    assert order.status is S.PENDING
    with pytest.raises(orders.TransitionNotAllowed):
        orders.confirm_order(world["seller"], order.id)
    assert order.status is S.CANCELLED
