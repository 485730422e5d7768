"""Flask commands: `flask seed-demo`, `flask create-admin`, ..."""
import click
from flask import Flask


def register(app: Flask) -> None:
    from marketplace import jobs

    jobs.register_commands(app)  # `flask worker`, `flask jobs failed|retry`

    @app.cli.group("payments")
    def payments_group() -> None:
        """Online payments."""

    @payments_group.command("expire")
    def payments_expire_command() -> None:
        """Cancel the orders of online checkouts not paid before their hold ended (what the worker's job does)."""
        click.echo(f"Expired {jobs.expire_payments()} unpaid checkout(s).")

    @app.cli.group("ledger")
    def ledger_group() -> None:
        """The money ledger: settlement and checks."""

    @ledger_group.command("settle")
    def ledger_settle_command() -> None:
        """Settle delivered orders whose SETTLEMENT_DAYS have passed (what the worker's hourly job does)."""
        from marketplace.services.ledger.settlement import settle_due
        from marketplace.web import unit_of_work

        with unit_of_work.transaction():
            settled = settle_due()
        click.echo(f"Settled {settled} order(s).")

    @ledger_group.command("check")
    def ledger_check_command() -> None:
        """The trial balance: fail when the books do not sum to zero or a shop's balance disagrees."""
        from marketplace.services.ledger import trial_balance_queries as tb

        sums = tb.currency_sums(tb.account_totals())
        wrong = tb.disagreeing_shops()
        for currency, total in sums.items():
            click.echo(f"{currency}: entries sum to {total}")
        for check in wrong:
            click.echo(f"shop {check.shop_name} ({check.shop_id}) {check.currency}: ledger {check.ledger}, "
                       f"recomputed {check.recomputed}")
        if any(sums.values()) or wrong:
            raise click.ClickException("the ledger does not check out")
        click.echo("The ledger checks out.")

    @app.cli.group("seo")
    def seo_group() -> None:
        """Search engines and link previews."""

    @seo_group.command("share-pictures")
    def share_pictures_command() -> None:
        """Make the 1200x630 link-preview picture of every product picture stored without one."""
        from marketplace.services.catalog import share_pictures
        from marketplace.web import unit_of_work

        total, after = 0, None
        while True:
            with unit_of_work.transaction():
                made, after = share_pictures.make_missing(after)
            total += made
            if after is None:
                break
        click.echo(f"Made {total} share pictures.")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
    def seed_demo_command(if_empty: bool) -> None:
        """Load the demo marketplace (accounts, shops, catalog) and print the demo logins."""
        from marketplace.seed.demo import DEMO_LOGINS, seed_demo

        created = seed_demo(only_if_empty=if_empty)
        click.echo("Demo data loaded." if created else "Demo data already present.")
        click.echo("Demo logins (password for all: %s):" % DEMO_LOGINS["password"])
        for role, login in DEMO_LOGINS["accounts"].items():
            click.echo(f"  {role:<7} {login}")

    @app.cli.command("create-admin")
    @click.argument("login")
    @click.option("--name", "full_name", default=None, help="Full name for a new account (default: Administrator).")
    def create_admin_command(login: str, full_name: str | None) -> None:
        """Create an admin account, or promote an existing one, by email or phone (LOGIN).

        The password comes from ADMIN_PASSWORD or is asked twice on the terminal, never
        from an argument (arguments end up in shell history and process lists).
        """
        import os

        from marketplace.services.admin.admin_accounts import create_or_promote_admin
        from marketplace.services.core.errors import DomainError
        from marketplace.web import unit_of_work

        password = os.environ.get("ADMIN_PASSWORD") or click.prompt(
            "Password", hide_input=True, confirmation_prompt=True)
        try:
            with unit_of_work.transaction():
                user, created = create_or_promote_admin(login, password, full_name)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        verb = "Created" if created else "Promoted"
        click.echo(f"{verb} admin {user.login_name}. They can log in now.")

    @app.cli.command("sales-rollups")
    @click.option("--time-zone", default=None, help="The zone whose days to count (default: DEFAULT_TIMEZONE).")
    def sales_rollups_command(time_zone: str | None) -> None:
        """Rebuild the daily sales figures of the dashboards from the orders, by the calendar days of
        TIME_ZONE: after DEFAULT_TIMEZONE changed. New orders wait for it to finish (seconds)."""
        from flask import current_app

        from marketplace.services.core import rollups
        from marketplace.web import unit_of_work

        zone = time_zone or current_app.config["DEFAULT_TIMEZONE"]
        try:
            with unit_of_work.transaction():
                rollups.set_time_zone(zone)
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Sales rollups rebuilt by the days of {zone}.")

    @app.cli.command("seed-bench")
    @click.option("--products", default=100_000, show_default=True, help="How many products to generate.")
    @click.option("--shops", default=1_000, show_default=True, help="How many shops (each with an owner).")
    @click.option("--buyers", default=20_000, show_default=True, help="Buyers (buyer*@bench.example.com) with an address.")
    @click.option("--orders", default=200_000, show_default=True, help="Past orders spread over the last 60 days.")
    @click.option("--ledger", is_flag=True, help="Only post the big shop's money history (ledger, settlements, "
                                                 "payouts) to a benchmark database that has none yet.")
    def seed_bench_command(products: int, shops: int, buyers: int, orders: int, ledger: bool) -> None:
        """Build the benchmark marketplace with COPY on an EMPTY database (or add its buyers and orders to a
        catalog built without them), then ANALYZE, then post the big shop's money history (see bench/README.md)."""
        import bcrypt

        from marketplace.extensions import db
        from marketplace.models import Product
        from marketplace.seed.bench import complete_bench, has_bench_people, seed_bench
        from marketplace.web import unit_of_work

        if ledger:
            _seed_bench_ledger(db)
            return

        # Bench-only accounts: bcrypt's minimum cost, so logging in 200 racing buyers measures the
        # marketplace, not bcrypt. Real accounts keep BCRYPT_ROUNDS.
        password_hash = bcrypt.hashpw(b"bench-pass-123", bcrypt.gensalt(4)).decode()
        try:
            with unit_of_work.transaction():
                has_catalog = bool(db.session.scalar(db.select(db.func.count()).select_from(Product)))
                completing = has_catalog and not has_bench_people()
                if completing:
                    made = complete_bench(password_hash, buyers=buyers, orders=orders, echo=click.echo)
                else:
                    made = seed_bench(products=products, shops=shops, buyers=buyers, orders=orders,
                                      password_hash=password_hash, echo=click.echo)
        except RuntimeError as error:
            raise click.ClickException(str(error)) from error
        _vacuum_bench_tables(db)  # after the commit: VACUUM only sees committed rows
        if orders:
            _seed_bench_ledger(db)
        if completing:
            click.echo("Benchmark people added to the existing catalog: {buyers:,} buyers, {orders:,} orders, "
                       "{reviews:,} reviews in {seconds} s.".format(**made))
            return
        click.echo("Benchmark catalog: {products:,} products, {variants:,} variants, {shops:,} shops, "
                   "{categories:,} categories in {seconds} s. Every account's password: bench-pass-123 "
                   "(admin@bench.example.com, buyer00000@bench.example.com, bench-seller-0@bench.example.com).".format(**made))


def _seed_bench_ledger(db) -> None:
    """The big benchmark shop's money history (marketplace/seed/bench_ledger.py), committed in batches."""
    from sqlalchemy import text

    from marketplace.seed.bench_ledger import has_ledger, seed_bench_ledger
    from marketplace.web import unit_of_work

    if has_ledger():
        click.echo("The big benchmark shop already has its ledger: nothing to post.")
        return
    click.echo("Posting the big benchmark shop's money history…")
    with unit_of_work.transaction():
        made = seed_bench_ledger(unit_of_work.checkpoint, echo=click.echo)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) ledger_transactions, ledger_entries, ledger_accounts, ledger_shop_hours, "
                          "payouts"))
    click.echo("Ledger: {delivered:,} deliveries, {settled:,} orders settled, {payouts} payouts "
               "in {seconds} s.".format(**made))


def _vacuum_bench_tables(db) -> None:
    """Rows loaded by COPY are not yet in the visibility map, so index-only scans would still read
    the heap until autovacuum passes by: a freshly seeded benchmark would measure that instead."""
    from sqlalchemy import text

    click.echo("  VACUUM ANALYZE…")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) products, product_variants, product_images, users, addresses, orders, "
                          "order_items, order_events, reviews, checkout_requests"))
