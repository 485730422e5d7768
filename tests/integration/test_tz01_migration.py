"""Migration tz01: the existing sales rollups are rebuilt by the local day (DEFAULT_TIMEZONE) going up,
by the UTC day going down, and orders placed after either count by that migration's days."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from marketplace import create_app
from marketplace.extensions import db
from tests import database
from tests.conftest import make_test_config

PEOPLE = """
INSERT INTO users (id, email, full_name, password_hash, role, status, is_verified)
VALUES ('00000000-0000-0000-0000-0000000000a1', 'seller@example.com', 'Seller', 'x', 'SELLER', 'ACTIVE', true);
INSERT INTO shops (id, owner_id, name, slug, description, status)
VALUES ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 'Shop', 'shop', '', 'ACTIVE');
INSERT INTO checkout_requests (id, user_id, idempotency_key)
VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000a1', 'k');
"""


def _order(number: str, created_at: str, total: int) -> str:
    return f"""
INSERT INTO orders (id, number, checkout_id, buyer_id, shop_id, status, payment_method, currency, subtotal,
                    shipping_fee, discount, total, ship_recipient_name, ship_phone, ship_line1, ship_city, created_at)
VALUES (gen_random_uuid(), '{number}', '00000000-0000-0000-0000-0000000000c1',
        '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1', 'PENDING', 'COD', 'VND',
        {total}, 0, 0, {total}, 'A', '+84901234567', '1 Lê Lợi', 'Hồ Chí Minh', '{created_at}');
"""


def _days(conn) -> dict[str, tuple[int, int]]:
    """{day: (orders, total)} of the shop's rollup, and the same from the platform's."""
    shop = {str(day): (int(n), int(total)) for day, n, total in conn.execute(text(
        "SELECT day, sum(orders), sum(total) FROM shop_sales_daily GROUP BY day HAVING sum(orders) <> 0"))}
    platform = {str(day): (int(n), int(total)) for day, n, total in conn.execute(text(
        "SELECT day, sum(orders), sum(total) FROM sales_daily GROUP BY day HAVING sum(orders) <> 0"))}
    assert shop == platform
    return shop


def test_tz01_rebuilds_the_rollups_by_the_local_day_and_back():
    app = create_app(make_test_config(database.fresh_database("_tz01"), DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh"))
    directory = str(database.ROOT / "migrations")
    with app.app_context():
        try:
            upgrade(directory=directory, revision="i18n01")
            with db.engine.begin() as conn:
                conn.execute(text(PEOPLE))
                conn.execute(text(_order("LATE", "2026-12-06 16:30+00", 100)))   # 23:30 on the 6th in Vietnam
                conn.execute(text(_order("EARLY", "2026-12-06 17:30+00", 200)))  # 00:30 on the 7th in Vietnam
            with db.engine.connect() as conn:
                assert _days(conn) == {"2026-12-06": (2, 300)}  # UTC days

            upgrade(directory=directory, revision="tz01")
            with db.engine.begin() as conn:
                assert _days(conn) == {"2026-12-06": (1, 100), "2026-12-07": (1, 200)}
                assert conn.execute(text("SELECT sales_rollup_zone()")).scalar() == "Asia/Ho_Chi_Minh"
                conn.execute(text(_order("NEXT", "2026-12-07 18:00+00", 400)))  # 01:00 on the 8th in Vietnam
            with db.engine.connect() as conn:
                assert _days(conn) == {"2026-12-06": (1, 100), "2026-12-07": (1, 200), "2026-12-08": (1, 400)}

            downgrade(directory=directory, revision="i18n01")
            with db.engine.begin() as conn:
                assert _days(conn) == {"2026-12-06": (2, 300), "2026-12-07": (1, 400)}
                assert conn.execute(text("SELECT count(*) FROM pg_proc WHERE proname = 'sales_rollup_zone'")).scalar() == 0
                conn.execute(text(_order("AFTER", "2026-12-07 18:30+00", 800)))
            with db.engine.connect() as conn:
                assert _days(conn) == {"2026-12-06": (2, 300), "2026-12-07": (2, 1200)}
        finally:
            db.engine.dispose()
