"""The seller's figures and statements, and the admin's trial balance: opening + the month's lines =
closing; account totals sum to zero; each shop's balance equals its recomputation from orders, refunds
and payouts."""
import uuid
from datetime import date, datetime, timezone

from sqlalchemy import text

from marketplace.extensions import db
from marketplace.models import Role
from marketplace.services.ledger import balance_queries, payouts
from marketplace.services.ledger import trial_balance_queries as tb
from marketplace.services.ledger.ledger import K, account_id
from marketplace.services.ledger.settlement import settle_due
from tests.factories import make_user
from tests.ledger_support import after_settlement_days, delivered_order, seller_shop

UTC = timezone.utc


def _old_entry(shop, amount, at):
    """An adjustment posted at `at` (the ledger stamps entries with now(): a test writes its past by hand)."""
    tx = uuid.uuid4()
    db.session.execute(text("INSERT INTO ledger_transactions (id, kind, currency, memo, created_at) "
                            "VALUES (:id, 'ADJUSTMENT', 'USD', 'old', :at)"), {"id": tx, "at": at})
    db.session.execute(text("INSERT INTO ledger_entries (transaction_id, account_id, amount, created_at) "
                            "VALUES (:tx, :cash, :amount, :at), (:tx, :shop, :minus, :at)"),
                       {"tx": tx, "cash": account_id(K.CASH, "USD"), "amount": amount, "minus": -amount, "at": at,
                        "shop": account_id(K.SHOP_AVAILABLE, "USD", shop.id)})


def test_figures_follow_sales_settlement_and_payouts(app):
    shop = seller_shop()
    order = delivered_order(shop, prices=(3000, 2000))
    earned = balance_queries.figures(shop.id, "USD").pending
    assert earned > 0
    settle_due(after_settlement_days(app, order))
    assert balance_queries.figures(shop.id, "USD") == balance_queries.Figures("USD", 0, earned, 0, 0)
    payout = payouts.request(shop.owner)
    assert balance_queries.figures(shop.id, "USD") == balance_queries.Figures("USD", 0, 0, earned, 0)
    admin = make_user(role=Role.ADMIN)
    payouts.approve(admin, payout.id)
    payouts.mark_paid(admin, payout.id, "FT1")
    assert balance_queries.figures(shop.id, "USD") == balance_queries.Figures("USD", 0, 0, 0, earned)


def test_entries_page_through_both_accounts_newest_first(app):
    shop = seller_shop()
    order = delivered_order(shop, prices=(3000, 2000, 1000))
    settle_due(after_settlement_days(app, order))
    seen, cursor = [], None
    while True:
        page = balance_queries.entries(shop.id, "USD", cursor, limit=3)
        seen += page.items
        cursor = page.next_cursor
        if not cursor:
            break
    # 4 earned (3 lines + shipping) and 4 settled pairs (8 entries)
    assert len(seen) == 12 and len({row.id for row in seen}) == 12
    assert [(r.created_at, r.id) for r in seen] == sorted(((r.created_at, r.id) for r in seen), reverse=True)
    assert sum(r.amount for r in seen) == balance_queries.figures(shop.id, "USD").available
    assert all(r.order_number == order.number for r in seen)


def test_a_statement_opens_where_the_last_one_closed(app):
    shop = seller_shop()
    _old_entry(shop, 700, datetime(2026, 1, 10, tzinfo=UTC))
    _old_entry(shop, 300, datetime(2026, 2, 3, tzinfo=UTC))
    _old_entry(shop, 200, datetime(2026, 2, 27, tzinfo=UTC))
    tz = "Asia/Ho_Chi_Minh"
    january = balance_queries.statement(shop.id, "USD", date(2026, 1, 1), tz)
    february = balance_queries.statement(shop.id, "USD", date(2026, 2, 1), tz)
    assert (january.opening, january.closing, len(january.lines)) == (0, 700, 1)
    assert (february.opening, february.closing, len(february.lines)) == (700, 1200, 2)
    assert february.opening + sum(line.total for line in february.lines) == february.closing
    assert february.closing_available == 1200 and february.closing_pending == 0
    months = balance_queries.statement_months(shop.id, "USD", date(2026, 3, 15), tz)
    assert months == [date(2026, 3, 1), date(2026, 2, 1), date(2026, 1, 1)]


def test_a_month_follows_the_viewers_time_zone(app):
    shop = seller_shop()
    _old_entry(shop, 500, datetime(2026, 1, 31, 20, tzinfo=UTC))  # 1 February, 03:00 in Ho Chi Minh City
    assert len(balance_queries.statement(shop.id, "USD", date(2026, 2, 1), "Asia/Ho_Chi_Minh").lines) == 1
    assert len(balance_queries.statement(shop.id, "USD", date(2026, 1, 1), "UTC").lines) == 1


def test_statement_lines_are_one_per_day_and_kind_with_counts(app):
    shop = seller_shop()
    order = delivered_order(shop, prices=(3000,))
    delivered_order(shop, prices=(1000, 500))
    settle_due(after_settlement_days(app, order))
    today = datetime.now(UTC).date()
    statement = balance_queries.statement(shop.id, "USD", today.replace(day=1), "UTC")
    by_kind = {line.kind: line for line in statement.lines}
    assert len(statement.lines) == len(by_kind) == 2  # all today: one line per kind
    assert by_kind["SALE_EARNED"].transactions == 2 and by_kind["SALE_EARNED"].day == today
    assert by_kind["SETTLED"].transactions == 2 + 3  # each order's lines and its shipping
    settled = by_kind["SETTLED"]
    assert settled.total == 0 and settled.available > 0 and settled.pending == -settled.available
    assert statement.opening + sum(line.total for line in statement.lines) == statement.closing


def test_the_day_lines_add_up_to_the_closing_balance_and_the_shops_balance(app):
    shop = seller_shop()
    _old_entry(shop, 400, datetime(2026, 1, 20, tzinfo=UTC))
    for at in (datetime(2026, 2, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, 23, tzinfo=UTC),
               datetime(2026, 2, 14, 12, tzinfo=UTC), datetime(2026, 2, 28, 23, 59, tzinfo=UTC)):
        _old_entry(shop, 100, at)
    february = balance_queries.statement(shop.id, "USD", date(2026, 2, 1), "UTC")
    assert [(line.day, line.kind, line.transactions, line.available) for line in february.lines] == [
        (date(2026, 2, 1), "ADJUSTMENT", 2, 200), (date(2026, 2, 14), "ADJUSTMENT", 1, 100),
        (date(2026, 2, 28), "ADJUSTMENT", 1, 100)]
    assert february.opening == 400
    assert february.opening + sum(line.total for line in february.lines) == february.closing == 800
    order = delivered_order(shop, prices=(3000, 2000))  # now: later months
    settle_due(after_settlement_days(app, order))
    today = datetime.now(UTC).date()
    this_month = balance_queries.statement(shop.id, "USD", today.replace(day=1), "UTC")
    figures = balance_queries.figures(shop.id, "USD")
    assert this_month.closing_pending == figures.pending and this_month.closing_available == figures.available
    assert this_month.opening + sum(line.total for line in this_month.lines) == this_month.closing


def test_statement_transactions_list_every_transaction_of_the_month(app):
    shop = seller_shop()
    order = delivered_order(shop, prices=(3000, 2000))
    settle_due(after_settlement_days(app, order))
    today = datetime.now(UTC).date()
    rows = list(balance_queries.statement_transactions(shop.id, "USD", today.replace(day=1), "UTC", batch=2))
    assert [row.kind for row in rows].count("SETTLED") == 3 and [row.kind for row in rows].count("SALE_EARNED") == 1
    assert all(row.order_number == order.number for row in rows)
    statement = balance_queries.statement(shop.id, "USD", today.replace(day=1), "UTC")
    assert sum(row.total for row in rows) == statement.closing - statement.opening
    assert list(balance_queries.statement_transactions(seller_shop().id, "USD", today.replace(day=1), "UTC")) == []


def test_trial_balance_sums_to_zero_and_every_shop_agrees(app):
    shop, other = seller_shop(), seller_shop()
    order = delivered_order(shop, prices=(3000, 2000))
    delivered_order(other, prices=(1500,))
    settle_due(after_settlement_days(app, order))
    admin = make_user(role=Role.ADMIN)
    payout = payouts.request(shop.owner)
    payouts.refuse(admin, payout.id, "Wrong account")
    payout = payouts.request(shop.owner)
    payouts.approve(admin, payout.id)
    payouts.mark_paid(admin, payout.id, "FT9")
    totals = tb.account_totals()
    assert tb.currency_sums(totals) == {"USD": 0}
    checks = {check.shop_id: check for check in tb.shop_checks()}
    assert checks[shop.id].agrees and checks[other.id].agrees
    assert checks[other.id].ledger == 1500 - 75 + app.config["SHIPPING_FEE"]
    assert tb.disagreeing_shops() == []


def test_the_per_shop_check_finds_a_balance_that_came_from_nowhere(app):
    shop = seller_shop()
    delivered_order(shop)
    _old_entry(shop, 999, datetime(2026, 1, 1, tzinfo=UTC))  # money no order, refund or payout explains
    [wrong] = tb.disagreeing_shops()
    assert wrong.shop_id == shop.id and wrong.ledger - wrong.recomputed == 999
    assert tb.shop_checks(shop.id) == [wrong]
