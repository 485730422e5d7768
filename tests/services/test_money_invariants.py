"""Property-based: random sequences of the real services on the real database (checkouts cash on
delivery and online with the sandbox's paid notification, cancellations, deliveries, returns received
(restocked or not) and refunded, delivered orders cancelled by an admin and refunded in full, refunds
paid through the sandbox or by hand, settlements with time moved on through `now`, payout requests,
payments and refusals) keep the money invariants after every step:

- every ledger transaction sums to zero (per currency: one currency here);
- no refund exceeds what was paid for its order;
- every shop's ledger balance equals the figure recomputed from orders, refunds and payouts;
- the books as a whole sum to zero, and stock is conserved (on hand + units out = start, where a
  line's units out are its quantity unless cancelled, less the units a return brought back, plus those
  brought back but not put on sale).
"""
from datetime import timedelta

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select, text

from marketplace.extensions import db
from marketplace.models import Order, OrderItem, OrderStatus, ProductVariant, Refund, RefundStatus, Role
from marketplace.models.base import utcnow
from marketplace.services.cart import cart
from marketplace.services.core.errors import DomainError
from marketplace.services.ledger import payouts, refunds
from marketplace.services.ledger import trial_balance_queries as tb
from marketplace.services.ledger.settlement import settle_due
from marketplace.services.ordering import orders
from marketplace.services.ordering.checkout import place_orders
from marketplace.services.ordering.orders import Action, ActorRole
from marketplace.services.payments import payments, refunding
from marketplace.services.returns import returns
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
        # Something delivered from the start, paid each way, so returns and late cancellations come early.
        for method in ("COD", "ONLINE"):
            placed = self._place([(0, 2), (2, 1)], method)
            if method == "ONLINE":
                payments.handle_notification("sandbox", notification(payments.start_payment(self.buyer, placed,
                                                                                           links)[0]))
            for order in placed.orders:
                seller = next(shop.owner for shop in self.shops if shop.id == order.shop_id)
                for action in (Action.CONFIRM, Action.SHIP, Action.DELIVER):
                    orders.transition(order.id, seller, ActorRole.SELLER, action, tracking_number="VN1")

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
        """This example's orders in a given status, in an order a replay reproduces (numbers and ids are
        random: placed first, then by the shop's place in self.shops)."""
        found = db.session.scalars(select(Order).where(Order.buyer_id == self.buyer.id, Order.status.in_(statuses)))
        shops = [shop.id for shop in self.shops]
        return sorted(found, key=lambda order: (order.created_at, shops.index(order.shop_id)))

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

    # Preconditions read only this example's rows (its own buyer): the database keeps earlier examples'.
    def _count(self, *where) -> int:
        if not hasattr(self, "buyer"):
            return 0
        return db.session.scalar(select(func.count()).select_from(Order).where(Order.buyer_id == self.buyer.id, *where))

    def _owed(self) -> list[Refund]:
        """This example's refunds still owed, in an order a replay reproduces: every row of an example
        has the same created_at (one transaction) and random ids, so by their order's place in
        _orders(), then by amount (Hypothesis refuses a replay whose preconditions come out otherwise)."""
        if not hasattr(self, "buyer"):
            return []
        owed = db.session.scalars(select(Refund).join(Order, Order.id == Refund.order_id)
                                  .where(Order.buyer_id == self.buyer.id, Refund.status == RefundStatus.OWED.value)).all()
        places = {order.id: n for n, order in enumerate(self._orders(*OrderStatus))}
        return sorted(owed, key=lambda refund: (places[refund.order_id], refund.amount, refund.method))

    @precondition(lambda self: self._count(Order.status.in_([OrderStatus.DELIVERED, OrderStatus.COMPLETED])) > 0)
    @rule(pick=st.integers(0, 50), units=st.integers(1, 3), restock=st.booleans())
    def buyer_returns_and_is_refunded(self, pick, units, restock):
        found = [o for o in self._orders(OrderStatus.DELIVERED, OrderStatus.COMPLETED)
                 if any(i.quantity > i.return_quantity for i in o.items)]
        if not found:
            return
        order = found[pick % len(found)]
        item = next(i for i in order.items if i.quantity > i.return_quantity)
        seller = next(shop.owner for shop in self.shops if shop.id == order.shop_id)
        try:
            with db.session.begin_nested():
                request = returns.request_return(self.buyer, order.id,
                                                 {item.id: min(units, item.quantity - item.return_quantity)}, "DAMAGED")
                returns.accept(seller, request.id)
                returns.give_tracking(self.buyer, request.id, "VNRET1")
                returns.receive(seller, request.id, restock)
            event("a return received and refunded")
        except DomainError:
            pass  # another return of this order is still open: refused, nothing changed

    @precondition(lambda self: self._count(Order.status == OrderStatus.DELIVERED) > 0)
    @rule(pick=st.integers(0, 50))
    def admin_cancels_a_delivered_order(self, pick):
        found = self._orders(OrderStatus.DELIVERED)
        if found:
            with db.session.begin_nested():
                orders.transition(found[pick % len(found)].id, self.admin, ActorRole.ADMIN, Action.CANCEL,
                                  reason="Counterfeit goods reported")
            event("a delivered order cancelled and refunded")

    @precondition(lambda self: len(self._owed()) > 0)
    @rule()
    def refunds_are_paid(self):
        for refund in self._owed()[:2]:
            with db.session.begin_nested():
                if refund.method == "ONLINE":
                    refunding.send(refund.id)  # through the sandbox provider, as the job does
                else:
                    refunds.mark_paid(refund.id, reference="FT-REFUND", actor=self.admin)
            event(f"a {refund.method} refund paid")

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
        out = dict(db.session.execute(text("""
            SELECT i.variant_id,
                   sum(CASE WHEN o.status = 'CANCELLED' THEN 0 ELSE i.quantity - coalesce(back.units, 0) END
                       + coalesce(back.units, 0) - coalesce(back.restocked, 0))
            FROM order_items i JOIN orders o ON o.id = i.order_id
            LEFT JOIN (SELECT ri.order_item_id, sum(ri.quantity) AS units,
                              sum(CASE WHEN r.restock THEN ri.quantity ELSE 0 END) AS restocked
                       FROM return_items ri JOIN returns r ON r.id = ri.return_id
                       WHERE r.status IN ('RECEIVED', 'REFUNDED') GROUP BY ri.order_item_id) back
                   ON back.order_item_id = i.id
            WHERE i.variant_id = ANY(:ids) GROUP BY i.variant_id"""), {"ids": self.variant_ids}).all())
        assert all(on_hand[v] + out.get(v, 0) == STOCK for v in self.variant_ids)

    @invariant()
    def available_is_never_overdrawn(self):
        if hasattr(self, "shops"):
            from marketplace.services.ledger.balance_queries import figures

            assert all(figures(shop.id, "USD").available >= 0 for shop in self.shops)


MoneyMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=15, deadline=None,
                                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])


def test_money_invariants(app):
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(MoneyMachine, settings=MoneyMachine.TestCase.settings)
