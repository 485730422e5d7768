"""Flask commands: `flask seed-demo`, `flask create-admin`, ..."""
import click
from flask import Flask


def register(app: Flask) -> None:
    from marketplace import jobs

    jobs.register_commands(app)  # `flask worker`, `flask jobs failed|retry`

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

        from marketplace.extensions import db
        from marketplace.services.admin_accounts import create_or_promote_admin
        from marketplace.services.errors import DomainError

        password = os.environ.get("ADMIN_PASSWORD") or click.prompt(
            "Password", hide_input=True, confirmation_prompt=True)
        try:
            with db.session.begin_nested():
                user, created = create_or_promote_admin(login, password, full_name)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
        verb = "Created" if created else "Promoted"
        click.echo(f"{verb} admin {user.login_name}. They can log in now.")

    @app.cli.command("seed-bench")
    @click.option("--products", default=100_000, show_default=True, help="How many products to generate.")
    @click.option("--shops", default=1_000, show_default=True, help="How many shops (each with an owner).")
    @click.option("--buyers", default=2_500, show_default=True, help="Buyers (buyer*@bench.local) with an address.")
    @click.option("--orders", default=20_000, show_default=True, help="Past orders spread over the last 60 days.")
    def seed_bench_command(products: int, shops: int, buyers: int, orders: int) -> None:
        """Build the benchmark catalog with COPY on an EMPTY database, then ANALYZE (see bench/README.md)."""
        from marketplace.extensions import db
        from marketplace.seed.bench import seed_bench
        from marketplace.services.passwords import hash_password

        try:
            made = seed_bench(products=products, shops=shops, buyers=buyers, orders=orders,
                              password_hash=hash_password("bench-pass-123"), echo=click.echo)
        except RuntimeError as error:
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo("Benchmark catalog: {products:,} products, {variants:,} variants, {shops:,} shops, "
                   "{categories:,} categories in {seconds} s. Every account's password: bench-pass-123 "
                   "(admin@bench.local, buyer00000@bench.local, bench-seller-0@bench.local).".format(**made))
