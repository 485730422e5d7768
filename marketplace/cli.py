"""Flask commands: `flask seed-demo`, `flask create-admin`, ..."""
import click
from flask import Flask


def register(app: Flask) -> None:
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
