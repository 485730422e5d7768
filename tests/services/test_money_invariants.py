"""Property-based: random sequences of the real services on the real database (checkouts cash on
delivery and online with the sandbox's paid notification, cancellations, deliveries, settlements with
time moved on through `now`, payout requests, payments and refusals) keep the money invariants after
every step:

- every ledger transaction sums to zero (per currency: one currency here);
- no refund exceeds what was paid for its order;
- every shop's ledger balance equals the figure recomputed from orders, refunds and payouts;
- the books as a whole sum to zero, and stock is conserved (on hand + units in live orders = start).

TODO(lead): refunds and returns are the other helper's (services/ledger/refunds.py,
services/returns/); they were not on main when this was written. Add rules that decide a return and
refund a line (partial and full, COD and online) once they are: the invariants below already cover
them (the recomputation subtracts refunds, and `no_refund_exceeds_payment` reads the refunds table).
"""
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select, text

from marketplace.extensions import db
from marketplace.models import Order, OrderItem, OrderStatus, ProductVariant, Role
from marketplace.models.base import utcnow
from marketplace.services.cart import cart
from marketplace.services.core.errors import DomainError
from marketplace.services.ledger import payouts
from marketplace.services.ledger import trial_balance_queries as tb
from marketplace.services.ledger.settlement import settle_due
from marketplace.services.ordering import orders
from marketplace.services.ordering.checkout import place_orders
from marketplace.services.ordering.orders import Action, ActorRole
from marketplace.services.payments import payments
from tests.factories import make_address, make_product, make_user
from tests.ledger_support import seller_shop
from tests.payments_support import links, notification

STOCK = 40
PRICES = (1500, 2999, 12000)


class MoneyMachine(RuleBasedStateMachine):
    @initialize()
    def world(self):
        self.admin = make_user(role=Role.ADMIN)
        self.buyer = make_user()
        self.address = make_address(self.buyer)
        self.shops = [seller_shop(), seller_shop()]
        self.variants = []
        for shop in self.shops:
            for price in PRICES[:2]:
                self.variants.append(make_product(shop=shop, variants=[{"price": price, "stock": STOCK}]).variants[0])
        self.variant_ids = [v.id for v in self.variants]
        self.now = utcnow()
        self.checkouts = 0

    # -- the moves ---------------------------------------------------------------------------

    def _place(self, picks, method):
        for index, quantity in picks:
            cart.add_item(self.buyer, self.variant_ids[index], quantity)
        self.checkouts += 1
        return place_orders(self.buyer, self.address.id, method, idempotency_key=f"hyp-{id(self)}-{self.checkouts}")

    @rule(picks=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 3)), min_size=1, max_size=3,
                         unique_by=lambda p: p[0]))
    def checkout_cash(self, picks):
        with db.session.begin_nested():
            self._place(picks, "COD")

    @rule(picks=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 2)), min_size=1, max_size=2,
                         unique_by=lambda p: p[0]), pays=st.booleans())
    def checkout_online(self, picks, pays):
        with db.session.begin_nested():
            placed = self._place(picks, "ONLINE")
            payment, __ = payments.start_payment(self.buyer, placed, links)
            if pays:
                payments.handle_notification("sandbox", notification(payment))

    def _orders(self, *statuses):
        return list(db.session.scalars(select(Order).where(Order.buyer_id == self.buyer.id,
                                                           Order.status.in_(statuses)).order_by(Order.number)))

    @precondition(lambda self: hasattr(self, "buyer"))
    @rule(pick=st.integers(0, 50))
    def buyer_cancels(self, pick):
        found = self._orders(OrderStatus.PENDING)
        if found:
            with db.session.begin_nested():
                orders.transition(found[pick % len(found)].id, self.buyer, ActorRole.BUYER, Action.CANCEL)

    @precondition(lambda self: hasattr(self, "buyer"))
    @rule(pick=st.integers(0, 50))
    def seller_delivers(self, pick):
        found = self._orders(OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPING)
        if not found:
            return
        order = found[pick % len(found)]
        seller = next(shop.owner for shop in self.shops if shop.id == order.shop_id)
        steps = {OrderStatus.PENDING: (Action.CONFIRM, Action.SHIP, Action.DELIVER),
                 OrderStatus.CONFIRMED: (Action.SHIP, Action.DELIVER), OrderStatus.SHIPPING: (Action.DELIVER,)}
        with db.session.begin_nested():
            for action in steps[order.status]:
                orders.transition(order.id, seller, ActorRole.SELLER, action, tracking_number="VN1")

    @precondition(lambda self: hasattr(self, "buyer"))
    @rule(days=st.integers(0, 10))
    def time_passes_and_settlement_runs(self, days):
        self.now += timedelta(days=days)
        with db.session.begin_nested():
            settle_due(self.now)

    @precondition(lambda self: hasattr(self, "buyer"))
    @rule(which=st.integers(0, 1))
    def seller_asks_for_a_payout(self, which):
        try:
            with db.session.begin_nested():
                payouts.request(self.shops[which].owner)
        except DomainError:
            pass  # below the minimum: refused, nothing changed (the invariants check it)

    @precondition(lambda self: hasattr(self, "buyer"))
    @rule(pay=st.booleans())
    def admin_decides_the_oldest_payout(self, pay):
        from marketplace.services.ledger import payout_queries

        open_ = [p for p in payout_queries.queue().items if p.status in ("REQUESTED", "APPROVED")]
        if not open_:
            return
        payout = open_[-1]
        with db.session.begin_nested():
            if not pay:
                payouts.refuse(self.admin, payout.id, "Account name does not match")
            elif payout.status == "REQUESTED":
                payouts.approve(self.admin, payout.id)
            else:
                payouts.mark_paid(self.admin, payout.id, "FT-HYP")

    # -- what must always hold ---------------------------------------------------------------

    @invariant()
    def every_transaction_sums_to_zero(self):
        unbalanced = db.session.execute(text(
            "SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING sum(amount) <> 0")).all()
        assert unbalanced == []

    @invariant()
    def the_books_sum_to_zero(self):
        assert all(total == 0 for total in tb.currency_sums(tb.account_totals()).values())

    @invariant()
    def no_refund_exceeds_payment(self):
        over = db.session.execute(text(
            "SELECT o.id FROM orders o JOIN refunds r ON r.order_id = o.id GROUP BY o.id, o.total "
            "HAVING sum(r.amount) > o.total")).all()
        assert over == []
        assert db.session.scalar(select(func.count()).select_from(OrderItem).where(
            OrderItem.refunded_amount > OrderItem.line_total - OrderItem.discount_share)) == 0

    @invariant()
    def every_shop_balance_is_explained(self):
        assert tb.disagreeing_shops() == []

    @invariant()
    def stock_is_conserved(self):
        if not hasattr(self, "variant_ids"):
            return
        on_hand = dict(db.session.execute(select(ProductVariant.id, ProductVariant.stock)
                                          .where(ProductVariant.id.in_(self.variant_ids))).all())
        sold = dict(db.session.execute(
            select(OrderItem.variant_id, func.sum(OrderItem.quantity)).join(Order, Order.id == OrderItem.order_id)
            .where(OrderItem.variant_id.in_(self.variant_ids), Order.status != OrderStatus.CANCELLED)
            .group_by(OrderItem.variant_id)).all())
        assert all(on_hand[v] + sold.get(v, 0) == STOCK for v in self.variant_ids)

    @invariant()
    def available_is_never_overdrawn(self):
        if hasattr(self, "shops"):
            from marketplace.services.ledger.balance_queries import figures

            assert all(figures(shop.id, "USD").available >= 0 for shop in self.shops)


MoneyMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=12, deadline=None,
                                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])


def test_money_invariants(app):
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(MoneyMachine, settings=MoneyMachine.TestCase.settings)
